/* worker_job.h: one dossier.analyze request, from body bytes to reply body.
 *
 * Model: decode and check the document (proto's limits), analyse it with the
 * engine under the CPU budget, store everything in Redis with one script run, and
 * reply `done` only after Redis said OK.  A document that cannot be analysed gets
 * `failed` with retryable false; Redis trouble past the give-up bound gets `failed`
 * with retryable true (the broker retries).  A dead-letter record (`dead: true`) is
 * stored as such without analysis.  A body without `id` (a stock Majordomo client on
 * the broker's synchronous path) gets the digest of its text as id.
 *
 * Buffers (JSON, script arguments, reply) are kept between documents, so the hot
 * path does not allocate beyond what the codec, the engine and hiredis need.
 * Callers: worker_child.c, tests.
 */
#ifndef WORKER_JOB_H
#define WORKER_JOB_H

#include "ds_buf.h"
#include "engine.h"
#include "worker_redis.h"
#include "worker_script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct worker_job worker_job_t;

typedef struct {
    size_t max_doc_bytes;
    bool counts_only;     /* ENGINE_COUNTS */
    worker_store_t store; /* prefix, maxlen, ttl, dedup */
} worker_job_opts_t;

/* engine and redis are borrowed for the job's lifetime.  Caller owns. */
worker_job_t *worker_job_new(engine_t *engine, worker_redis_t *redis, const worker_job_opts_t *o);
void worker_job_destroy(worker_job_t **self_p);

/* Handles one request body.  Returns 0 with the reply body in *reply (borrowed until
 * the next call), or DS_EDRAINING when the process is draining and the document must
 * be given back unanswered. */
int worker_job_run(worker_job_t *j, const uint8_t *body, size_t len, const ds_buf_t **reply) DS_WUR;

/* The same in steps, for a batch whose stores go to Redis as one pipeline
 * (worker_batch.c): prepare decodes and analyses, and returns true when the document
 * must still be stored with worker_job_args() (worker_redis_eval_many); finish packs
 * the reply (borrowed until the next prepare): pass the store's rc (0 or DS_EREDIS),
 * outcome and error when prepare returned true, else wo NULL. */
bool worker_job_prepare(worker_job_t *j, const uint8_t *body, size_t len);
worker_args_t *worker_job_args(worker_job_t *j);
const ds_buf_t *worker_job_finish(worker_job_t *j, int rc, const worker_outcome_t *wo, const char *err);

#endif
