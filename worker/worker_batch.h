/* worker_batch.h: a child that holds K documents at once (--prefetch K > 1).
 *
 * Model: the child is one MDP worker on one DEALER socket that says in READY it takes
 * up to K requests at a time (the credit frame, proto/SPEC.md 7.9.1); the broker then
 * keeps up to K requests in flight to it, and ZeroMQ batches them on one connection.
 * The loop takes every REQUEST that has arrived (at most K), analyses them one after
 * another, sends their store scripts to Redis as one pipeline
 * (worker_redis_eval_many), and only then sends each REPLY with its request's
 * address.  `done` is still sent only for a document whose own script Redis
 * answered; a document whose write failed past --redis-give-up-ms is answered
 * failed/retryable as with one document.  While Redis is retried, and between the
 * documents of a batch once half a heartbeat interval has passed, the socket keeps
 * heartbeating.  The CPU budget is per document (armed around each engine run).
 * SIGTERM: a batch in hand is finished; if the child is waiting for Redis it stops
 * and sends no REPLY for the batch, and DISCONNECT gives the documents back
 * (proto/SPEC.md section 8.1).
 *
 * Called by worker_child.c, in the child, after fork.
 */
#ifndef WORKER_BATCH_H
#define WORKER_BATCH_H

#include "engine.h"
#include "worker_job.h"
#include "worker_mdp.h"
#include "worker_opts.h"
#include "worker_redis.h"

#include <stdint.h>

typedef struct {
    uint64_t reconnects;
    uint64_t malformed;
} worker_batch_stats_t;

/* Opens a worker with credit o->prefetch with mo (mo->stop drains) and serves until drained or
 * o->max_jobs documents.  engine and redis are borrowed.  Returns the documents
 * handled, or -1 when the socket could not be opened (logged). */
int64_t worker_batch_serve(const worker_opts_t *o, const worker_mdp_opts_t *mo, const worker_job_opts_t *jo,
                           engine_t *engine, worker_redis_t *redis, worker_batch_stats_t *stats);

#endif
