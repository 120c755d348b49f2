/* ner_tag.c: see ner_tag.h.  Pure apart from the caller's scratch buffers. */
#include "ner_tag.h"

#include "ner_stack.h"

#include "ds_mem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void ner_tag_work_free(ner_tag_work_t *w)
{
    free(w->gaz);
    free(w->props);
    free(w->feats);
    free(w->nfeats);
    free(w->emit);
    free(w->score);
    free(w->back);
    free(w->tvec);
    free(w->idx);
    free(w->vecs);
    free(w->live);
    free(w->wprops);
    free(w->wgaz);
    free(w->first);
    free(w->skeys);
    if (w->types.cap) {
        ner_map_free(&w->types);
    }
    if (w->words.cap) {
        ner_map_free(&w->words);
    }
    memset(w, 0, sizeof *w);
}

static void reserve(ner_tag_work_t *w, size_t n)
{
    if (n <= w->cap) {
        return;
    }
    size_t cap = w->cap ? w->cap : 64;
    while (cap < n) {
        cap *= 2;
    }
    w->gaz = ds_xrealloc(w->gaz, cap * sizeof *w->gaz);
    w->props = ds_xrealloc(w->props, cap * sizeof *w->props);
    w->feats = ds_xrealloc(w->feats, cap * NER_MAX_FEATS * sizeof *w->feats);
    w->nfeats = ds_xrealloc(w->nfeats, cap);
    w->emit = ds_xrealloc(w->emit, cap * NER_NLABELS * sizeof *w->emit);
    w->score = ds_xrealloc(w->score, cap * NER_NLABELS * sizeof *w->score);
    w->back = ds_xrealloc(w->back, cap * NER_NLABELS);
    w->idx = ds_xrealloc(w->idx, cap * sizeof *w->idx);
    w->vecs = ds_xrealloc(w->vecs, cap * sizeof *w->vecs);
    w->live = ds_xrealloc(w->live, cap);
    w->first = ds_xrealloc(w->first, cap * sizeof *w->first);
    w->cap = cap;
}

/* A 64-bit hash of a token's bytes, eight at a time. */
static uint64_t text_key(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL * (n + 1), x;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    for (x = 0; i < n; i++) {
        x = x << 8 | (uint8_t)s[i];
    }
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ h >> 29;
}

/* w->props[0..n) and w->gaz[0..n) of tokens s[0..n): the props of each distinct text
 * are computed once and kept in w (a pure function of the bytes). */
static void sentence_props(const ner_gaz_t *gz, const char *const *s, const uint32_t *len,
                           const uint8_t *space, size_t n, ner_tag_work_t *w)
{
    if (w->words.cap == 0) {
        ner_map_init(&w->words, 1024);
    }
    if (w->nwords + n > NER_TAG_MAX_TYPES) {
        ner_map_clear(&w->words); /* bounded memory */
        w->nwords = 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t *v = ner_map_put(&w->words, text_key(s[i], len[i]), 0);
        if (*v == 0) {
            if (w->nwords == w->cap_words) {
                w->cap_words = w->cap_words ? w->cap_words * 2 : 256;
                w->wprops = ds_xrealloc(w->wprops, w->cap_words * sizeof *w->wprops);
                w->wgaz = ds_xrealloc(w->wgaz, w->cap_words * sizeof *w->wgaz);
            }
            ner_props(s[i], len[i], 0, &w->wprops[w->nwords]);
            w->wgaz[w->nwords] = ner_gaz_entry(gz, w->wprops[w->nwords].lower);
            *v = (uint32_t)++w->nwords;
        }
        w->props[i] = w->wprops[*v - 1];
        w->first[i] = w->wgaz[*v - 1];
    }
    ner_gaz_tag_from(gz, s, len, space, n, w->first, w->gaz);
    for (size_t i = 0; i < n; i++) {
        w->props[i].gaz = w->gaz[i];
    }
}

void ner_tag_features(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                      size_t n, ner_tag_work_t *w)
{
    reserve(w, n);
    ner_gaz_tag(gz, s, len, space, n, w->gaz);
    for (size_t i = 0; i < n; i++) {
        ner_props(s[i], len[i], w->gaz[i], &w->props[i]);
    }
    unsigned sflags = ner_sentence_flags(w->props, n);
    ner_sentence_chains(w->props, n, sflags);
    for (size_t i = 0; i < n; i++) {
        w->nfeats[i] = (uint8_t)ner_features(w->props, n, i, sflags, w->feats + i * NER_MAX_FEATS);
    }
}

static void emit_feats(const ner_model_t *m, const uint32_t *f, size_t nf, float *out)
{
    memset(out, 0, NER_NLABELS * sizeof *out);
    ner_model_emit(m, f, nf, out);
}

/* Index of the cached score vectors of token t in sentence mode sflags (an index, as
 * the cache may move when it grows). */
static size_t type_vectors(const ner_model_t *m, ner_tag_work_t *w, const ner_props_t *t, unsigned sflags)
{
    static const int offs[4] = {-2, -1, 1, 2};
    if (w->types.cap == 0) {
        ner_map_init(&w->types, 1024);
    }
    uint64_t key = ner_mix(ner_mix(t->lower, t->shape), ((uint64_t)t->gaz << 24) ^ (uint64_t)t->cas << 16 ^
                                                            (uint64_t)t->len << 8 ^ sflags);
    uint32_t *v = ner_map_put(&w->types, key, 0);
    if (*v) {
        return *v - 1;
    }
    if (w->ntypes == w->cap_types) {
        w->cap_types = w->cap_types ? w->cap_types * 2 : 256;
        w->tvec = ds_xrealloc(w->tvec, w->cap_types * 5 * NER_NLABELS * sizeof *w->tvec);
    }
    *v = (uint32_t)++w->ntypes;
    float *vec = w->tvec + (w->ntypes - 1) * 5 * NER_NLABELS;
    uint32_t f[NER_MAX_FEATS];
    emit_feats(m, f, ner_feat_unary(t, sflags, f), vec);
    for (int j = 0; j < 4; j++) {
        emit_feats(m, f, ner_feat_neighbour(t, offs[j], sflags, f), vec + (size_t)(j + 1) * NER_NLABELS);
    }
    return w->ntypes - 1;
}

typedef float v4f __attribute__((vector_size(16)));

/* acc[l] += v[l] for every label, four labels at a time (the same float additions). */
static void add(float *acc, const float *v)
{
    _Static_assert(NER_NLABELS == 17, "four vectors and one label");
    for (int l = 0; l < 16; l += 4) {
        v4f a, b;
        memcpy(&a, acc + l, sizeof a);
        memcpy(&b, v + l, sizeof b);
        a += b;
        memcpy(acc + l, &a, sizeof a);
    }
    acc[16] += v[16];
}

/* Emission scores of token i: cached unary and neighbour vectors plus the pairs (and
 * the stacking features when st is not NULL). */
static void emission(const ner_model_t *m, ner_tag_work_t *w, const float *const *vecs, const float *edge,
                     size_t n, size_t i, const ner_stack_t *st, float *out)
{
    static const int offs[4] = {-2, -1, 1, 2};
    uint32_t f[NER_PAIR_FEATS + NER_STACK_FEATS];
    size_t nf = w->nfeats[i];
    memcpy(f, w->feats + i * NER_MAX_FEATS, nf * sizeof *f);
    if (st) {
        nf += ner_feat_stack_keys(w->skeys, st, n, i, &w->props[i], f + nf);
    }
    emit_feats(m, f, nf, out);
    add(out, vecs[i]);
    for (int j = 0; j < 4; j++) {
        long k = (long)i + offs[j];
        add(out, k < 0 || k >= (long)n ? edge + j * NER_NLABELS : vecs[k] + (j + 1) * NER_NLABELS);
    }
}

void ner_tag_sentence(const ner_model_t *m, const ner_gaz_t *gz, const char *const *s, const uint32_t *len,
                      const uint8_t *space, size_t n, ner_tag_work_t *w, uint8_t *labels)
{
    ner_tag_sentence_stacked(m, gz, s, len, space, n, w, NULL, labels);
}

/* Gazetteer bits of the classes that name things (not titles, organisation words or
 * usually-lowercase words), where a phrase starts or continues. */
#define NAME_GAZ                                                                                             \
    ((NER_GAZ_B(NER_GAZ_COUNTRY) | NER_GAZ_B(NER_GAZ_DEMONYM) | NER_GAZ_B(NER_GAZ_CITY) |                    \
      NER_GAZ_B(NER_GAZ_ADMIN1) | NER_GAZ_B(NER_GAZ_REGION) | NER_GAZ_B(NER_GAZ_GIVEN) |                     \
      NER_GAZ_B(NER_GAZ_SURNAME) | NER_GAZ_B(NER_GAZ_ORG)) *                                                 \
     3u)

/* 1 when token t may be part of a name: capitalised, or in a name gazetteer. */
static int candidate(const ner_props_t *t)
{
    return t->cas == NER_CASE_TITLE || t->cas == NER_CASE_CAPS || t->cas == NER_CASE_MIXED ||
           (t->gaz & NAME_GAZ) != 0;
}

/* Marks live[i] for the tokens worth scoring, returns their count.  A token that is
 * not live is labelled O without a look: that is what the tagger says of nearly every
 * lowercase word away from capitals (GMB dev, bare tagger: 87.76 -> 87.73 with 40% of
 * tokens live; re3d unchanged), and O tokens cut Viterbi into independent stretches.
 * Live: candidates, their neighbours that are not usually-lowercase words ("bin Laden",
 * "Tbilisi airport"), a single token between two candidates ("Bank of England"), and
 * every token of a headline or all-caps sentence, where case says nothing. */
static size_t gate(const ner_props_t *p, size_t n, unsigned sflags, uint8_t *live)
{
    if (sflags) {
        memset(live, 1, n);
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        live[i] = (uint8_t)candidate(&p[i]);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (live[i] == 1) {
            k++;
            continue;
        }
        int left = i > 0 && live[i - 1] == 1, right = i + 1 < n && live[i + 1] == 1;
        if ((left || right) && (!(p[i].gaz & NER_GAZ_B(NER_GAZ_LOWER)) || (left && right))) {
            live[i] = 2, k++;
        }
    }
    return k;
}

/* Emission scores of the live tokens of w->props[0..n) and Viterbi over each live
 * stretch (the other tokens are O); each live token's pair features are pairs[i *
 * NER_PAIR_FEATS] (npairs[i] of them), or computed when pairs is NULL, and kept in
 * w->feats/w->nfeats either way (none for a token that is not live). */
static void decode(const ner_model_t *m, size_t n, unsigned sflags, ner_tag_work_t *w, const ner_stack_t *st,
                   const uint32_t *pairs, const uint8_t *npairs, uint8_t *labels)
{
    static const int offs[4] = {-2, -1, 1, 2};
    const uint8_t *live = w->live;
    memset(labels, NER_O, n);
    memset(w->nfeats, 0, n);
    if (gate(w->props, n, sflags, w->live) == 0) {
        return;
    }
    if (w->ntypes + n > NER_TAG_MAX_TYPES && w->types.cap) {
        ner_map_clear(&w->types); /* bounded memory; only ever between sentences */
        w->ntypes = 0;
    }
    if (st && !w->skeys) {
        w->skeys = ds_xmalloc(sizeof *w->skeys);
        ner_stack_keys_init(w->skeys);
    }
    size_t *idx = w->idx; /* the vectors of live tokens and their neighbours at +-2 */
    for (size_t i = 0; i < n; i++) {
        int near = live[i] || (i >= 1 && live[i - 1]) || (i >= 2 && live[i - 2]) ||
                   (i + 1 < n && live[i + 1]) || (i + 2 < n && live[i + 2]);
        idx[i] = near ? type_vectors(m, w, &w->props[i], sflags) : 0;
    }
    const float **vecs = w->vecs;
    for (size_t i = 0; i < n; i++) {
        vecs[i] = w->tvec + idx[i] * 5 * NER_NLABELS;
    }
    float *edge = w->edge[sflags & 3]; /* a pure function of the model and sflags */
    if (!(w->edge_ok & 1u << (sflags & 3))) {
        uint32_t f[NER_MAX_FEATS];
        for (int j = 0; j < 4; j++) {
            emit_feats(m, f, ner_feat_neighbour(NULL, offs[j], sflags, f), edge + j * NER_NLABELS);
        }
        w->edge_ok |= 1u << (sflags & 3);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t *f = w->feats + i * NER_MAX_FEATS;
        if (!live[i]) {
            continue;
        }
        if (pairs) {
            w->nfeats[i] = npairs[i];
            memcpy(f, pairs + i * NER_PAIR_FEATS, npairs[i] * sizeof *f);
        } else {
            w->nfeats[i] = (uint8_t)ner_feat_pairs(w->props, n, i, sflags, f);
            assert(w->nfeats[i] <= NER_PAIR_FEATS);
        }
        emission(m, w, vecs, edge, n, i, st, w->emit + i * NER_NLABELS);
    }
    const ner_vtab_t *vt = ner_model_vtab(m);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && live[b]) {
            b++;
        }
        if (b > a) {
            ner_viterbi_span(vt, w->emit + a * NER_NLABELS, b - a, a > 0, b < n, labels + a, w->score);
        }
        a = b + 1;
    }
}

void ner_tag_sentence_stacked(const ner_model_t *m, const ner_gaz_t *gz, const char *const *s,
                              const uint32_t *len, const uint8_t *space, size_t n, ner_tag_work_t *w,
                              const ner_stack_t *st, uint8_t *labels)
{
    if (n == 0) {
        return;
    }
    reserve(w, n);
    sentence_props(gz, s, len, space, n, w);
    unsigned sflags = ner_sentence_flags(w->props, n);
    ner_sentence_chains(w->props, n, sflags);
    decode(m, n, sflags, w, st, NULL, NULL, labels);
}

void ner_tag_props(const ner_model_t *m, const ner_props_t *props, const uint32_t *pairs,
                   const uint8_t *npairs, size_t n, ner_tag_work_t *w, const struct ner_stack_s *st,
                   uint8_t *labels)
{
    if (n == 0) {
        return;
    }
    reserve(w, n);
    memcpy(w->props, props, n * sizeof *props);
    decode(m, n, ner_sentence_flags(w->props, n), w, st, pairs, npairs, labels);
}

void ner_tag_pairs(const ner_tag_work_t *w, size_t n, uint32_t *pairs, uint8_t *npairs)
{
    for (size_t i = 0; i < n; i++) {
        npairs[i] = w->nfeats[i];
        memcpy(pairs + i * NER_PAIR_FEATS, w->feats + i * NER_MAX_FEATS, w->nfeats[i] * sizeof *pairs);
    }
}
