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

/* 64 column counters of one bits.  Eight byte-lane accumulators take a feature
 * in eight shift-mask-adds: lane[i] byte j counts bit 8j+i, so no byte can
 * overflow before 255 features; then the lanes are flushed into the wide
 * counters.  (A per-bit loop costs 64 increments a feature, a bit-sliced ripple
 * carry about seven steps.) */
typedef struct {
    uint64_t lane[8];
    uint32_t pending; /* features in the lanes */
    uint32_t n;       /* features in all */
    uint32_t count[64];
} columns_t;

#define LOW_BYTES 0x0101010101010101ull

static void flush(columns_t *c)
{
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            c->count[8 * j + i] += (uint32_t)(c->lane[i] >> (8 * j)) & 0xFF;
        }
        c->lane[i] = 0;
    }
    c->pending = 0;
}

static void vote(columns_t *c, uint64_t h)
{
    /* unrolled by hand: -O2 keeps the loop */
    c->lane[0] += h & LOW_BYTES;
    c->lane[1] += (h >> 1) & LOW_BYTES;
    c->lane[2] += (h >> 2) & LOW_BYTES;
    c->lane[3] += (h >> 3) & LOW_BYTES;
    c->lane[4] += (h >> 4) & LOW_BYTES;
    c->lane[5] += (h >> 5) & LOW_BYTES;
    c->lane[6] += (h >> 6) & LOW_BYTES;
    c->lane[7] += (h >> 7) & LOW_BYTES;
    c->n++;
    if (++c->pending == 255) {
        flush(c);
    }
}

/* Bit b is set when more than half of the features had it set. */
static uint64_t majority(columns_t *c)
{
    flush(c);
    uint64_t out = 0;
    for (int b = 0; b < 64; b++) {
        out |= (uint64_t)(2 * (uint64_t)c->count[b] > c->n) << b;
    }
    return out;
}

void engine_simhash(const engine_t *e, engine_result_t *r)
{
    columns_t v = {{0}, 0, 0, {0}};
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
