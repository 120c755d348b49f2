/* engine_simhash.c: a 64-bit SimHash of the text (Charikar), for near-duplicate
 * detection by the worker (Hamming distance <= 3 through band indexes in Redis).
 *
 * Features are overlapping pairs of consecutive words, case-folded (the hashes
 * engine_words.c computed), so edits change only the pairs they touch and word
 * order matters.  Each feature's 64-bit mix votes +1/-1 on every bit; the sign of
 * each bit's total is the fingerprint bit (a bit is set when most features set it).  A text of one word
 * hashes that word.
 */
#include "engine_internal.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* 64 column counters of one bits, bit-sliced: planes[j] holds bit j of every
 * column's count, so adding a feature is a ripple-carry add of one word (about two
 * operations on average) instead of 64 increments. */
typedef struct {
    uint64_t planes[32];
    uint32_t n;
} columns_t;

static void vote(columns_t *c, uint64_t h)
{
    uint64_t carry = h;
    for (int j = 0; carry != 0 && j < 32; j++) {
        uint64_t t = c->planes[j] & carry;
        c->planes[j] ^= carry;
        carry = t;
    }
    c->n++;
}

/* Bit b is set when more than half of the features had it set. */
static uint64_t majority(const columns_t *c)
{
    uint64_t out = 0;
    for (int b = 0; b < 64; b++) {
        uint64_t ones = 0;
        for (int j = 0; j < 32; j++) {
            ones |= ((c->planes[j] >> b) & 1) << j;
        }
        out |= (uint64_t)(2 * ones > c->n) << b;
    }
    return out;
}

void engine_simhash(const engine_t *e, engine_result_t *r)
{
    columns_t v = {{0}, 0};
    uint64_t prev = 0;
    size_t features = 0;
    for (size_t k = 0; k < r->n_toks; k++) {
        uint64_t h = e->words[k].hash;
        if (h == 0 || (r->toks[k].flags & ENGINE_TOK_CLITIC)) {
            continue;
        }
        if (prev != 0) {
            vote(&v, mix(prev * 31 + h));
            features++;
        }
        prev = h;
    }
    if (features == 0 && prev != 0) {
        vote(&v, mix(prev));
    }
    r->simhash = majority(&v);
}
