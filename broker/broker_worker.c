/* broker_worker.c: see broker_worker.h. */
#include "broker_worker.h"

#include "broker_dispatch.h"
#include "broker_docs.h"
#include "broker_reply.h"
#include "ds_log.h"
#include "ds_mdp.h"

#include <string.h>

/* Frames: 0 identity, 1 "", 2 "MDPW01", 3 command, 4... */
typedef void (*cmd_fn)(broker_t *b, broker_worker_t *w, broker_frames_t *m);

bool broker_service_internal(const char *name, size_t len)
{
    static const char *const internal[] = {DS_SVC_SUBMIT, DS_SVC_STATUS, DS_SVC_STATS, DS_SVC_DLQ};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++) {
        if (len == strlen(internal[i]) && memcmp(name, internal[i], len) == 0) {
            return true;
        }
    }
    return len >= 4 && memcmp(name, "mmi.", 4) == 0;
}

static void on_ready(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    (void)w;
    const char *name = (const char *)broker_frame_data(m, 4);
    size_t len = broker_frame_size(m, 4);
    const uint8_t *id = broker_frame_data(m, 0);
    size_t idlen = broker_frame_size(m, 0);
    broker_worker_t *nw = NULL;
    if (broker_service_internal(name, len) || memchr(name, '\0', len) ||
        broker_pool_ready(&b->pool, id, idlen, name, len, b->now_ms, &nw) != 0) {
        ds_log(DS_LOG_NOTICE, "msg=\"READY refused\" service=\"%.*s\"", (int)(len > 64 ? 64 : len), name);
        uint8_t cmd = MDPW_DISCONNECT;
        broker_part_t parts[] = {{id, idlen}, {"", 0}, {MDPW_WORKER, strlen(MDPW_WORKER)}, {&cmd, 1}};
        (void)broker_send(b->router, parts, 4, NULL);
        return;
    }
    ds_log(DS_LOG_INFO, "msg=\"worker ready\" service=%s workers=%zu", nw->service->name,
           nw->service->nworkers);
}

/* The reply of a synchronous request goes back to its client as is. */
static void reply_request(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    broker_request_t *r = w->job;
    if (broker_frame_size(m, 4) != r->clen || memcmp(broker_frame_data(m, 4), r->client, r->clen) != 0) {
        b->st.late_replies++;
        return;
    }
    broker_service_t *s = w->service;
    broker_creq_t req = {.client = r->client, .clen = r->clen, .service = s->name, .svclen = s->namelen};
    broker_reply_raw(b, &req, broker_frame_data(m, 6), broker_frame_size(m, 6));
    broker_request_destroy(&r);
    w->job_kind = BROKER_JOB_NONE;
    w->job = NULL;
    b->st.requests_done++;
    broker_pool_idle(&b->pool, w);
}

static void on_reply(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    if (broker_frame_size(m, 5) != 0) {
        broker_worker_drop(b, w, DS_EFRAME, "malformed REPLY", true);
        return;
    }
    if (w->job_kind == BROKER_JOB_REQ) {
        reply_request(b, w, m);
        return;
    }
    if (w->job_kind == BROKER_JOB_DOC) {
        broker_doc_t *d = w->job;
        uint8_t addr[BROKER_LEASE_ADDR_LEN];
        broker_lease_addr(d->lease.token, addr);
        if (broker_frame_size(m, 4) == sizeof addr &&
            memcmp(broker_frame_data(m, 4), addr, sizeof addr) == 0 &&
            broker_lease_current(&d->lease, d->lease.token, w)) {
            w->job_kind = BROKER_JOB_NONE;
            w->job = NULL;
            broker_docs_settle(b, d, broker_frame_data(m, 6), broker_frame_size(m, 6));
            broker_pool_idle(&b->pool, w);
            return;
        }
        b->st.late_replies++;
        return;
    }
    /* no job: the reply of a lease already taken back (overran --lease-ms) */
    b->st.late_replies++;
    if (w->iprev == NULL) {
        broker_pool_idle(&b->pool, w);
    }
}

/* Liveness was refreshed for every message.  The broker also answers, at most once per
 * ECHO_MS: a worker configured with a shorter interval than the broker's then still
 * hears from the broker often enough, instead of reconnecting again and again and
 * losing its documents.  The limit bounds the traffic with a worker that echoes too. */
#define ECHO_MS 100

static void on_heartbeat(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    (void)m;
    if (b->now_ms - w->sent_ms >= ECHO_MS) {
        (void)broker_send_command(b, w, MDPW_HEARTBEAT);
    }
}

static void on_disconnect(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    (void)m;
    broker_worker_drop(b, w, DS_EIO, "worker disconnected", false);
}

static const struct {
    int frames;      /* exact frame count */
    bool registered; /* sender must have said READY */
    cmd_fn fn;
} commands[MDPW_NCOMMANDS] = {
    [MDPW_READY] = {5, false, on_ready},
    [MDPW_REPLY] = {7, true, on_reply},
    [MDPW_HEARTBEAT] = {4, true, on_heartbeat},
    [MDPW_DISCONNECT] = {4, true, on_disconnect},
};

static void protocol_error(broker_t *b, broker_worker_t *w, broker_frames_t *m, const char *why)
{
    b->st.malformed++;
    ds_log(DS_LOG_INFO, "msg=\"worker protocol error, sending DISCONNECT\" reason=\"%s\"", why);
    if (w) {
        broker_worker_drop(b, w, DS_EFRAME, why, true);
        return;
    }
    uint8_t cmd = MDPW_DISCONNECT;
    broker_part_t parts[] = {{broker_frame_data(m, 0), broker_frame_size(m, 0)},
                             {"", 0},
                             {MDPW_WORKER, strlen(MDPW_WORKER)},
                             {&cmd, 1}};
    (void)broker_send(b->router, parts, 4, NULL);
}

void broker_worker_message(broker_t *b, broker_frames_t *m)
{
    broker_worker_t *w = broker_pool_worker(&b->pool, broker_frame_data(m, 0), broker_frame_size(m, 0));
    if (w) {
        broker_pool_seen(&b->pool, w, b->now_ms);
    }
    int cmd = (m->n >= 4 && broker_frame_size(m, 3) == 1) ? broker_frame_data(m, 3)[0] : 0;
    if (cmd <= 0 || cmd >= MDPW_NCOMMANDS || commands[cmd].fn == NULL) {
        protocol_error(b, w, m, "unknown or unexpected worker command");
        return;
    }
    if (m->total != commands[cmd].frames) {
        protocol_error(b, w, m, "wrong frame count for the command");
        return;
    }
    if (commands[cmd].registered && w == NULL) {
        /* RFC 7: a command from a worker the broker does not know gets DISCONNECT;
         * a REPLY here is late (the broker already gave up on that worker) */
        if (cmd == MDPW_REPLY) {
            b->st.late_replies++;
        } else if (cmd == MDPW_DISCONNECT) {
            return;
        }
        protocol_error(b, NULL, m, "command from a worker that is not registered");
        return;
    }
    if (!commands[cmd].registered && w != NULL) {
        protocol_error(b, w, m, "READY from a worker already registered");
        return;
    }
    commands[cmd].fn(b, w, m);
}
