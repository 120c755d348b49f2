/* broker_ids.c: see broker_ids.h.  Pure, no I/O. */
#include "broker_ids.h"

#include <string.h>

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void broker_ids_init(broker_ids_t *g)
{
    memset(g, 0, sizeof *g);
}

static void increment(uint8_t r[BROKER_ID_RAND_BYTES])
{
    for (int i = BROKER_ID_RAND_BYTES - 1; i >= 0; i--) {
        if (++r[i] != 0) {
            return;
        }
    }
}

void broker_ids_next(broker_ids_t *g, int64_t wall_ms, const uint8_t fresh[BROKER_ID_RAND_BYTES],
                     char out[BROKER_ID_LEN + 1])
{
    if (wall_ms <= g->last_ms) {
        increment(g->last_rand);
    } else {
        g->last_ms = wall_ms;
        memcpy(g->last_rand, fresh, BROKER_ID_RAND_BYTES);
    }
    uint64_t t = (uint64_t)g->last_ms & 0xFFFFFFFFFFFFULL;
    for (int i = 9; i >= 0; i--) {
        out[i] = b32[t & 31];
        t >>= 5;
    }
    /* 80 bits = 16 groups of 5, most significant first */
    for (int i = 0; i < 16; i++) {
        int bit = i * 5;
        unsigned v = 0;
        for (int k = 0; k < 5; k++) {
            int b = bit + k;
            v = (v << 1) | ((g->last_rand[b / 8] >> (7 - b % 8)) & 1u);
        }
        out[10 + i] = b32[v];
    }
    out[BROKER_ID_LEN] = '\0';
}
