/* engine_simhash.c: a 64-bit SimHash of the text (Charikar), for near-duplicate
 * detection by the worker (Hamming distance <= 3 through band indexes in Redis).
 *
 * Features are overlapping pairs of consecutive words, case-folded (the hashes
 * engine_words.c computed), so edits change only the pairs they touch and word
 * order matters.  Each feature's 64-bit mix votes +1/-1 on every bit; the sign of
 * each bit's total is the fingerprint bit.  A text of one word hashes that word.
 */
#include "engine_internal.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void vote(int32_t *v, uint64_t h)
{
    for (int b = 0; b < 64; b++) {
        v[b] += (int32_t)((h >> b) & 1) * 2 - 1;
    }
}

void engine_simhash(const engine_t *e, engine_result_t *r)
{
    int32_t v[64] = {0};
    uint64_t prev = 0;
    size_t features = 0;
    for (size_t k = 0; k < r->n_toks; k++) {
        uint64_t h = e->words[k].hash;
        if (h == 0 || (r->toks[k].flags & ENGINE_TOK_CLITIC)) {
            continue;
        }
        if (prev != 0) {
            vote(v, mix(prev * 31 + h));
            features++;
        }
        prev = h;
    }
    if (features == 0 && prev != 0) {
        vote(v, mix(prev));
    }
    uint64_t out = 0;
    for (int b = 0; b < 64; b++) {
        out |= (uint64_t)(v[b] > 0) << b;
    }
    r->simhash = out;
}
