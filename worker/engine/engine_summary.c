/* engine_summary.c: an extractive summary of SUMMARY_SENTENCES sentences, ranked by
 * TextRank and given in document order.
 *
 * Each eligible sentence (at least MIN_WORDS words; not the headline) becomes the
 * set of its content-word stems.  Two sentences are linked with TextRank's weight
 * overlap / (log |Si| + log |Sj|), and PageRank (damping 0.85) runs over the
 * weighted graph until it settles.  Above MAX_GRAPH eligible sentences the quadratic
 * graph is replaced by its linear stand-in, weighted degree with the overlap summed
 * through stem document frequencies, so a 1 MiB document stays fast.  Ties go to
 * the earlier sentence.  Stems are the document's dense numbers (engine_words.c),
 * so sets are marks in arrays rather than sorted lists or hash maps.
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
    uint32_t first, n; /* stems[first .. first+n): its distinct content stems (document numbers) */
    double score;
} node_t;

/* One link of the graph: neighbour j and its weight w(i,j) / out(j). */
typedef struct {
    uint32_t j;
    double q;
} link_t;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The distinct content stems of sentence s (document stem numbers, first occurrence
 * order) appended to out, using seen[] (per stem number: the last sentence + 1 that
 * took it); returns how many.  *words counts its words. */
static uint32_t sentence_stems(const engine_t *e, const engine_result_t *r, uint32_t si, uint32_t *seen,
                               uint32_t *out, uint32_t *words)
{
    const engine_sent_t *s = &r->sents[si];
    uint32_t n = 0, nw = 0;
    for (uint32_t k = s->tok_first; k < s->tok_end; k++) {
        const engine_tok_t *t = &r->toks[k];
        nw += (t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) && !(t->flags & ENGINE_TOK_CLITIC);
        if (engine_is_content(&e->words[k], t)) {
            uint32_t l = e->lstem[k];
            if (seen[l] != si + 1) {
                seen[l] = si + 1;
                out[n++] = l;
            }
        }
    }
    *words = nw;
    return n;
}

/* TextRank over the eligible sentences.  Overlaps come from marking one sentence's
 * stems and probing the other's; PageRank walks only the non-zero links (a zero
 * weight adds +0.0 to a non-negative sum, so skipping it changes no bit) with
 * w/out(j) divided once instead of per iteration, in the same order as the dense
 * sum over j. */
static void pagerank(engine_t *e, node_t *nodes, size_t n, const uint32_t *stems, uint32_t *mark)
{
    double *w = engine_arena_alloc(&e->tmp, sizeof *w * n * n);
    double *out = engine_arena_alloc(&e->tmp, sizeof *out * n);
    double *next = engine_arena_alloc_raw(&e->tmp, sizeof *next * n);
    double *lg = engine_arena_alloc_raw(&e->tmp, sizeof *lg * n);
    for (size_t i = 0; i < n; i++) {
        lg[i] = log((double)nodes[i].n);
    }
    for (size_t i = 0; i < n; i++) {
        const uint32_t *a = stems + nodes[i].first;
        for (uint32_t k = 0; k < nodes[i].n; k++) {
            mark[a[k]] = (uint32_t)i + 1;
        }
        for (size_t j = i + 1; j < n; j++) {
            const uint32_t *b = stems + nodes[j].first;
            uint32_t o = 0;
            for (uint32_t k = 0; k < nodes[j].n; k++) {
                o += mark[b[k]] == i + 1;
            }
            double d = lg[i] + lg[j];
            double v = (o > 0 && d > 0) ? o / d : 0;
            w[i * n + j] = w[j * n + i] = v;
            out[i] += v;
            out[j] += v;
        }
        nodes[i].score = 1.0;
    }
    uint32_t *first = engine_arena_alloc_raw(&e->tmp, sizeof *first * (n + 1));
    link_t *links = engine_arena_alloc_raw(&e->tmp, sizeof *links * (n * n + 1));
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        first[i] = (uint32_t)nl;
        for (size_t j = 0; j < n; j++) {
            if (out[j] > 0 && w[j * n + i] != 0) {
                links[nl++] = (link_t){(uint32_t)j, w[j * n + i] / out[j]};
            }
        }
    }
    first[n] = (uint32_t)nl;
    for (int it = 0; it < MAX_ITER; it++) {
        double delta = 0;
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (uint32_t l = first[i]; l < first[i + 1]; l++) {
                s += links[l].q * nodes[links[l].j].score;
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
 * sentences sharing each of its stems, over its length's log.  The sums are of
 * whole numbers, exact in any order. */
static void degree(engine_t *e, node_t *nodes, size_t n, const uint32_t *stems, size_t n_stems)
{
    uint32_t *df = engine_arena_alloc(&e->tmp, sizeof *df * (e->n_lstems + 1));
    for (size_t i = 0; i < n_stems; i++) {
        df[stems[i]]++;
    }
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (uint32_t k = 0; k < nodes[i].n; k++) {
            s += df[stems[nodes[i].first + k]] - 1;
        }
        nodes[i].score = s / (1.0 + log((double)nodes[i].n));
    }
}

/* a ranks before b: higher score, then the earlier sentence (a total order). */
static bool ranks_before(const node_t *a, const node_t *b)
{
    return a->score != b->score ? a->score > b->score : a->sent < b->sent;
}

void engine_summarize(engine_t *e, engine_result_t *r)
{
    node_t *nodes = engine_arena_alloc_raw(&e->tmp, sizeof *nodes * (r->n_sents + 1));
    uint32_t *stems = engine_arena_alloc_raw(&e->tmp, sizeof *stems * (r->n_toks + 1));
    uint32_t *seen = engine_arena_alloc(&e->tmp, sizeof *seen * (e->n_lstems + 1));
    size_t n = 0, used = 0;
    for (size_t i = 0; i < r->n_sents; i++) {
        uint32_t words;
        uint32_t k = sentence_stems(e, r, (uint32_t)i, seen, stems + used, &words);
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
        memset(seen, 0, sizeof *seen * (e->n_lstems + 1));
        pagerank(e, nodes, n, stems, seen);
    }
    size_t m = n < SUMMARY_SENTENCES ? n : SUMMARY_SENTENCES;
    for (size_t i = 0; i < m; i++) { /* the best m by selection: the order is total */
        size_t best = i;
        for (size_t j = i + 1; j < n; j++) {
            best = ranks_before(&nodes[j], &nodes[best]) ? j : best;
        }
        node_t t = nodes[i];
        nodes[i] = nodes[best];
        nodes[best] = t;
    }
    r->summary = engine_arena_alloc(&r->arena, sizeof *r->summary * (m + 1));
    for (size_t i = 0; i < m; i++) {
        r->summary[i] = nodes[i].sent;
    }
    qsort(r->summary, m, sizeof *r->summary, cmp_u32);
    r->n_summary = m;
}
