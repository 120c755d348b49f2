/* worker_child.h: the life of one prefork child: its own ZeroMQ context and Redis
 * connection (both made here, after fork), the MDP loop, and retirement.
 *
 * Model: single-threaded; takes one request at a time from the broker, runs it
 * through worker_job, replies.  With --prefetch K > 1 the child is K MDP workers
 * instead and stores each batch in one Redis pipeline (worker_batch.h).
 * SIGTERM drains: a document in hand is finished (or, while waiting for Redis,
 * given back unanswered), then DISCONNECT, then exit 0.
 * After --max-jobs documents the child exits 0 and the supervisor replaces it.
 * Called by worker_supervise.c in the forked child; returns the exit status.
 */
#ifndef WORKER_CHILD_H
#define WORKER_CHILD_H

#include "engine.h"
#include "worker_opts.h"

/* engine is inherited from the parent (loaded once before fork, shared copy-on-write). */
int worker_child_main(const worker_opts_t *o, engine_t *engine, int slot);

#endif
