/* ner_clusters.c: word clusters for the NER tagger, from unlabelled text.
 *
 * usage: ner_clusters --gmb GMB.csv --data DATA_DIR [--min-count N] [--depth D]
 *
 * Why: a word the tagger never saw labelled ("Gazprom", "Kinshasa") usually shares its
 * neighbours with words it did see; a cluster id lets the weights of the seen words
 * carry over.  Only the words of the GMB train split are read (the labels are not), the
 * same split ner_train uses: the last 2,000 sentences (held-out) and the 2,000 before
 * them (dev) are never read.
 *
 * Method: every word of the normalised lowercase form (ner_norm_lower) seen at least
 * --min-count times is described by the distribution of its left and right neighbours
 * at distance 1 and 2 among the CTX most frequent words (sentence edges count as
 * words); vectors are square roots of the relative frequencies (Hellinger), unit
 * length.  The words are split recursively in two (start: the sign of the node's top
 * principal component; then spherical 2-means; each side keeps at least a quarter of
 * the node), down to --depth levels or nodes of fewer than MIN_NODE words.  A word's cluster is its
 * path of left/right choices, a bit string, so prefixes name coarser clusters
 * (the tagger uses prefixes of 4, 6, 10 and all bits).
 *
 * Output DATA/ner/clusters.tsv: "bits<TAB>word" lines, sorted by bits then word.
 * Deterministic; a few seconds on one core.
 */
#include "ds_mem.h"
#include "ner_corpus.h"
#include "ner_feat.h"
#include "ner_map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELD_OUT 2000
#define DEV 2000
#define CTX 600 /* context words per side and distance */
#define NSLOT 4 /* left 1, right 1, left 2, right 2 */
#define DIM (NSLOT * (CTX + 1))
#define MIN_NODE 8
#define ITERS 10

typedef struct {
    char *text; /* normalised form */
    size_t count;
    uint32_t *idx; /* sparse vector: dimensions and values */
    float *val;
    size_t nnz;
    uint32_t path; /* cluster bits, most significant first */
    uint8_t depth;
} word_t;

typedef struct {
    ner_map_t index; /* form hash -> 1 + word number */
    word_t *w;
    size_t n, cap;
    uint32_t *tok; /* per corpus token: 1 + word number, 0 for rare */
} vocab_t;

static uint32_t intern(vocab_t *v, const char *s, size_t len)
{
    char low[NER_MAX_TOKLEN + 8];
    size_t n = ner_norm_lower(s, len, low);
    uint32_t *slot = ner_map_put(&v->index, ner_hash(low, n), 0);
    if (*slot == 0) {
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 4096;
            v->w = ds_xrealloc(v->w, v->cap * sizeof *v->w);
        }
        memset(&v->w[v->n], 0, sizeof v->w[0]);
        v->w[v->n].text = ds_xmalloc(n + 1);
        memcpy(v->w[v->n].text, low, n);
        v->w[v->n].text[n] = '\0';
        *slot = (uint32_t)++v->n;
    }
    v->w[*slot - 1].count++;
    return *slot;
}

static int by_count_desc(const void *a, const void *b, void *ctx)
{
    const word_t *w = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (w[x].count != w[y].count) {
        return w[x].count < w[y].count ? 1 : -1;
    }
    return strcmp(w[x].text, w[y].text);
}

/* ctxid[word] = 0..CTX-1 for the CTX most frequent words, CTX for the others. */
static uint32_t *context_ids(const vocab_t *v)
{
    uint32_t *order = ds_xmalloc(v->n * sizeof *order), *ctxid = ds_xmalloc(v->n * sizeof *ctxid);
    for (size_t i = 0; i < v->n; i++) {
        order[i] = (uint32_t)i;
        ctxid[i] = CTX;
    }
    qsort_r(order, v->n, sizeof *order, by_count_desc, v->w);
    for (size_t i = 0; i < v->n && i < CTX - 1; i++) {
        ctxid[order[i]] = (uint32_t)i;
    }
    free(order);
    return ctxid;
}

/* Dense counts of word w's contexts accumulated in acc (DIM floats); turned into a
 * sparse unit Hellinger vector. */
static void finish_vector(word_t *w, float *acc)
{
    double total = 0, norm = 0;
    size_t nnz = 0;
    for (size_t d = 0; d < DIM; d++) {
        total += acc[d];
        nnz += acc[d] > 0;
    }
    w->idx = ds_xmalloc((nnz ? nnz : 1) * sizeof *w->idx);
    w->val = ds_xmalloc((nnz ? nnz : 1) * sizeof *w->val);
    for (size_t d = 0; d < DIM; d++) {
        if (acc[d] > 0) {
            float x = (float)sqrt(acc[d] / total);
            w->idx[w->nnz] = (uint32_t)d;
            w->val[w->nnz++] = x;
            norm += (double)x * x;
        }
    }
    for (size_t k = 0; k < w->nnz; k++) {
        w->val[k] /= (float)sqrt(norm);
    }
}

/* Context of token j for slot s (edge of the sentence: CTX-1). */
static uint32_t ctx_at(const vocab_t *v, const uint32_t *ctxid, size_t b, size_t e, long j)
{
    if (j < (long)b || j >= (long)e) {
        return CTX - 1;
    }
    return ctxid[v->tok[j] - 1];
}

/* Builds the vectors of words with count >= min_count; returns their numbers. */
static uint32_t *build_vectors(vocab_t *v, const ner_corpus_t *c, size_t ntrain, size_t min_count, size_t *nk)
{
    uint32_t *ctxid = context_ids(v), *keep = ds_xmalloc(v->n * sizeof *keep);
    uint32_t *slot = ds_xmalloc(v->n * sizeof *slot);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        slot[i] = UINT32_MAX;
        if (v->w[i].count >= min_count) {
            slot[i] = (uint32_t)k;
            keep[k++] = (uint32_t)i;
        }
    }
    float *acc = ds_xcalloc(k * (size_t)DIM, sizeof *acc);
    static const int offs[NSLOT] = {-1, 1, -2, 2};
    for (size_t s = 0; s < ntrain; s++) {
        size_t b = c->sent[s], e = c->sent[s + 1];
        for (size_t j = b; j < e; j++) {
            uint32_t row = slot[v->tok[j] - 1];
            if (row == UINT32_MAX) {
                continue;
            }
            for (int q = 0; q < NSLOT; q++) {
                uint32_t d = (uint32_t)q * (CTX + 1) + ctx_at(v, ctxid, b, e, (long)j + offs[q]);
                acc[(size_t)row * DIM + d] += q < 2 ? 1.0f : 0.5f;
            }
        }
    }
    for (size_t i = 0; i < k; i++) {
        finish_vector(&v->w[keep[i]], acc + i * (size_t)DIM);
    }
    free(acc);
    free(slot);
    free(ctxid);
    *nk = k;
    return keep;
}

static float dot(const word_t *w, const float *cen)
{
    float s = 0;
    for (size_t k = 0; k < w->nnz; k++) {
        s += w->val[k] * cen[w->idx[k]];
    }
    return s;
}

/* cen = unit-length mean of the words of side `side` (side < 0: all). */
static void centroid(const word_t *w, const uint32_t *ids, const uint8_t *side, size_t n, int which,
                     float *cen)
{
    double norm = 0;
    memset(cen, 0, DIM * sizeof *cen);
    for (size_t i = 0; i < n; i++) {
        if (which < 0 || side[i] == which) {
            const word_t *x = &w[ids[i]];
            for (size_t k = 0; k < x->nnz; k++) {
                cen[x->idx[k]] += x->val[k];
            }
        }
    }
    for (size_t d = 0; d < DIM; d++) {
        norm += (double)cen[d] * cen[d];
    }
    for (size_t d = 0; norm > 0 && d < DIM; d++) {
        cen[d] /= (float)sqrt(norm);
    }
}

/* Top principal direction of ids[0..n) by power iteration (mu: their mean); proj[i]
 * receives each word's centred projection on it. */
static void principal(const word_t *w, const uint32_t *ids, size_t n, const float *mu, float *dir,
                      float *proj)
{
    memset(dir, 0, DIM * sizeof *dir);
    for (size_t k = 0; k < w[ids[0]].nnz; k++) {
        dir[w[ids[0]].idx[k]] = w[ids[0]].val[k];
    }
    for (int it = 0; it < ITERS; it++) {
        float m = 0, sum = 0;
        double norm = 0;
        for (size_t d = 0; d < DIM; d++) {
            m += mu[d] * dir[d];
        }
        for (size_t i = 0; i < n; i++) {
            proj[i] = dot(&w[ids[i]], dir) - m;
            sum += proj[i];
        }
        for (size_t d = 0; d < DIM; d++) {
            dir[d] = -sum * mu[d];
        }
        for (size_t i = 0; i < n; i++) {
            const word_t *x = &w[ids[i]];
            for (size_t k = 0; k < x->nnz; k++) {
                dir[x->idx[k]] += proj[i] * x->val[k];
            }
        }
        for (size_t d = 0; d < DIM; d++) {
            norm += (double)dir[d] * dir[d];
        }
        for (size_t d = 0; norm > 0 && d < DIM; d++) {
            dir[d] /= (float)sqrt(norm);
        }
    }
}

static int by_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* Two sides of ids[0..n): start from the sign of the top principal component, refine
 * by spherical 2-means, and keep each side at least a quarter of the words (a split
 * that peels off a handful of odd words says little).  side[i] gets 0 or 1. */
static size_t split(const word_t *w, const uint32_t *ids, size_t n, uint8_t *side, float *c0, float *c1,
                    float *margin)
{
    centroid(w, ids, side, n, -1, c0);
    principal(w, ids, n, c0, c1, margin);
    for (size_t i = 0; i < n; i++) {
        side[i] = margin[i] > 0;
    }
    for (int it = 0; it < ITERS; it++) {
        centroid(w, ids, side, n, 0, c0);
        centroid(w, ids, side, n, 1, c1);
        size_t moved = 0;
        for (size_t i = 0; i < n; i++) {
            margin[i] = dot(&w[ids[i]], c1) - dot(&w[ids[i]], c0);
            moved += (uint8_t)(margin[i] > 0) != side[i];
            side[i] = margin[i] > 0;
        }
        if (moved == 0) {
            break;
        }
    }
    float *sorted = ds_xmalloc(n * sizeof *sorted), cut = 0;
    memcpy(sorted, margin, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_float);
    if (sorted[n / 4] > 0) {
        cut = sorted[n / 4];
    } else if (sorted[3 * n / 4] <= 0) {
        cut = sorted[3 * n / 4];
    }
    free(sorted);
    size_t n0 = 0;
    for (size_t i = 0; i < n; i++) {
        side[i] = margin[i] > cut;
        n0 += !side[i];
    }
    return n0;
}

/* Splits ids[0..n) recursively, appending path bits; ids stay in count order per side. */
static void divide(word_t *w, uint32_t *ids, size_t n, int depth, int max_depth, uint8_t *side, uint32_t *tmp,
                   float *c0, float *c1, float *margin)
{
    if (n < 2 * MIN_NODE || depth >= max_depth) {
        return;
    }
    size_t n0 = split(w, ids, n, side, c0, c1, margin);
    if (n0 == 0 || n0 == n) {
        return;
    }
    size_t a = 0, b = n0;
    for (size_t i = 0; i < n; i++) {
        tmp[side[i] ? b++ : a++] = ids[i];
    }
    memcpy(ids, tmp, n * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        word_t *x = &w[ids[i]];
        x->path = x->path << 1 | (i >= n0);
        x->depth++;
    }
    divide(w, ids, n0, depth + 1, max_depth, side, tmp, c0, c1, margin);
    divide(w, ids + n0, n - n0, depth + 1, max_depth, side, tmp, c0, c1, margin);
}

static int by_path(const void *a, const void *b, void *ctx)
{
    const word_t *w = ctx, *x = &w[*(const uint32_t *)a], *y = &w[*(const uint32_t *)b];
    for (int k = 0; k < 32; k++) {
        int bx = k < x->depth ? (int)(x->path >> (x->depth - 1 - k) & 1) : -1;
        int by = k < y->depth ? (int)(y->path >> (y->depth - 1 - k) & 1) : -1;
        if (bx != by) {
            return bx < by ? -1 : 1;
        }
    }
    return strcmp(x->text, y->text);
}

static int write_clusters(const char *path, word_t *w, uint32_t *ids, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    qsort_r(ids, n, sizeof *ids, by_path, w);
    for (size_t i = 0; i < n; i++) {
        char bits[33];
        const word_t *x = &w[ids[i]];
        for (int k = 0; k < x->depth; k++) {
            bits[k] = (char)('0' + (x->path >> (x->depth - 1 - k) & 1));
        }
        bits[x->depth] = '\0';
        fprintf(f, "%s\t%s\n", x->depth ? bits : "-", x->text);
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int parse(int argc, char **argv, const char **gmb, const char **data, size_t *min_count, int *depth)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--gmb") == 0) {
            *gmb = argv[i + 1];
        } else if (strcmp(argv[i], "--data") == 0) {
            *data = argv[i + 1];
        } else if (strcmp(argv[i], "--min-count") == 0) {
            *min_count = (size_t)atol(argv[i + 1]);
        } else if (strcmp(argv[i], "--depth") == 0) {
            *depth = atoi(argv[i + 1]);
        } else {
            return -1;
        }
    }
    return *gmb && *data && *depth > 0 && *depth <= 30 && argc % 2 == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *gmb = NULL, *data = NULL;
    size_t min_count = 3;
    int depth = 16;
    char err[512], path[4096];
    if (parse(argc, argv, &gmb, &data, &min_count, &depth) != 0) {
        fprintf(stderr, "usage: ner_clusters --gmb GMB.csv --data DATA_DIR [--min-count N] [--depth D]\n");
        return 64;
    }
    ner_corpus_t c = {0};
    snprintf(path, sizeof path, "%s/ner/titles.txt", data);
    if (ner_corpus_read_gmb(&c, gmb, path, err, sizeof err) != 0 || c.nsent <= HELD_OUT + DEV) {
        fprintf(stderr, "ner_clusters: %s\n", c.nsent ? "corpus too small" : err);
        return 66;
    }
    size_t ntrain = c.nsent - HELD_OUT - DEV, nk;
    vocab_t v = {0};
    ner_map_init(&v.index, 1 << 16);
    v.tok = ds_xmalloc(c.sent[ntrain] * sizeof *v.tok);
    for (size_t j = 0; j < c.sent[ntrain]; j++) {
        v.tok[j] = intern(&v, c.word[j], c.len[j]);
    }
    uint32_t *ids = build_vectors(&v, &c, ntrain, min_count, &nk);
    qsort_r(ids, nk, sizeof *ids, by_count_desc, v.w);
    uint8_t *side = ds_xmalloc(nk);
    uint32_t *tmp = ds_xmalloc(nk * sizeof *tmp);
    float *c0 = ds_xmalloc(DIM * sizeof *c0), *c1 = ds_xmalloc(DIM * sizeof *c1);
    float *margin = ds_xmalloc(nk * sizeof *margin);
    divide(v.w, ids, nk, 0, depth, side, tmp, c0, c1, margin);
    snprintf(path, sizeof path, "%s/ner/clusters.tsv", data);
    if (write_clusters(path, v.w, ids, nk) != 0) {
        fprintf(stderr, "ner_clusters: cannot write %s\n", path);
        return 73;
    }
    fprintf(stderr, "ner_clusters: %zu word forms, %zu with count >= %zu clustered, depth %d -> %s\n", v.n,
            nk, min_count, depth, path);
    return 0;
}
