/* worker_pool.c: the prefork supervisor's restart policy; see worker_pool.h.
 *
 * Invariant: a slot is RUNNING (pid > 0) or EMPTY (pid == 0) with restart_at_ms
 * meaningful only while EMPTY and the pool is not draining.
 */
#include "worker_pool.h"

#include "ds_mem.h"

#include <assert.h>
#include <stdlib.h>

typedef struct {
    pid_t pid;             /* 0 when empty */
    int64_t started_ms;    /* when the current child started */
    int64_t restart_at_ms; /* when an empty slot is due */
    int crashes;           /* consecutive crashes within stable_ms */
} slot_t;

struct worker_pool {
    worker_pool_opts_t o;
    int n;
    bool draining;
    slot_t *slots;
};

worker_pool_t *worker_pool_new(int n, const worker_pool_opts_t *o, int64_t now_ms)
{
    assert(n >= 1);
    worker_pool_t *p = ds_xcalloc(1, sizeof *p);
    p->o = *o;
    p->n = n;
    p->slots = ds_xcalloc((size_t)n, sizeof *p->slots);
    for (int i = 0; i < n; i++) {
        p->slots[i].restart_at_ms = now_ms;
    }
    return p;
}

void worker_pool_destroy(worker_pool_t **self_p)
{
    if (*self_p) {
        free((*self_p)->slots);
        free(*self_p);
        *self_p = NULL;
    }
}

int worker_pool_due(const worker_pool_t *p, int64_t now_ms)
{
    if (p->draining) {
        return -1;
    }
    for (int i = 0; i < p->n; i++) {
        if (p->slots[i].pid == 0 && p->slots[i].restart_at_ms <= now_ms) {
            return i;
        }
    }
    return -1;
}

void worker_pool_started(worker_pool_t *p, int slot, pid_t pid, int64_t now_ms)
{
    assert(slot >= 0 && slot < p->n && pid > 0);
    p->slots[slot].pid = pid;
    p->slots[slot].started_ms = now_ms;
}

/* The delay before restarting a slot that has crashed `crashes` times in a row:
 * 0 for the first, then min, 2 min, 4 min, ... capped at max. */
static int64_t backoff_ms(const worker_pool_opts_t *o, int crashes)
{
    if (crashes <= 1) {
        return 0;
    }
    int64_t d = o->backoff_min_ms;
    for (int i = 2; i < crashes && d < o->backoff_max_ms; i++) {
        d *= 2;
    }
    return d < o->backoff_max_ms ? d : o->backoff_max_ms;
}

int worker_pool_exited(worker_pool_t *p, pid_t pid, worker_exit_kind_t kind, int64_t now_ms,
                       int64_t *delay_ms)
{
    for (int i = 0; i < p->n; i++) {
        slot_t *s = &p->slots[i];
        if (s->pid != pid || pid <= 0) {
            continue;
        }
        bool quick = now_ms - s->started_ms < p->o.stable_ms;
        if (kind == WORKER_EXIT_CLEAN || !quick) {
            s->crashes = kind == WORKER_EXIT_CLEAN ? 0 : 1;
        } else {
            s->crashes++;
        }
        int64_t d = kind == WORKER_EXIT_CLEAN ? 0 : backoff_ms(&p->o, s->crashes);
        s->pid = 0;
        s->restart_at_ms = now_ms + d;
        if (delay_ms) {
            *delay_ms = d;
        }
        return i;
    }
    return -1;
}

int64_t worker_pool_timeout_ms(const worker_pool_t *p, int64_t now_ms)
{
    if (p->draining) {
        return -1;
    }
    int64_t best = -1;
    for (int i = 0; i < p->n; i++) {
        if (p->slots[i].pid != 0) {
            continue;
        }
        int64_t d = p->slots[i].restart_at_ms - now_ms;
        d = d < 0 ? 0 : d;
        if (best < 0 || d < best) {
            best = d;
        }
    }
    return best;
}

void worker_pool_drain(worker_pool_t *p)
{
    p->draining = true;
}

bool worker_pool_draining(const worker_pool_t *p)
{
    return p->draining;
}

int worker_pool_running(const worker_pool_t *p)
{
    int n = 0;
    for (int i = 0; i < p->n; i++) {
        n += p->slots[i].pid != 0;
    }
    return n;
}

pid_t worker_pool_pid(const worker_pool_t *p, int slot)
{
    return (slot >= 0 && slot < p->n) ? p->slots[slot].pid : 0;
}

int worker_pool_size(const worker_pool_t *p)
{
    return p->n;
}

int worker_pool_crashes(const worker_pool_t *p, int slot)
{
    return (slot >= 0 && slot < p->n) ? p->slots[slot].crashes : 0;
}
