/* broker_retry.h: retry and dead-letter policy (pure: no I/O, randomness passed in).
 *
 * Model: attempt n (1-based) failed.  A non-retryable failure (the document itself is
 * bad) is dead at once.  Otherwise, when n has reached max_attempts the document is
 * dead; else it waits a backoff before attempt n+1: the exponential base_ms * 2^(n-1)
 * capped at max_ms, with "equal jitter" (half fixed, half uniformly random) so retries
 * of many documents failed together spread out but never come back instantly.
 * A lost lease (worker died or overran --lease-ms) is a retryable failure.
 * Called by broker_docs.c.
 */
#ifndef BROKER_RETRY_H
#define BROKER_RETRY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint32_t max_attempts; /* >= 1 */
    int64_t base_ms;
    int64_t max_ms;
} broker_retry_policy_t;

typedef enum { BROKER_RETRY = 0, BROKER_DEAD = 1 } broker_verdict_t;

/* The delay after failed attempt n (>= 1), with jitter drawn from rand64. */
int64_t broker_retry_backoff_ms(const broker_retry_policy_t *p, uint32_t attempt, uint64_t rand64);

/* Decides what happens after failed attempt `attempt`; on BROKER_RETRY *due_ms is when
 * the next attempt may start. */
broker_verdict_t broker_retry_decide(const broker_retry_policy_t *p, uint32_t attempt, bool retryable,
                                     int64_t now_ms, uint64_t rand64, int64_t *due_ms);

#endif
