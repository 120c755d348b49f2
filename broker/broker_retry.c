/* broker_retry.c: see broker_retry.h.  Pure policy, no I/O. */
#include "broker_retry.h"

int64_t broker_retry_backoff_ms(const broker_retry_policy_t *p, uint32_t attempt, uint64_t rand64)
{
    int64_t d = p->base_ms > 0 ? p->base_ms : 0;
    for (uint32_t i = 1; i < attempt && d < p->max_ms; i++) {
        d *= 2;
    }
    if (d > p->max_ms) {
        d = p->max_ms;
    }
    if (d <= 1) {
        return d;
    }
    int64_t half = d / 2;
    return half + (int64_t)(rand64 % (uint64_t)(d - half + 1));
}

broker_verdict_t broker_retry_decide(const broker_retry_policy_t *p, uint32_t attempt, bool retryable,
                                     int64_t now_ms, uint64_t rand64, int64_t *due_ms)
{
    if (!retryable || attempt >= p->max_attempts) {
        return BROKER_DEAD;
    }
    *due_ms = now_ms + broker_retry_backoff_ms(p, attempt, rand64);
    return BROKER_RETRY;
}
