/* broker_lease.h: lease policy (pure: no I/O, time passed in as now_ms).
 *
 * Model: dispatching a document to a worker grants a lease: a token unique within
 * this broker process, the attempt number, the holder (an opaque worker pointer) and
 * a deadline (--lease-ms after the grant).  A REPLY settles the lease only if it comes
 * from the holder and carries the current token; anything else is a late or stray
 * reply, which the caller ignores and counts.  When the holder is declared dead or
 * the deadline passes, the caller releases the lease and schedules a retry.
 * Invariants: a lease is held by at most one worker; held leases sit in one list in
 * grant order, which is also deadline order because every lease lasts lease_ms.
 * Tokens never repeat within a process; the first token is seeded by the caller
 * (wall clock) so tokens of a previous broker process are not reused either.
 * Called by broker_docs.c.
 */
#ifndef BROKER_LEASE_H
#define BROKER_LEASE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct broker_lease {
    struct broker_lease *prev, *next;
    uint64_t token; /* 0 when not held */
    uint32_t attempt;
    int64_t started_ms;
    int64_t deadline_ms;
    const void *holder;
} broker_lease_t;

typedef struct {
    broker_lease_t held; /* sentinel of the held list */
    uint64_t next_token;
    uint64_t count;
    int64_t lease_ms;
} broker_leases_t;

void broker_leases_init(broker_leases_t *t, int64_t lease_ms, uint64_t first_token);
/* Grants a free lease to holder for attempt; returns its token (never 0). */
uint64_t broker_lease_grant(broker_leases_t *t, broker_lease_t *l, const void *holder, uint32_t attempt,
                            int64_t now_ms);
bool broker_lease_held(const broker_lease_t *l);
/* true when a reply from holder with token settles this lease. */
bool broker_lease_current(const broker_lease_t *l, uint64_t token, const void *holder);
/* Frees a held lease (no-op when free). */
void broker_lease_release(broker_leases_t *t, broker_lease_t *l);
/* The held lease whose deadline has passed first, or NULL. */
broker_lease_t *broker_leases_overdue(const broker_leases_t *t, int64_t now_ms);
/* Earliest deadline among held leases, or INT64_MAX. */
int64_t broker_leases_next_deadline(const broker_leases_t *t);

#endif
