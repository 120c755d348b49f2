/* worker_pool.h: the prefork supervisor's policy, pure: which child slot to (re)start
 * when.  No fork, no signals, no clock: the caller passes now_ms and does the
 * process work (worker_supervise.c); tests drive it with a fake clock.
 *
 * Model: N slots, each EMPTY (due to start at restart_at_ms), or RUNNING a pid.
 * A child that exits cleanly (retired after --max-jobs, or drained) is replaced at
 * once.  A child that crashes is replaced at once the first time; if it keeps
 * crashing within stable_ms of starting, each further restart waits twice as long
 * (backoff_min_ms, 2x, ... up to backoff_max_ms).  A child that ran for stable_ms
 * resets its slot's count.  After worker_pool_drain() nothing is restarted.
 */
#ifndef WORKER_POOL_H
#define WORKER_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct worker_pool worker_pool_t;

typedef struct {
    int64_t backoff_min_ms; /* delay of the second restart in a crash loop */
    int64_t backoff_max_ms; /* ceiling of the delay */
    int64_t stable_ms;      /* a child that lived this long was not crash-looping */
} worker_pool_opts_t;

#define WORKER_POOL_OPTS_DEFAULT                                                                             \
    {                                                                                                        \
        100, 10000, 5000                                                                                     \
    }

typedef enum {
    WORKER_EXIT_CLEAN,   /* exit status 0: retired or drained */
    WORKER_EXIT_CRASHED, /* killed by a signal or non-zero status */
} worker_exit_kind_t;

/* n >= 1 slots, all due to start at now_ms.  Caller owns. */
worker_pool_t *worker_pool_new(int n, const worker_pool_opts_t *o, int64_t now_ms);
void worker_pool_destroy(worker_pool_t **self_p);

/* A slot whose child should be started now, or -1. */
int worker_pool_due(const worker_pool_t *p, int64_t now_ms);
/* Records that slot's child started as pid. */
void worker_pool_started(worker_pool_t *p, int slot, pid_t pid, int64_t now_ms);
/* Records that pid exited; schedules its replacement.  Returns its slot, or -1 for
 * a pid the pool does not know.  *delay_ms (may be NULL) gets the restart delay. */
int worker_pool_exited(worker_pool_t *p, pid_t pid, worker_exit_kind_t kind, int64_t now_ms,
                       int64_t *delay_ms);
/* Milliseconds until the next scheduled start (0 when one is due), or -1 when none. */
int64_t worker_pool_timeout_ms(const worker_pool_t *p, int64_t now_ms);

/* Stops all restarts. */
void worker_pool_drain(worker_pool_t *p);
bool worker_pool_draining(const worker_pool_t *p);
/* Number of slots with a running child; pid of slot i or 0. */
int worker_pool_running(const worker_pool_t *p);
pid_t worker_pool_pid(const worker_pool_t *p, int slot);
int worker_pool_size(const worker_pool_t *p);
/* Consecutive quick crashes of a slot (for logs and tests). */
int worker_pool_crashes(const worker_pool_t *p, int slot);

#endif
