/* broker.c: creating and destroying the broker (see broker.h): settings checked,
 * journal opened and replayed, the ROUTER socket configured and bound, the bound
 * endpoint written for scripts and tests.
 * Called by main.c (and by tests that run a broker in-process).
 */
#include "broker.h"

#include "broker_ctx.h"
#include "broker_dispatch.h"
#include "broker_docs.h"
#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mem.h"
#include "ds_msg.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* Room for a document's other fields and the MDP frames around its text. */
#define FRAME_OVERHEAD (DS_MAX_META_BYTES + 64 * 1024)

static int check_config(const broker_config_t *c, char *errstr, size_t errlen)
{
    const struct {
        const char *name;
        int64_t v, lo, hi;
    } r[] = {
        {"max-doc-bytes", c->max_doc_bytes, 1, 256LL << 20},
        {"max-queue", c->max_queue, 1, INT64_MAX},
        {"max-queue-bytes", c->max_queue_bytes, 1, INT64_MAX},
        {"max-attempts", c->max_attempts, 1, 1000},
        {"dedup-days", c->dedup_days, 0, 36500},
        {"heartbeat-ms", c->heartbeat_ms, 10, 3600000},
        {"liveness", c->liveness, 1, 100},
        {"request-timeout-ms", c->request_timeout_ms, 1, INT64_MAX / 4},
        {"max-requests", c->max_requests, 1, INT64_MAX},
        {"max-request-bytes", c->max_request_bytes, 1, INT64_MAX},
        {"retry-base-ms", c->retry_base_ms, 0, 86400000},
        {"retry-max-ms", c->retry_max_ms, 0, 86400000},
        {"lease-ms", c->lease_ms, 0, INT64_MAX / 4},
        {"busy-retry-ms", c->busy_retry_ms, 0, 3600000},
        {"batch", c->batch, 1, 100000},
        {"journal-max-bytes", c->journal_max_bytes, 1 << 20, INT64_MAX},
        {"drain-timeout-ms", c->drain_timeout_ms, 0, 86400000},
        {"flush-ms", c->flush_ms, 1, 60000},
        {"zmtp-heartbeat-ms", c->zmtp_heartbeat_ms, 0, 3600000},
        {"dedup-sweep-ms", c->sweep_ms, 10, 86400000},
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        if (r[i].v < r[i].lo || r[i].v > r[i].hi) {
            snprintf(errstr, errlen, "--%s must be between %lld and %lld, got %lld", r[i].name,
                     (long long)r[i].lo, (long long)r[i].hi, (long long)r[i].v);
            return DS_ECONFIG;
        }
    }
    if (c->journal == NULL || c->journal[0] == '\0') {
        snprintf(errstr, errlen, "--journal DIR is required");
        return DS_ECONFIG;
    }
    return 0;
}

static int write_endpoint_file(const char *path, const char *endpoint, char *errstr, size_t errlen)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL || fprintf(f, "%s\n", endpoint) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        snprintf(errstr, errlen, "cannot write endpoint file %s: %s", path, strerror(errno));
        return DS_ECONFIG;
    }
    return 0;
}

static int open_socket(broker_t *b, char *errstr, size_t errlen)
{
    /* ZeroMQ's I/O thread starts with the first socket: keep signals away from it so
     * they reach the loop's thread and interrupt its poll */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    b->zctx = zmq_ctx_new();
    b->router = b->zctx ? zmq_socket(b->zctx, ZMQ_ROUTER) : NULL;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (b->router == NULL) {
        snprintf(errstr, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(errno));
        return DS_EIO;
    }
    int one = 1, sndhwm = 100000, linger = 1000;
    int64_t maxmsg = b->cfg.max_doc_bytes + FRAME_OVERHEAD;
    zmq_setsockopt(b->router, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(b->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    zmq_setsockopt(b->router, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
    zmq_setsockopt(b->router, ZMQ_LINGER, &linger, sizeof linger);
    if (b->cfg.zmtp_heartbeat_ms > 0) {
        int ivl = (int)b->cfg.zmtp_heartbeat_ms, timeout = (int)(b->cfg.zmtp_heartbeat_ms * 3);
        zmq_setsockopt(b->router, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
        zmq_setsockopt(b->router, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout);
    }
    if (zmq_bind(b->router, b->cfg.bind) != 0) {
        snprintf(errstr, errlen, "cannot bind %s: %s", b->cfg.bind, zmq_strerror(errno));
        return DS_ECONFIG;
    }
    size_t len = sizeof b->endpoint;
    if (zmq_getsockopt(b->router, ZMQ_LAST_ENDPOINT, b->endpoint, &len) != 0) {
        snprintf(b->endpoint, sizeof b->endpoint, "%s", b->cfg.bind);
    }
    if (b->cfg.endpoint_file && b->cfg.endpoint_file[0]) {
        return write_endpoint_file(b->cfg.endpoint_file, b->endpoint, errstr, errlen);
    }
    return 0;
}

static void init_state(broker_t *b)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        seed = (uint64_t)ds_now_us() ^ (uint64_t)getpid() << 32;
    }
    b->rng = seed | 1;
    broker_pool_init(&b->pool, b->cfg.heartbeat_ms * b->cfg.liveness, broker_rand(b));
    broker_requests_init(&b->reqs, (size_t)b->cfg.max_requests, (uint64_t)b->cfg.max_request_bytes);
    broker_hash_init(&b->docs, broker_rand(b));
    broker_queue_init(&b->queue, (uint64_t)b->cfg.max_queue, (uint64_t)b->cfg.max_queue_bytes);
    /* tokens start from the clock so a new process never reuses an old one's */
    broker_leases_init(&b->leases, b->cfg.lease_ms, (uint64_t)ds_wall_ms() << 16);
    b->retry =
        (broker_retry_policy_t){(uint32_t)b->cfg.max_attempts, b->cfg.retry_base_ms, b->cfg.retry_max_ms};
    broker_ids_init(&b->ids);
    broker_outbox_init(&b->out);
    ds_buf_init(&b->scratch);
    b->next_seq = 1;
    b->now_ms = b->started_ms = ds_now_ms();
    b->next_heartbeat_ms = b->now_ms + b->cfg.heartbeat_ms;
    b->next_sweep_ms = b->now_ms;
}

int broker_new(broker_t **out, const broker_config_t *cfg, char *errstr, size_t errlen)
{
    *out = NULL;
    int rc = check_config(cfg, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    broker_t *b = ds_xcalloc(1, sizeof *b);
    b->cfg = *cfg;
    init_state(b);
    if ((rc = broker_journal_open(&b->journal, cfg->journal, cfg->journal_max_bytes, errstr, errlen)) != 0) {
        goto fail;
    }
    if ((rc = broker_docs_replay(b)) != 0) {
        snprintf(errstr, errlen, "journal %s: replay failed: %s", cfg->journal,
                 broker_journal_strerror(b->journal));
        goto fail;
    }
    b->durable_seq = b->next_seq;
    if ((rc = open_socket(b, errstr, errlen)) != 0) {
        goto fail;
    }
    *out = b;
    return 0;
fail:
    broker_destroy(&b);
    return rc;
}

const char *broker_endpoint(const broker_t *b)
{
    return b->endpoint;
}

static void drop_jobs(broker_t *b)
{
    /* jobs of workers still connected: requests are abandoned, documents stay journaled */
    for (broker_worker_t *w = b->pool.seen.snext; w != &b->pool.seen; w = w->snext) {
        for (uint16_t i = 0; i < w->credit; i++) {
            broker_slot_t *slot = &w->slots[i];
            if (slot->kind == BROKER_JOB_REQ) {
                broker_request_t *r = slot->job;
                broker_request_destroy(&r);
            }
            slot->kind = BROKER_JOB_NONE;
            slot->job = NULL;
        }
        w->nheld = 0;
    }
    broker_request_t *r;
    for (broker_service_t *s = b->pool.services; s; s = s->next) {
        while ((r = broker_requests_pop(&b->reqs, &s->pending)) != NULL) {
            broker_request_destroy(&r);
        }
    }
}

void broker_destroy(broker_t **self_p)
{
    broker_t *b = *self_p;
    if (b == NULL) {
        return;
    }
    if (b->router) {
        zmq_close(b->router);
    }
    if (b->zctx) {
        zmq_ctx_term(b->zctx);
    }
    drop_jobs(b);
    broker_pool_free(&b->pool);
    broker_docs_free(b);
    broker_hash_free(&b->docs);
    broker_queue_free(&b->queue);
    broker_journal_close(&b->journal);
    broker_outbox_free(&b->out);
    ds_buf_free(&b->scratch);
    free(b);
    *self_p = NULL;
}
