/* ner_model.c: loading, validating and querying the tagger's weights, and writing them for
 * the trainer.  See ner_model.h for the file layout; at load the file is converted into
 * one huge-page-able table of 16-byte slots (key and weights together) and let go. */
#include "ner_model.h"

#include "ds_buf.h"
#include "ds_err.h"
#include "ds_mem.h"
#include "ner_feat.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR_BYTES 28
#define INLINE_W 3 /* weights held in a slot; 73% of features have no more */

/* One feature: its key and (most often) all its weights in one 16-byte slot, four to a
 * cache line, so a lookup costs one memory read, and a probe for an absent key reads
 * no more than the file's key array did.  A feature with more than INLINE_W weights
 * (the frequent ones, which most lookups hit) has a dense row of all NER_NLABELS
 * weights at rows + ROW_STRIDE * the index stored in q[0..1], added a vector at a time. */
typedef struct {
    uint32_t key; /* 0 = empty */
    uint8_t n;
    uint8_t lab[INLINE_W]; /* already reduced modulo NER_NLABELS */
    int16_t q[INLINE_W];
    uint16_t pad;
} slot_t;
_Static_assert(sizeof(slot_t) == 16, "four slots to a cache line");

#define ROW 24        /* int16 weights added per dense row: NER_NLABELS, padded to three vectors */
#define ROW_STRIDE 32 /* rows start on 64-byte cache lines: one line per row */
typedef int16_t v8s __attribute__((vector_size(16)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
_Static_assert(NER_NLABELS == 17, "four vectors of four labels and one more");

struct ner_model {
    slot_t *slots; /* nslots, at most MAX_LOAD full (linear probing from the same home hash) */
    size_t slots_len;
    int16_t *rows; /* in huge_alloc memory, zeroed */
    size_t rows_len;
    float scale;
    uint32_t nslots, nfile, nblob; /* nfile: the file's slots */
    float trans[(NER_NLABELS + 1) * NER_NLABELS];
    ner_vtab_t vtab; /* of trans */
};

/* The file's views, valid while its bytes are. */
typedef struct {
    const uint32_t *keys, *offs;
    const uint8_t *blob;
} file_view_t;

static int check(ner_model_t *m, const uint8_t *p, size_t len, file_view_t *v, char *errstr, size_t errlen)
{
    uint32_t h[4];
    memcpy(h, p + 8, sizeof h);
    memcpy(&m->scale, p + 24, sizeof m->scale);
    size_t ntrans = (NER_NLABELS + 1) * NER_NLABELS;
    if (memcmp(p, NER_MODEL_MAGIC, 8) != 0 || h[0] != NER_NLABELS || h[1] == 0 || (h[1] & (h[1] - 1)) != 0) {
        snprintf(errstr, errlen, "ner: model has a bad header");
        return DS_EINVAL;
    }
    m->nfile = h[1], m->nblob = h[2];
    size_t need = HDR_BYTES + ntrans * 4 + (size_t)m->nfile * 8 + m->nblob;
    if (need != len) {
        snprintf(errstr, errlen, "ner: model size %zu, header says %zu", len, need);
        return DS_EINVAL;
    }
    memcpy(m->trans, p + HDR_BYTES, ntrans * 4);
    v->keys = (const uint32_t *)(p + HDR_BYTES + ntrans * 4);
    v->offs = v->keys + m->nfile;
    v->blob = (const uint8_t *)(v->offs + m->nfile);
    for (uint32_t i = 0; i < m->nfile; i++) {
        if (v->keys[i] && ((size_t)v->offs[i] >= m->nblob ||
                           (size_t)v->offs[i] + 1 + 3 * (size_t)v->blob[v->offs[i]] > m->nblob)) {
            snprintf(errstr, errlen, "ner: model slot %u points outside the weights", i);
            return DS_EINVAL;
        }
    }
    ner_trans_mask(m->trans);
    ner_viterbi_prep(m->trans, &m->vtab);
    return 0;
}

/* Anonymous memory of at least len bytes, 2 MB-aligned so that it may use huge pages:
 * lookups hit the table at random, and 4 KB pages would cost a TLB miss on most. */
static void *huge_alloc(size_t len, size_t *cap_out)
{
    size_t huge = (size_t)2 << 20, cap = (len + huge - 1) / huge * huge;
    char *raw = mmap(NULL, cap + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        return NULL;
    }
    char *p = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
    if (p > raw) {
        munmap(raw, (size_t)(p - raw));
    }
    if (raw + cap + huge > p + cap) {
        munmap(p + cap, (size_t)(raw + cap + huge - (p + cap)));
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(p, cap, MADV_HUGEPAGE);
#endif
    *cap_out = cap;
    return p;
}

static uint8_t *read_all(int fd, size_t len)
{
    uint8_t *p = ds_xmalloc(len);
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);
        if (r <= 0) {
            free(p);
            return NULL;
        }
        got += (size_t)r;
    }
    return p;
}

/* Fills the slots from the file's keys and blob (checked by check()); a feature that
 * names a label twice, or a key the file holds twice, is an error (the writer never
 * does, and a dense row holds one weight per label). */
static int convert(ner_model_t *m, const file_view_t *v, char *errstr, size_t errlen)
{
    size_t nrows = 0;
    for (uint32_t i = 0; i < m->nfile; i++) {
        nrows += v->keys[i] && v->blob[v->offs[i]] > INLINE_W;
    }
    m->rows = huge_alloc((nrows + 1) * ROW_STRIDE * sizeof *m->rows, &m->rows_len);
    if (!m->rows) {
        snprintf(errstr, errlen, "ner: no memory for the model's weights");
        return DS_ENOMEM;
    }
    uint32_t at = 0, mask = m->nslots - 1;
    for (uint32_t i = 0; i < m->nfile; i++) {
        if (!v->keys[i]) {
            continue;
        }
        uint32_t home = (v->keys[i] * 0x9E3779B1u) & mask;
        while (m->slots[home].key && m->slots[home].key != v->keys[i]) {
            home = (home + 1) & mask;
        }
        slot_t *sl = &m->slots[home];
        if (sl->key) {
            snprintf(errstr, errlen, "ner: model slot %u repeats a feature", i);
            return DS_EINVAL;
        }
        const uint8_t *b = v->blob + v->offs[i];
        sl->key = v->keys[i], sl->n = b[0];
        uint32_t seen = 0;
        for (unsigned j = 0; j < sl->n; j++) {
            uint8_t lab = (uint8_t)(b[1 + 3 * j] % NER_NLABELS);
            int16_t q;
            memcpy(&q, b + 2 + 3 * j, 2);
            if (seen & 1u << lab) {
                snprintf(errstr, errlen, "ner: model slot %u names label %u twice", i, lab);
                return DS_EINVAL;
            }
            seen |= 1u << lab;
            if (sl->n > INLINE_W) {
                m->rows[(size_t)at * ROW_STRIDE + lab] = q;
            } else {
                sl->lab[j] = lab, sl->q[j] = q;
            }
        }
        if (sl->n > INLINE_W) {
            memcpy(sl->q, &at, sizeof at);
            at++;
        }
    }
    return 0;
}

/* Slots for the file's features at a load of at most MAX_LOAD: the file packs them
 * 70% full, where a lookup of an absent feature (most pair features) walks six slots
 * on average; at 35% it walks fewer than two. */
#define MAX_LOAD 0.35
static uint32_t table_slots(const ner_model_t *m, const file_view_t *v)
{
    size_t kept = 0, n = m->nfile;
    for (uint32_t i = 0; i < m->nfile; i++) {
        kept += v->keys[i] != 0;
    }
    while ((double)kept > MAX_LOAD * (double)n && n < ((size_t)1 << 30)) {
        n <<= 1;
    }
    return (uint32_t)n;
}

ner_model_t *ner_model_load(const char *path, char *errstr, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < HDR_BYTES) {
        snprintf(errstr, errlen, "ner: cannot read model %s", path);
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    ner_model_t *m = ds_xcalloc(1, sizeof *m);
    uint8_t *file = read_all(fd, (size_t)st.st_size);
    close(fd);
    file_view_t v;
    if (!file) {
        snprintf(errstr, errlen, "ner: cannot read model %s", path);
        goto fail;
    }
    if (check(m, file, (size_t)st.st_size, &v, errstr, errlen) != 0) {
        goto fail;
    }
    m->nslots = table_slots(m, &v);
    m->slots = huge_alloc((size_t)m->nslots * sizeof *m->slots, &m->slots_len);
    if (!m->slots) {
        snprintf(errstr, errlen, "ner: no memory for model %s", path);
        goto fail;
    }
    if (convert(m, &v, errstr, errlen) != 0) {
        goto fail;
    }
    free(file);
    return m;
fail:
    free(file);
    ner_model_destroy(&m);
    return NULL;
}

void ner_model_destroy(ner_model_t **self_p)
{
    ner_model_t *m = self_p ? *self_p : NULL;
    if (!m) {
        return;
    }
    if (m->slots) {
        munmap(m->slots, m->slots_len);
    }
    if (m->rows) {
        munmap(m->rows, m->rows_len);
    }
    free(m);
    *self_p = NULL;
}

/* The dense row of a slot with more than INLINE_W weights. */
static const int16_t *row_of(const ner_model_t *m, const slot_t *sl)
{
    uint32_t at;
    memcpy(&at, sl->q, sizeof at);
    return m->rows + (size_t)at * ROW_STRIDE;
}

/* acc[0..ROW) += row[0..ROW), widened to 32 bits, eight labels at a time. */
static void add_row(v8i *acc, const int16_t *row)
{
    for (int g = 0; g < ROW / 8; g++) {
        v8s q;
        memcpy(&q, row + 8 * g, sizeof q);
        acc[g] += __builtin_convertvector(q, v8i);
    }
}

/* Three passes so that the memory reads of all features are in flight at once (the
 * table is larger than the caches): prefetch the home slots, then probe (adding inline
 * weights, prefetching dense rows), then add the rows.  Integer sums, so the order of
 * the additions does not matter.  Built twice, chosen once at load by the CPU (GCC's
 * ifunc): with AVX2 a row is widened and added in one instruction per eight labels
 * instead of four (ner_model_emit 708K -> 546K instructions per bench document).  The
 * clone enables no FMA, so the float scaling stays the same multiply and add. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void ner_model_emit(const ner_model_t *m, const uint32_t *feats, size_t nf, float *scores)
{
    uint32_t mask = m->nslots - 1, at[NER_MAX_FEATS];
    const int16_t *rows[NER_MAX_FEATS];
    size_t nrows = 0;
    nf = nf > NER_MAX_FEATS ? NER_MAX_FEATS : nf;
    for (size_t f = 0; f < nf; f++) {
        at[f] = (feats[f] * 0x9E3779B1u) & mask;
        __builtin_prefetch(m->slots + at[f]);
    }
    union {
        v8i v[ROW / 8];
        int32_t l[ROW];
    } acc = {0};
    for (size_t f = 0; f < nf; f++) {
        uint32_t k = feats[f], i = at[f];
        while (m->slots[i].key && m->slots[i].key != k) {
            i = (i + 1) & mask;
        }
        const slot_t *sl = &m->slots[i];
        if (!sl->key) {
            continue;
        }
        if (sl->n > INLINE_W) {
            rows[nrows] = row_of(m, sl);
            __builtin_prefetch(rows[nrows]);
            nrows++;
            continue;
        }
        for (unsigned j = 0; j < sl->n; j++) {
            acc.l[sl->lab[j]] += sl->q[j];
        }
    }
    for (size_t r = 0; r < nrows; r++) {
        add_row(acc.v, rows[r]);
    }
    v4f scale = {m->scale, m->scale, m->scale, m->scale};
    for (int l = 0; l < 16; l += 4) { /* the same float operations, four labels at a time */
        v4i a;
        v4f sc;
        memcpy(&a, acc.l + l, sizeof a);
        memcpy(&sc, scores + l, sizeof sc);
        sc += __builtin_convertvector(a, v4f) * scale;
        memcpy(scores + l, &sc, sizeof sc);
    }
    scores[16] += (float)acc.l[16] * m->scale;
}

const float *ner_model_trans(const ner_model_t *m)
{
    return m->trans;
}

const ner_vtab_t *ner_model_vtab(const ner_model_t *m)
{
    return &m->vtab;
}

/* Appends one feature's kept weights to blob; returns how many were kept. */
static unsigned put_weights(ds_buf_t *blob, const float *w, float prune, float scale)
{
    uint8_t rec[1 + 3 * NER_NLABELS];
    unsigned c = 0;
    for (unsigned l = 0; l < NER_NLABELS; l++) {
        long q = lroundf(w[l] / scale);
        if (fabsf(w[l]) < prune || q == 0) {
            continue;
        }
        int16_t q16 = (int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
        rec[1 + 3 * c] = (uint8_t)l;
        memcpy(rec + 2 + 3 * c, &q16, 2);
        c++;
    }
    if (c) {
        rec[0] = (uint8_t)c;
        ds_buf_append(blob, rec, 1 + 3 * c);
    }
    return c;
}

int ner_model_write(const char *path, const uint32_t *keys, const float *weights, size_t nfeat,
                    const float *trans, float prune, size_t *bytes_out)
{
    float maxw = 1e-6f;
    for (size_t i = 0; i < nfeat * NER_NLABELS; i++) {
        maxw = fmaxf(maxw, fabsf(weights[i]));
    }
    float scale = maxw / 32767.0f;
    size_t kept = 0;
    for (size_t f = 0; f < nfeat; f++) {
        for (unsigned l = 0; l < NER_NLABELS; l++) {
            if (fabsf(weights[f * NER_NLABELS + l]) >= prune &&
                lroundf(weights[f * NER_NLABELS + l] / scale) != 0) {
                kept++;
                break;
            }
        }
    }
    uint32_t nslots = 1024;
    while (nslots < kept + kept / 3 + 1) {
        nslots <<= 1;
    }
    uint32_t *sk = ds_xcalloc(nslots, 4), *so = ds_xcalloc(nslots, 4);
    ds_buf_t blob = DS_BUF_INIT;
    for (size_t f = 0; f < nfeat; f++) {
        size_t at = blob.len;
        if (!put_weights(&blob, weights + f * NER_NLABELS, prune, scale)) {
            continue;
        }
        uint32_t i = (keys[f] * 0x9E3779B1u) & (nslots - 1);
        while (sk[i]) {
            i = (i + 1) & (nslots - 1);
        }
        sk[i] = keys[f], so[i] = (uint32_t)at;
    }
    uint32_t hdr[4] = {NER_NLABELS, nslots, (uint32_t)blob.len, 0};
    FILE *f = fopen(path, "wb");
    int ok = f != NULL;
    if (ok) {
        ok = fwrite(NER_MODEL_MAGIC, 1, 8, f) == 8 && fwrite(hdr, 4, 4, f) == 4 &&
             fwrite(&scale, 4, 1, f) == 1 &&
             fwrite(trans, 4, (NER_NLABELS + 1) * NER_NLABELS, f) == (NER_NLABELS + 1) * NER_NLABELS &&
             fwrite(sk, 4, nslots, f) == nslots && fwrite(so, 4, nslots, f) == nslots &&
             (blob.len == 0 || fwrite(blob.data, 1, blob.len, f) == blob.len);
        ok = (fclose(f) == 0) && ok;
    }
    *bytes_out = HDR_BYTES + (size_t)(NER_NLABELS + 1) * NER_NLABELS * 4 + (size_t)nslots * 8 + blob.len;
    free(sk);
    free(so);
    ds_buf_free(&blob);
    return ok ? 0 : DS_EIO;
}
