/* worker_batch.h: a child that is K Majordomo workers at once (--prefetch K > 1).
 *
 * Model: the child holds K worker_mdp_t, each a separate, fully standard MDP worker
 * on its own DEALER socket (own identity, READY, heartbeats, DISCONNECT); the broker
 * simply sees K workers.  The loop polls all K sockets, takes every REQUEST that is
 * ready (at most one per socket, so at most K), analyses them one after another,
 * sends their store scripts to Redis as one pipeline (worker_redis_eval_many), and
 * only then sends each REPLY on the socket its request came from.  `done` is still
 * sent only for a document whose own script Redis answered; a document whose write
 * failed past --redis-give-up-ms is answered failed/retryable as with one socket.
 * While Redis is retried, and between the documents of a batch once half a heartbeat
 * interval has passed, every socket keeps heartbeating.  The CPU budget is per
 * document (armed around each engine run).  SIGTERM: a batch in hand is finished; if
 * the child is waiting for Redis it stops and sends no REPLY for the batch, and
 * DISCONNECT on every socket gives the documents back (proto/SPEC.md section 8.1).
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

/* Opens o->prefetch workers with mo (mo->stop drains) and serves until drained or
 * o->max_jobs documents.  engine and redis are borrowed.  Returns the documents
 * handled, or -1 when a socket could not be opened (logged). */
int64_t worker_batch_serve(const worker_opts_t *o, const worker_mdp_opts_t *mo, const worker_job_opts_t *jo,
                           engine_t *engine, worker_redis_t *redis, worker_batch_stats_t *stats);

#endif
