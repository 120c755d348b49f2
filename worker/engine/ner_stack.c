/* ner_stack.c: see ner_stack.h. */
#include "ner_stack.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

#define ROW 11 /* 5 label-type counts, 4 multi-token counts, capitalised mid-sentence, lowercase */

enum { F_ST_L1 = 200, F_ST_MAJ, F_ST_MULTI, F_ST_L1MAJ, F_ST_L1MULTI, F_ST_MAJCAS, F_ST_NEIGH, F_ST_CASING };

void ner_stack_work_free(ner_stack_work_t *w)
{
    if (w->words.cap) {
        ner_map_free(&w->words);
    }
    free(w->cnt);
    free(w->row);
    memset(w, 0, sizeof *w);
}

static uint32_t *row_of(ner_stack_work_t *w, uint64_t lower)
{
    uint32_t *v = ner_map_put(&w->words, lower, 0);
    if (*v == 0) {
        if (w->rows == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 256;
            w->cnt = ds_xrealloc(w->cnt, w->cap * ROW * sizeof *w->cnt);
        }
        memset(w->cnt + w->rows * ROW, 0, ROW * sizeof *w->cnt);
        *v = (uint32_t)++w->rows;
    }
    return w->cnt + (size_t)(*v - 1) * ROW;
}

/* 1 + type when token i's label puts it inside a span of two or more tokens. */
static unsigned multi_type(const uint8_t *l1, size_t i)
{
    int part = NER_LABEL_PART(l1[i]);
    return part == NER_B || part == NER_I || part == NER_L ? 1u + (unsigned)NER_LABEL_TYPE(l1[i]) : 0;
}

static unsigned type_of(uint8_t l)
{
    return l == NER_O ? 0 : 1u + (unsigned)NER_LABEL_TYPE(l);
}

/* Summary of token i's word from its counts minus its own contribution. */
static void summarise(const uint32_t *row, const uint8_t *l1, const uint8_t *form, size_t i, ner_stack_t *st)
{
    uint32_t c[ROW];
    memcpy(c, row, sizeof c);
    c[type_of(l1[i])]--;
    if (form[i]) {
        c[8 + form[i]]--;
    }
    st->casing = (uint8_t)((c[9] > 0) | (c[10] > 0) << 1);
    unsigned mt = multi_type(l1, i);
    if (mt) {
        c[4 + mt]--;
    }
    uint32_t total = c[0] + c[1] + c[2] + c[3] + c[4], best = 0;
    st->l1 = l1[i];
    st->others = (uint8_t)(total > 3 ? 3 : total);
    st->maj = total ? 1 : 0;
    for (unsigned t = 1; t <= NER_NTYPES; t++) {
        if (c[t] > best) {
            best = c[t], st->maj = (uint8_t)(1 + t);
        }
    }
    st->multi = 0, best = 0;
    for (unsigned t = 1; t <= NER_NTYPES; t++) {
        if (c[4 + t] > best) {
            best = c[4 + t], st->multi = (uint8_t)t;
        }
    }
}

uint8_t ner_stack_form(const ner_props_t *p, int first)
{
    if (p->cas == NER_CASE_LOWER) {
        return 2;
    }
    return !first && (p->cas == NER_CASE_TITLE || p->cas == NER_CASE_MIXED) ? 1 : 0;
}

void ner_stack_doc(const uint64_t *lower, const uint8_t *l1, const uint8_t *form, size_t n,
                   ner_stack_work_t *w, ner_stack_t *st)
{
    if (w->words.cap == 0) {
        ner_map_init(&w->words, 1024);
    }
    ner_map_clear(&w->words);
    w->rows = 0;
    if (w->cap_tok < n) {
        w->cap_tok = n;
        w->row = ds_xrealloc(w->row, n * sizeof *w->row);
    }
    for (size_t i = 0; i < n; i++) {
        if (lower[i] == 0) {
            continue;
        }
        uint32_t *row = row_of(w, lower[i]);
        w->row[i] = (uint32_t)(row - w->cnt);
        row[type_of(l1[i])]++;
        if (form[i]) {
            row[8 + form[i]]++;
        }
        unsigned mt = multi_type(l1, i);
        if (mt) {
            row[4 + mt]++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (lower[i] != 0) {
            summarise(w->cnt + w->row[i], l1, form, i, &st[i]);
        } else {
            memset(&st[i], 0, sizeof st[i]);
        }
    }
}

/* Only what the document says elsewhere: the token's own pass-1 label is left out, or
 * pass 2 learns little more than to copy it. */
size_t ner_feat_stack(const ner_stack_t *st, size_t n, size_t i, const ner_props_t *t, uint32_t *out)
{
    const ner_stack_t *c = &st[i];
    unsigned prev = i > 0 ? st[i - 1].maj * 8u + st[i - 1].multi : 63,
             next = i + 1 < n ? st[i + 1].maj * 8u + st[i + 1].multi : 63;
    size_t k = 0;
    out[k++] = ner_feat_key(F_ST_MAJ, c->maj, c->others);
    out[k++] = ner_feat_key(F_ST_MULTI, c->multi, 0);
    out[k++] = ner_feat_key(F_ST_MAJCAS, c->maj * 8u + c->multi, t->cas);
    out[k++] = ner_feat_key(F_ST_L1MAJ, c->maj, t->cpos);
    out[k++] = ner_feat_key(F_ST_NEIGH, prev, next);
    out[k++] = ner_feat_key(F_ST_CASING, c->casing, t->cas * 2u + (i == 0));
    return k;
}

void ner_stack_keys_init(ner_stack_keys_t *k)
{
    for (unsigned a = 0; a < 6; a++) {
        for (unsigned b = 0; b < 4; b++) {
            k->maj[a][b] = ner_feat_key(F_ST_MAJ, a, b);
        }
        for (unsigned b = 0; b < 5; b++) {
            k->l1maj[a][b] = ner_feat_key(F_ST_L1MAJ, a, b);
        }
    }
    for (unsigned a = 0; a < 5; a++) {
        k->multi[a] = ner_feat_key(F_ST_MULTI, a, 0);
    }
    for (unsigned a = 0; a < 48; a++) {
        for (unsigned b = 0; b < 5; b++) {
            k->majcas[a][b] = ner_feat_key(F_ST_MAJCAS, a, b);
        }
    }
    for (unsigned a = 0; a < 64; a++) {
        for (unsigned b = 0; b < 64; b++) {
            k->neigh[a][b] = ner_feat_key(F_ST_NEIGH, a, b);
        }
    }
    for (unsigned a = 0; a < 4; a++) {
        for (unsigned b = 0; b < 10; b++) {
            k->casing[a][b] = ner_feat_key(F_ST_CASING, a, b);
        }
    }
}

size_t ner_feat_stack_keys(const ner_stack_keys_t *k, const ner_stack_t *st, size_t n, size_t i,
                           const ner_props_t *t, uint32_t *out)
{
    const ner_stack_t *c = &st[i];
    unsigned prev = i > 0 ? st[i - 1].maj * 8u + st[i - 1].multi : 63,
             next = i + 1 < n ? st[i + 1].maj * 8u + st[i + 1].multi : 63;
    unsigned mm = c->maj * 8u + c->multi, cf = t->cas * 2u + (i == 0);
    if (c->maj >= 6 || c->others >= 4 || c->multi >= 5 || mm >= 48 || t->cas >= 5 || t->cpos >= 5 ||
        prev >= 64 || next >= 64 || c->casing >= 4) {
        return ner_feat_stack(st, n, i, t, out); /* (never: the summaries are small numbers) */
    }
    out[0] = k->maj[c->maj][c->others];
    out[1] = k->multi[c->multi];
    out[2] = k->majcas[mm][t->cas];
    out[3] = k->l1maj[c->maj][t->cpos];
    out[4] = k->neigh[prev][next];
    out[5] = k->casing[c->casing][cf];
    return 6;
}

void ner_doc_work_free(ner_doc_work_t *w)
{
    ner_tag_work_free(&w->w1);
    ner_tag_work_free(&w->w2);
    ner_stack_work_free(&w->sw);
    free(w->lower);
    free(w->l1);
    free(w->form);
    free(w->st);
    free(w->props);
    free(w->pairs);
    free(w->npairs);
    memset(w, 0, sizeof *w);
}

static void reserve(ner_doc_work_t *w, size_t n)
{
    if (n <= w->cap) {
        return;
    }
    w->cap = n > 2 * w->cap ? n : 2 * w->cap;
    w->lower = ds_xrealloc(w->lower, w->cap * sizeof *w->lower);
    w->l1 = ds_xrealloc(w->l1, w->cap);
    w->form = ds_xrealloc(w->form, w->cap);
    w->st = ds_xrealloc(w->st, w->cap * sizeof *w->st);
    w->props = ds_xrealloc(w->props, w->cap * sizeof *w->props);
    w->pairs = ds_xrealloc(w->pairs, w->cap * NER_PAIR_FEATS * sizeof *w->pairs);
    w->npairs = ds_xrealloc(w->npairs, w->cap);
}

/* See ner_stack.h; elsewhere pass 1 stands: that is
 * cheaper, and better on GMB dev (bare tagger 87.45 against 87.29 re-tagging every
 * sentence), as pass 2 has nothing to add there but its own noise. */
int ner_stack_evidence(const ner_stack_t *st, const ner_props_t *p, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        int cap = p[i].cas == NER_CASE_TITLE || p[i].cas == NER_CASE_CAPS || p[i].cas == NER_CASE_MIXED;
        if ((cap || st[i].l1 != NER_O) && st[i].others > 0 && (st[i].maj >= 2 || st[i].multi > 0)) {
            return 1;
        }
    }
    return 0;
}

void ner_tag_doc(const ner_model_t *m1, const ner_model_t *m2, const ner_gaz_t *gz, const char *const *s,
                 const uint32_t *len, const uint8_t *space, const size_t *spans, size_t nspan,
                 ner_doc_work_t *w, uint8_t *labels)
{
    size_t o = nspan ? spans[0] : 0, n = nspan ? spans[nspan] - o : 0;
    reserve(w, n + 1);
    memset(w->lower, 0, n * sizeof *w->lower); /* tokens between spans are skipped */
    memset(w->l1, 0, n);
    memset(w->form, 0, n);
    for (size_t k = 0; k < nspan; k++) {
        size_t b = spans[k], m = spans[k + 1] - b;
        ner_tag_sentence(m1, gz, s + b, len + b, space + b, m, &w->w1, m2 ? w->l1 + (b - o) : labels + b);
        if (m2) {
            ner_tag_pairs(&w->w1, m, w->pairs + (b - o) * NER_PAIR_FEATS, w->npairs + (b - o));
        }
        for (size_t i = 0; i < m && m2; i++) {
            w->lower[b - o + i] = w->w1.props[i].lower;
            w->props[b - o + i] = w->w1.props[i];
            w->form[b - o + i] = ner_stack_form(&w->w1.props[i], i == 0);
        }
    }
    if (!m2) {
        return;
    }
    ner_stack_doc(w->lower, w->l1, w->form, n, &w->sw, w->st);
    for (size_t k = 0; k < nspan; k++) {
        size_t b = spans[k], m = spans[k + 1] - b;
        if (!ner_stack_evidence(w->st + (b - o), w->props + (b - o), m)) { /* pass 1 stands */
            memcpy(labels + b, w->l1 + (b - o), m);
            continue;
        }
        ner_tag_props(m2, w->props + (b - o), w->pairs + (b - o) * NER_PAIR_FEATS, w->npairs + (b - o), m,
                      &w->w2, w->st + (b - o), labels + b);
    }
}
