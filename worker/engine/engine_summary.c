/* engine_summary.c: an extractive summary of SUMMARY_SENTENCES sentences, ranked by
 * TextRank and given in document order.
 *
 * Each eligible sentence (at least MIN_WORDS words; not the headline) becomes the
 * set of its content-word stems.  Two sentences are linked with TextRank's weight
 * overlap / (log |Si| + log |Sj|), and PageRank (damping 0.85) runs over the
 * weighted graph until it settles.  Above MAX_GRAPH eligible sentences the quadratic
 * graph is replaced by its linear stand-in, weighted degree with the overlap summed
 * through stem document frequencies, so a 1 MiB document stays fast.  Ties go to
 * the earlier sentence.
 */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_SENTENCES 3
#define MIN_WORDS 6
#define MAX_GRAPH 200
#define DAMPING 0.85
#define MAX_ITER 50

typedef struct {
    uint32_t sent;
    uint32_t first, n; /* stems[first .. first+n), sorted, unique */
    double score;
} node_t;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted unique content stems of sentence s appended to stems; returns how many. */
static uint32_t sentence_stems(const engine_t *e, const engine_result_t *r, const engine_sent_t *s,
                               uint32_t *out, uint32_t *words)
{
    uint32_t n = 0;
    *words = 0;
    for (uint32_t k = s->tok_first; k < s->tok_end; k++) {
        const engine_tok_t *t = &r->toks[k];
        *words += (t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) && !(t->flags & ENGINE_TOK_CLITIC);
        if (engine_is_content(&e->words[k], t)) {
            out[n++] = e->words[k].stem;
        }
    }
    if (n > 64) {
        qsort(out, n, sizeof *out, cmp_u32);
    }
    for (uint32_t i = 1; i < n && n <= 64; i++) { /* insertion sort: sentences are short */
        uint32_t v = out[i], j = i;
        while (j > 0 && out[j - 1] > v) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = v;
    }
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (u == 0 || out[u - 1] != out[i]) {
            out[u++] = out[i];
        }
    }
    return u;
}

static uint32_t overlap(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    uint32_t i = 0, j = 0, o = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            o++, i++, j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return o;
}

static void pagerank(engine_t *e, node_t *nodes, size_t n, const uint32_t *stems)
{
    double *w = engine_arena_alloc(&e->tmp, sizeof *w * n * n);
    double *out = engine_arena_alloc(&e->tmp, sizeof *out * n);
    double *next = engine_arena_alloc_raw(&e->tmp, sizeof *next * n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            uint32_t o = overlap(stems + nodes[i].first, nodes[i].n, stems + nodes[j].first, nodes[j].n);
            double d = log((double)nodes[i].n) + log((double)nodes[j].n);
            double v = (o > 0 && d > 0) ? o / d : 0;
            w[i * n + j] = w[j * n + i] = v;
            out[i] += v;
            out[j] += v;
        }
        nodes[i].score = 1.0;
    }
    for (int it = 0; it < MAX_ITER; it++) {
        double delta = 0;
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t j = 0; j < n; j++) {
                s += out[j] > 0 ? w[j * n + i] / out[j] * nodes[j].score : 0;
            }
            next[i] = (1 - DAMPING) + DAMPING * s;
            delta += fabs(next[i] - nodes[i].score);
        }
        for (size_t i = 0; i < n; i++) {
            nodes[i].score = next[i];
        }
        if (delta < 1e-6) {
            break;
        }
    }
}

/* Linear stand-in for large documents: each sentence scores the number of other
 * sentences sharing each of its stems, over its length's log. */
static void degree(engine_t *e, node_t *nodes, size_t n, const uint32_t *stems, size_t n_stems)
{
    engine_imap_t df;
    engine_imap_init(&df, &e->tmp, n_stems);
    int added;
    for (size_t i = 0; i < n_stems; i++) {
        (*engine_imap_put(&df, (uint64_t)stems[i] + 1, 0, &added))++;
    }
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (uint32_t k = 0; k < nodes[i].n; k++) {
            s += *engine_imap_get(&df, (uint64_t)stems[nodes[i].first + k] + 1) - 1;
        }
        nodes[i].score = s / (1.0 + log((double)nodes[i].n));
    }
}

static int cmp_score(const void *a, const void *b)
{
    const node_t *x = a, *y = b;
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return x->sent < y->sent ? -1 : x->sent > y->sent;
}

void engine_summarize(engine_t *e, engine_result_t *r)
{
    node_t *nodes = engine_arena_alloc_raw(&e->tmp, sizeof *nodes * (r->n_sents + 1));
    uint32_t *stems = engine_arena_alloc_raw(&e->tmp, sizeof *stems * (r->n_toks + 1));
    size_t n = 0, used = 0;
    for (size_t i = 0; i < r->n_sents; i++) {
        const engine_sent_t *s = &r->sents[i];
        uint32_t words;
        uint32_t k = sentence_stems(e, r, s, stems + used, &words);
        if (words < MIN_WORDS || k < 2 || (int32_t)i == r->title_sent) {
            continue;
        }
        nodes[n] = (node_t){(uint32_t)i, (uint32_t)used, k, 0};
        used += k;
        n++;
    }
    if (n > MAX_GRAPH) {
        degree(e, nodes, n, stems, used);
    } else if (n > SUMMARY_SENTENCES) {
        pagerank(e, nodes, n, stems);
    }
    qsort(nodes, n, sizeof *nodes, cmp_score);
    size_t m = n < SUMMARY_SENTENCES ? n : SUMMARY_SENTENCES;
    r->summary = engine_arena_alloc(&r->arena, sizeof *r->summary * (m + 1));
    for (size_t i = 0; i < m; i++) {
        r->summary[i] = nodes[i].sent;
    }
    qsort(r->summary, m, sizeof *r->summary, cmp_u32);
    r->n_summary = m;
}
