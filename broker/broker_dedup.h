/* broker_dedup.h: deduplication policy (pure: no I/O, time passed in).
 *
 * Model: a document's id is its idempotency key and the SHA-256 of its text its
 * content identity.  A submit whose id is already known (queued, running, failed and
 * waiting, dead, or done within the last dedup_days) is a duplicate when the digests
 * match (no second job) and a conflict when they differ.  Finished documents are
 * remembered as (id, digest, state, finish time) only, and forgotten once
 * finished_wall_ms is dedup_days old.
 * Called by broker_submit.c and the journal sweep in broker_docs.c.
 */
#ifndef BROKER_DEDUP_H
#define BROKER_DEDUP_H

#include <stdbool.h>
#include <stdint.h>

#define BROKER_DIGEST_BYTES 32

typedef enum { BROKER_DEDUP_NEW = 0, BROKER_DEDUP_DUPLICATE = 1, BROKER_DEDUP_CONFLICT = 2 } broker_dedup_t;

/* known: the id exists; old_digest: its digest (ignored when !known). */
broker_dedup_t broker_dedup_decide(bool known, const uint8_t old_digest[BROKER_DIGEST_BYTES],
                                   const uint8_t new_digest[BROKER_DIGEST_BYTES]);

/* Finish times strictly before this (wall ms) are expired. */
int64_t broker_dedup_cutoff_ms(int64_t now_wall_ms, int64_t dedup_days);

#endif
