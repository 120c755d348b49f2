/* broker_dedup.c: see broker_dedup.h.  Pure policy, no I/O. */
#include "broker_dedup.h"

#include <string.h>

broker_dedup_t broker_dedup_decide(bool known, const uint8_t old_digest[BROKER_DIGEST_BYTES],
                                   const uint8_t new_digest[BROKER_DIGEST_BYTES])
{
    if (!known) {
        return BROKER_DEDUP_NEW;
    }
    return memcmp(old_digest, new_digest, BROKER_DIGEST_BYTES) == 0 ? BROKER_DEDUP_DUPLICATE
                                                                    : BROKER_DEDUP_CONFLICT;
}

int64_t broker_dedup_cutoff_ms(int64_t now_wall_ms, int64_t dedup_days)
{
    if (dedup_days < 0) {
        dedup_days = 0;
    }
    return now_wall_ms - dedup_days * 86400000LL;
}
