/* worker_redis.h: a child's one connection to Redis, and the retry loop around the
 * store script (worker_script.h).
 *
 * Model: the connection is made lazily and remade after any I/O error or timeout;
 * connect and command timeouts are both redis_timeout_ms, so a paused or hung Redis
 * costs at most that per try.  worker_redis_eval() keeps retrying one script run with
 * exponential backoff (NOSCRIPT is answered with SCRIPT LOAD at once; OOM, BUSY,
 * LOADING, refused connections, timeouts wait) until Redis says OK or give_up_ms has
 * passed.  It never exits the process.  Between tries it calls the wait hook, which
 * the MDP loop uses to keep heartbeating the broker and to abandon on SIGTERM.
 *
 * Callers: worker_job.c (one per child), tests.  Not thread-safe (one per process).
 * The process must ignore SIGPIPE (writing to a Redis that went away raises it).
 */
#ifndef WORKER_REDIS_H
#define WORKER_REDIS_H

#include "ds_err.h"
#include "worker_script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool is_unix;
    char path[512]; /* unix socket */
    char host[256];
    int port;           /* 6379 */
    int db;             /* SELECT n when not 0 */
    char user[128];     /* ACL user ("" = default) */
    char password[256]; /* AUTH when not "" */
} worker_redis_addr_t;

/* Parses redis://[[user]:password@]host[:port][/db] and
 * unix://[[user]:password@]/abs/path[?db=N].
 * Returns 0 or DS_ECONFIG with a one-line reason (that never echoes the password). */
int worker_redis_parse_url(const char *url, worker_redis_addr_t *out, char *errstr, size_t errlen) DS_WUR;

typedef struct {
    int64_t timeout_ms;     /* connect and command timeout */
    int64_t give_up_ms;     /* one eval gives up after this long */
    int64_t backoff_min_ms; /* first retry delay */
    int64_t backoff_max_ms; /* ceiling */
} worker_redis_opts_t;

/* Sleeps up to ms (servicing whatever the caller must keep alive); returns false to
 * abandon the current eval (the process is draining). */
typedef bool (*worker_wait_fn)(void *arg, int64_t ms);

typedef struct worker_redis worker_redis_t;

/* What the script answered. */
typedef struct {
    bool stored;            /* false: the document was already final; nothing written */
    char status[16];        /* the hash's status now: "done" or "dead" */
    char duplicate_of[129]; /* near-duplicate found, or "" */
} worker_outcome_t;

/* Does not connect yet.  Caller owns. */
worker_redis_t *worker_redis_new(const worker_redis_addr_t *addr, const worker_redis_opts_t *o);
void worker_redis_destroy(worker_redis_t **self_p);
/* NULL fn restores the default (nanosleep, never abandons). */
void worker_redis_set_wait(worker_redis_t *r, worker_wait_fn fn, void *arg);

/* The script's SHA-1 as known so far (40 hex digits; zeros before the first load). */
const char *worker_redis_sha(const worker_redis_t *r);

/* Runs the store script with args (built by worker_script_*_args; the SHA is patched
 * in here).  Returns 0 with *out filled; DS_EREDIS after give_up_ms of failures (errstr
 * has Redis's last error); DS_EDRAINING when the wait hook abandoned. */
int worker_redis_eval(worker_redis_t *r, worker_args_t *args, worker_outcome_t *out, char *errstr,
                      size_t errlen) DS_WUR;

/* One document of a pipelined batch. */
typedef struct {
    worker_args_t *args;  /* in: built by worker_script_*_args (borrowed) */
    int rc;               /* out: 0, DS_EREDIS or DS_EDRAINING */
    worker_outcome_t out; /* out, when rc is 0 */
    char err[256];        /* out, when rc is DS_EREDIS: Redis's last error for it */
} worker_redis_item_t;

/* worker_redis_eval for n documents at once: every try sends the EVALSHAs of the
 * documents not yet stored as one pipeline (one write, then n replies), so a batch
 * costs one round trip.  Each document succeeds or fails on its own answer; those
 * that failed are retried together with backoff until give_up_ms.  Returns 0 (each
 * item's rc is 0 or DS_EREDIS) or DS_EDRAINING when the wait hook abandoned (items
 * not yet stored then have rc DS_EDRAINING). */
int worker_redis_eval_many(worker_redis_t *r, worker_redis_item_t *items, size_t n) DS_WUR;

/* Connects now if not connected (start-up probe); 0 or DS_EREDIS. */
int worker_redis_connect(worker_redis_t *r, char *errstr, size_t errlen) DS_WUR;

#endif
