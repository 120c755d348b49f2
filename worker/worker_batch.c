/* worker_batch.c: one MDP worker with credit K in one child, its stores pipelined;
 * see worker_batch.h.
 *
 * Invariant: a slot is `held` from the moment its request is taken until its REPLY
 * is sent (or the child gives it back by exiting); the broker sends at most K
 * requests at a time (worker_mdp drops any beyond that).  Each slot has its own
 * worker_job_t, so the K reply bodies and script arguments of a batch live side by
 * side in buffers that are reused from batch to batch.
 */
#include "worker_batch.h"

#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mem.h"
#include "worker_cpu.h"

#include <stdlib.h>

typedef struct {
    worker_job_t *job;
    zframe_t *client; /* the request's address, for its REPLY */
    bool held;        /* a request taken, not yet answered */
    bool store;       /* its prepared arguments go to Redis */
    size_t ri;        /* its index in redis_items */
} slot_t;

typedef struct {
    worker_mdp_t *m;
    slot_t *slots;
    size_t k;
    worker_redis_item_t *items;
    worker_redis_t *redis;
    volatile sig_atomic_t *stop;
    int64_t heartbeat_ms;
    int64_t polled_at; /* last poll_all, monotonic ms */
} batch_t;

/* Polls the socket for up to ms (bounded by the next heartbeat due), then reads what
 * arrived and keeps the heartbeats. */
static void poll_all(batch_t *b, int64_t ms)
{
    zmq_pollitem_t item;
    worker_mdp_pollitem(b->m, &item, ds_now_ms(), &ms);
    int rc = zmq_poll(&item, 1, (long)ms);
    worker_mdp_tick(b->m, rc > 0 && (item.revents & ZMQ_POLLIN));
    b->polled_at = ds_now_ms();
}

/* The Redis wait hook: heartbeats on every socket; false when draining. */
static bool batch_wait(void *arg, int64_t ms)
{
    batch_t *b = arg;
    int64_t until = ds_now_ms() + ms;
    for (;;) {
        if (*b->stop) {
            return false;
        }
        int64_t left = until - ds_now_ms();
        if (left <= 0) {
            return true;
        }
        poll_all(b, left);
    }
}

/* A batch stops taking documents once it has analysed for this long: the first
 * document of a batch waits for the others' analysis before it is stored and
 * answered, so this bounds what batching adds to its latency (the rest wait, already
 * received, for the next batch). */
#define BATCH_MAX_US 5000

/* Takes the requests already received (at most limit, for at most BATCH_MAX_US of
 * analysis) and analyses them. */
static size_t take_all(batch_t *b, size_t limit)
{
    size_t n = 0;
    int64_t t0 = ds_now_us();
    worker_cpu_batch(true);
    for (size_t i = 0; i < b->k && n < limit && ds_now_us() - t0 < BATCH_MAX_US; i++) {
        slot_t *s = &b->slots[i];
        zframe_t *body = NULL;
        if (s->held || worker_mdp_take(b->m, &body, &s->client) != 1) {
            continue;
        }
        s->held = true;
        s->store = worker_job_prepare(s->job, zframe_data(body), zframe_size(body));
        zframe_destroy(&body);
        n++;
        if (ds_now_ms() - b->polled_at >= b->heartbeat_ms / 2) {
            poll_all(b, 0); /* a batch of long documents still heartbeats */
        }
    }
    worker_cpu_batch(false);
    return n;
}

/* Stores the held documents as one pipeline, then replies to each on its own
 * socket.  0, or DS_EDRAINING: nothing was replied, the batch is given back. */
static int store_and_reply(batch_t *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->k; i++) {
        slot_t *s = &b->slots[i];
        if (s->held && s->store) {
            s->ri = n;
            b->items[n++].args = worker_job_args(s->job);
        }
    }
    if (n > 0 && worker_redis_eval_many(b->redis, b->items, n) == DS_EDRAINING) {
        return DS_EDRAINING;
    }
    for (size_t i = 0; i < b->k; i++) {
        slot_t *s = &b->slots[i];
        if (!s->held) {
            continue;
        }
        const worker_redis_item_t *it = s->store ? &b->items[s->ri] : NULL;
        const ds_buf_t *reply = it ? worker_job_finish(s->job, it->rc, &it->out, it->err)
                                   : worker_job_finish(s->job, 0, NULL, NULL);
        if (worker_mdp_reply_to(b->m, &s->client, reply->data, reply->len) != 0) {
            ds_log(DS_LOG_WARNING, "msg=\"could not send a reply\"");
        }
        s->held = false;
    }
    return 0;
}

static int64_t serve(batch_t *b, const worker_opts_t *o)
{
    int64_t handled = 0;
    while (!*b->stop && (o->max_jobs == 0 || handled < o->max_jobs)) {
        int64_t room = o->max_jobs ? o->max_jobs - handled : (int64_t)b->k;
        size_t n = take_all(b, room < (int64_t)b->k ? (size_t)room : b->k);
        if (n == 0) {
            poll_all(b, o->heartbeat_ms);
            continue;
        }
        if (store_and_reply(b) == DS_EDRAINING) {
            ds_log(DS_LOG_NOTICE, "msg=\"draining: giving the batch back\" documents=%zu", n);
            break;
        }
        handled += (int64_t)n;
    }
    return handled;
}

static void close_all(batch_t *b, worker_batch_stats_t *stats)
{
    if (b->m) {
        worker_mdp_stats_t st = worker_mdp_stats(b->m);
        stats->reconnects += st.reconnects;
        stats->malformed += st.malformed;
    }
    worker_mdp_destroy(&b->m); /* DISCONNECT gives back what was not answered */
    for (size_t i = 0; i < b->k; i++) {
        zframe_destroy(&b->slots[i].client);
        worker_job_destroy(&b->slots[i].job);
    }
    free(b->slots);
    free(b->items);
}

int64_t worker_batch_serve(const worker_opts_t *o, const worker_mdp_opts_t *mo, const worker_job_opts_t *jo,
                           engine_t *engine, worker_redis_t *redis, worker_batch_stats_t *stats)
{
    batch_t b = {NULL, NULL, (size_t)o->prefetch, NULL, redis, mo->stop, o->heartbeat_ms, ds_now_ms()};
    b.slots = ds_xcalloc(b.k, sizeof *b.slots);
    b.items = ds_xcalloc(b.k, sizeof *b.items);
    int64_t handled = -1;
    worker_mdp_opts_t mk = *mo;
    mk.credit = (int)b.k;
    char err[256];
    b.m = worker_mdp_new(&mk, err, sizeof err);
    if (b.m == NULL) {
        ds_log(DS_LOG_ERR, "msg=\"%s\"", err);
        goto done;
    }
    for (size_t i = 0; i < b.k; i++) {
        b.slots[i].job = worker_job_new(engine, redis, jo);
    }
    worker_redis_set_wait(redis, batch_wait, &b);
    handled = serve(&b, o);
    worker_redis_set_wait(redis, NULL, NULL);
done:
    close_all(&b, stats);
    return handled;
}
