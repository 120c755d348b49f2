/* broker_server.c: the one loop that owns the socket.
 *
 * Model: each turn polls the ROUTER socket (timeout: the next timer), takes up to
 * --batch messages without blocking, runs the timers (heartbeats, worker expiry,
 * lease deadlines, request timeouts, retry backoffs, the deduplication sweep), then
 * commits the batch's journal writes with one transaction and one sync, and only then
 * sends the replies staged in the outbox and dispatches work.  This is group commit:
 * however many documents arrived together cost one sync.  Writes that promise
 * nothing to anyone (a finished document's done-marker) do not force a commit; they
 * ride on the next one, or on a commit --flush-ms later.  Losing them in a crash only
 * redelivers documents that workers already finished, which the workers' idempotent
 * Redis writes absorb.
 * A journal error stops the loop at once: nothing staged is sent (fail-stop).
 * SIGTERM drains: new work is refused with `busy`/`draining`, running attempts get up
 * to --drain-timeout-ms to finish, the journal is committed, workers get DISCONNECT.
 * Called by main.c.
 */
#include "broker_client.h"
#include "broker_ctx.h"
#include "broker_dedup.h"
#include "broker_dispatch.h"
#include "broker_docs.h"
#include "broker_worker.h"
#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mdp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SWEEP_MAX 10000
#define MAX_PENDING_OPS 20000

uint64_t broker_rand(broker_t *b)
{
    /* xorshift64*: jitter only, not security */
    uint64_t x = b->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    b->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Frames 0 identity, 1 "", 2 protocol: client or worker. */
static void on_message(broker_t *b, broker_frames_t *m)
{
    if (m->n >= 3 && broker_frame_size(m, 1) == 0 && broker_frame_is(m, 2, MDPC_CLIENT)) {
        broker_client_message(b, m);
    } else if (m->n >= 3 && broker_frame_size(m, 1) == 0 && broker_frame_is(m, 2, MDPW_WORKER)) {
        broker_worker_message(b, m);
    } else {
        b->st.malformed++;
        ds_log(DS_LOG_INFO,
               "msg=\"dropping message that is not MDP (need \\\"\\\", MDPC01|MDPW01)\" frames=%d", m->total);
    }
}

/* Returns true when the batch was cut short by --batch (more messages are waiting). */
static bool take_batch(broker_t *b)
{
    for (int64_t i = 0; i < b->cfg.batch && b->fatal == 0; i++) {
        broker_frames_t m;
        int rc = broker_frames_recv(b->router, &m);
        if (rc <= 0) {
            if (rc < 0 && errno != EINTR) {
                ds_log(DS_LOG_WARNING, "msg=\"receive failed\" error=\"%s\"", zmq_strerror(errno));
            }
            return false;
        }
        on_message(b, &m);
        broker_frames_close(&m);
    }
    return true;
}

/* ---- timers ----------------------------------------------------------------------- */

static void heartbeat_workers(broker_t *b)
{
    if (b->now_ms < b->next_heartbeat_ms) {
        return;
    }
    b->next_heartbeat_ms = b->now_ms + b->cfg.heartbeat_ms;
    broker_worker_t *w = b->pool.seen.snext;
    while (w != &b->pool.seen) {
        broker_worker_t *next = w->snext;
        int rc = broker_send_command(b, w, MDPW_HEARTBEAT);
        if (rc == -EHOSTUNREACH) {
            broker_worker_drop(b, w, DS_EIO, "worker unreachable", false);
        }
        w = next;
    }
}

static void expire_workers(broker_t *b, int64_t grace_ms)
{
    broker_worker_t *w;
    while ((w = broker_pool_expired(&b->pool, b->now_ms - grace_ms)) != NULL) {
        b->st.workers_expired++;
        broker_worker_drop(b, w, DS_ETIMEOUT, "worker missed heartbeats", true);
    }
}

static void overdue_leases(broker_t *b)
{
    broker_lease_t *l;
    while ((l = broker_leases_overdue(&b->leases, b->now_ms)) != NULL) {
        broker_doc_t *d = BROKER_CONTAINER_OF(l, broker_doc_t, lease);
        broker_worker_t *w = (broker_worker_t *)l->holder;
        /* the worker keeps the slot until it replies; its reply will be late */
        broker_slot_t *slot = broker_worker_job_slot(w, d);
        if (slot != NULL) {
            slot->kind = BROKER_JOB_LATE;
            slot->job = NULL;
        }
        broker_docs_lost(b, d, DS_ETIMEOUT, "attempt exceeded --lease-ms");
    }
}

static void overdue_requests(broker_t *b)
{
    broker_request_t *r;
    while ((r = broker_requests_overdue(&b->reqs, b->now_ms)) != NULL) {
        broker_service_t *s = r->service;
        broker_requests_remove(&b->reqs, &s->pending, r);
        broker_request_fail(b, r, DS_ETIMEOUT, "no worker took the request within --request-timeout-ms");
        broker_request_destroy(&r);
        b->st.requests_timeout++;
    }
}

static void sweep_dedup(broker_t *b)
{
    if (b->now_ms < b->next_sweep_ms) {
        return;
    }
    b->next_sweep_ms = b->now_ms + b->cfg.sweep_ms;
    size_t n = 0;
    int rc = broker_journal_expire_done(b->journal, broker_dedup_cutoff_ms(ds_wall_ms(), b->cfg.dedup_days),
                                        SWEEP_MAX, &n);
    if (rc < 0) {
        broker_fatal(b, rc);
    } else if (n == SWEEP_MAX) {
        b->next_sweep_ms = b->now_ms; /* more to forget: continue next turn */
    }
}

/* backlog: messages are still waiting and a worker's heartbeat may be among them, so
 * a worker gets one more interval before it is declared dead */
static void run_timers(broker_t *b, bool backlog)
{
    broker_queue_promote(&b->queue, b->now_ms);
    heartbeat_workers(b);
    expire_workers(b, backlog ? b->cfg.heartbeat_ms : 0);
    overdue_leases(b);
    overdue_requests(b);
    sweep_dedup(b);
}

static int64_t min64(int64_t a, int64_t c)
{
    return a < c ? a : c;
}

static int64_t next_wakeup(const broker_t *b)
{
    int64_t t = b->next_heartbeat_ms;
    t = min64(t, broker_queue_next_due(&b->queue));
    t = min64(t, broker_leases_next_deadline(&b->leases));
    t = min64(t, broker_requests_next_deadline(&b->reqs));
    t = min64(t, b->next_sweep_ms);
    if (b->pool.seen.snext != &b->pool.seen) {
        t = min64(t, b->pool.seen.snext->expiry_ms);
    }
    if (broker_journal_dirty(b->journal)) {
        t = min64(t, b->txn_started_ms + b->cfg.flush_ms);
    }
    if (b->draining) {
        t = min64(t, b->drain_deadline_ms);
    }
    if (b->out.n > 0) {
        t = b->now_ms; /* replies staged after the last commit: send them now */
    }
    return t;
}

/* ---- commit, then send ------------------------------------------------------------ */

/* Commits when a staged reply needs it or the done-markers have waited long enough;
 * then sends the outbox.  Returns 0 or DS_EJOURNAL (then nothing was sent). */
static int settle_batch(broker_t *b)
{
    bool dirty = broker_journal_dirty(b->journal);
    if (dirty && b->txn_started_ms == 0) {
        b->txn_started_ms = b->now_ms;
    }
    bool due = dirty && (b->now_ms - b->txn_started_ms >= b->cfg.flush_ms ||
                         broker_journal_pending_ops(b->journal) >= MAX_PENDING_OPS);
    if (dirty && (b->need_sync || due || b->draining)) {
        int rc = broker_journal_commit(b->journal);
        if (rc != 0) {
            broker_fatal(b, rc);
            return rc;
        }
        b->st.commits++;
        b->txn_started_ms = 0;
        b->durable_seq = b->next_seq;
    }
    b->need_sync = false;
    b->st.undeliverable += broker_outbox_flush(&b->out, b->router);
    return 0;
}

/* ---- drain ---------------------------------------------------------------------------- */

static void begin_drain(broker_t *b)
{
    b->draining = true;
    b->drain_deadline_ms = b->now_ms + b->cfg.drain_timeout_ms;
    ds_log(DS_LOG_NOTICE, "msg=\"draining\" in_flight=%llu queued=%llu timeout_ms=%lld",
           (unsigned long long)b->leases.count, (unsigned long long)b->queue.count,
           (long long)b->cfg.drain_timeout_ms);
    for (broker_service_t *s = b->pool.services; s; s = s->next) {
        broker_request_t *r;
        while ((r = broker_requests_pop(&b->reqs, &s->pending)) != NULL) {
            broker_request_fail(b, r, DS_EDRAINING, "broker is shutting down");
            broker_request_destroy(&r);
        }
    }
}

static bool drained(const broker_t *b)
{
    if (b->now_ms >= b->drain_deadline_ms) {
        return true;
    }
    for (const broker_worker_t *w = b->pool.seen.snext; w != &b->pool.seen; w = w->snext) {
        if (broker_worker_busy(w)) {
            return false;
        }
    }
    return true;
}

/* Leaves every worker and every unfinished document as the next start expects. */
static int finish_drain(broker_t *b)
{
    int rc = broker_journal_commit(b->journal);
    if (rc != 0) {
        broker_fatal(b, rc);
        return rc;
    }
    b->st.undeliverable += broker_outbox_flush(&b->out, b->router);
    for (broker_worker_t *w = b->pool.seen.snext; w != &b->pool.seen; w = w->snext) {
        (void)broker_send_command(b, w, MDPW_DISCONNECT);
    }
    ds_log(DS_LOG_NOTICE, "msg=\"drained\" unfinished=%llu in_flight_requeued=%llu",
           (unsigned long long)b->queue.count, (unsigned long long)b->leases.count);
    return 0;
}

int broker_run(broker_t *b, const broker_signals_t *sig)
{
    for (;;) {
        b->now_ms = ds_now_ms();
        if (*sig->term && !b->draining) {
            begin_drain(b);
        }
        if (*sig->hup) {
            *sig->hup = 0;
            if (sig->on_hup) {
                sig->on_hup();
            }
        }
        int64_t wait = next_wakeup(b) - b->now_ms;
        wait = wait < 0 ? 0 : wait > b->cfg.heartbeat_ms ? b->cfg.heartbeat_ms : wait;
        zmq_pollitem_t item = {b->router, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)wait) < 0 && errno != EINTR) {
            ds_log(DS_LOG_WARNING, "msg=\"poll failed\" error=\"%s\"", zmq_strerror(errno));
        }
        b->now_ms = ds_now_ms();
        if (*sig->term && !b->draining) {
            begin_drain(b); /* before this turn's messages: none is accepted after SIGTERM */
        }
        bool backlog = take_batch(b);
        run_timers(b, backlog);
        broker_dispatch(b, true);
        if (b->fatal || settle_batch(b) != 0) {
            return DS_EJOURNAL;
        }
        broker_dispatch(b, false);
        if (b->fatal) {
            return DS_EJOURNAL;
        }
        if (b->draining && drained(b)) {
            return finish_drain(b);
        }
    }
}
