/* broker_worker.c: see broker_worker.h. */
#include "broker_worker.h"

#include "broker_dispatch.h"
#include "broker_docs.h"
#include "broker_reply.h"
#include "ds_log.h"
#include "ds_mdp.h"
#include "ds_msg.h"

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

/* The optional sixth READY frame (a Dossier extension, SPEC 7.9.1): a msgpack map
 * {"credit": K}, K in 1..BROKER_MAX_CREDIT; other keys are ignored.  Returns K, 1
 * without the frame, or 0 when the frame is malformed. */
static int ready_credit(broker_frames_t *m)
{
    if (m->total < 6) {
        return 1;
    }
    ds_body_t body;
    char err[128];
    if (ds_body_parse(&body, broker_frame_data(m, 5), broker_frame_size(m, 5), err, sizeof err) != 0) {
        return 0;
    }
    int64_t credit = 1;
    int rc = ds_body_int(&body, "credit", &credit, err, sizeof err);
    ds_body_free(&body);
    if (rc < 0 || credit < 1 || credit > BROKER_MAX_CREDIT) {
        return 0;
    }
    return (int)credit;
}

static void on_ready(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    (void)w;
    const char *name = (const char *)broker_frame_data(m, 4);
    size_t len = broker_frame_size(m, 4);
    const uint8_t *id = broker_frame_data(m, 0);
    size_t idlen = broker_frame_size(m, 0);
    broker_worker_t *nw = NULL;
    int credit = ready_credit(m);
    if (credit == 0) {
        b->st.malformed++;
    }
    if (credit == 0 || broker_service_internal(name, len) || memchr(name, '\0', len) ||
        broker_pool_ready(&b->pool, id, idlen, name, len, credit, b->now_ms, &nw) != 0) {
        ds_log(DS_LOG_NOTICE, "msg=\"READY refused\" service=\"%.*s\"", (int)(len > 64 ? 64 : len), name);
        uint8_t cmd = MDPW_DISCONNECT;
        broker_part_t parts[] = {{id, idlen}, {"", 0}, {MDPW_WORKER, strlen(MDPW_WORKER)}, {&cmd, 1}};
        (void)broker_send(b->router, parts, 4, NULL);
        return;
    }
    ds_log(DS_LOG_INFO, "msg=\"worker ready\" service=%s workers=%zu credit=%d", nw->service->name,
           nw->service->nworkers, credit);
}

/* The slot of the synchronous request whose client address is frame 4, or NULL. */
static broker_slot_t *request_slot(broker_worker_t *w, broker_frames_t *m)
{
    const uint8_t *addr = broker_frame_data(m, 4);
    size_t alen = broker_frame_size(m, 4);
    for (uint16_t i = 0; i < w->credit; i++) {
        broker_slot_t *s = &w->slots[i];
        if (s->kind == BROKER_JOB_REQ) {
            const broker_request_t *r = s->job;
            if (alen == r->clen && memcmp(addr, r->client, alen) == 0) {
                return s;
            }
        }
    }
    return NULL;
}

/* The reply of a synchronous request goes back to its client as is. */
static void reply_request(broker_t *b, broker_worker_t *w, broker_slot_t *slot, broker_frames_t *m)
{
    broker_request_t *r = slot->job;
    broker_service_t *s = w->service;
    broker_creq_t req = {.client = r->client, .clen = r->clen, .service = s->name, .svclen = s->namelen};
    broker_reply_raw(b, &req, broker_frame_data(m, 6), broker_frame_size(m, 6));
    broker_request_destroy(&r);
    b->st.requests_done++;
    broker_pool_settle(&b->pool, w, slot);
}

/* The lease token of a lease address in frame 4, or 0 when it is not one. */
static uint64_t reply_token(broker_frames_t *m)
{
    const uint8_t *a = broker_frame_data(m, 4);
    if (broker_frame_size(m, 4) != BROKER_LEASE_ADDR_LEN || a[0] != 0 || a[1] != 'L') {
        return 0;
    }
    uint64_t token = 0;
    for (int i = 0; i < 8; i++) {
        token = token << 8 | a[2 + i];
    }
    return token;
}

static void on_reply(broker_t *b, broker_worker_t *w, broker_frames_t *m)
{
    if (broker_frame_size(m, 5) != 0) {
        broker_worker_drop(b, w, DS_EFRAME, "malformed REPLY", true);
        return;
    }
    uint64_t token = reply_token(m);
    broker_slot_t *slot = token ? broker_worker_doc_slot(w, token) : request_slot(w, m);
    if (slot == NULL) {
        b->st.late_replies++; /* for nothing this worker holds */
        return;
    }
    if (slot->kind == BROKER_JOB_REQ) {
        reply_request(b, w, slot, m);
        return;
    }
    if (slot->kind == BROKER_JOB_DOC) {
        broker_doc_t *d = slot->job;
        if (broker_lease_current(&d->lease, token, w)) {
            broker_pool_settle(&b->pool, w, slot);
            broker_docs_settle(b, d, broker_frame_data(m, 6), broker_frame_size(m, 6));
            return;
        }
    }
    /* the reply of a lease already taken back (overran --lease-ms): the slot is free */
    b->st.late_replies++;
    broker_pool_settle(&b->pool, w, slot);
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
    int frames, max_frames; /* frame count allowed */
    bool registered;        /* sender must have said READY */
    cmd_fn fn;
} commands[MDPW_NCOMMANDS] = {
    [MDPW_READY] = {5, 6, false, on_ready}, /* 6: with the credit frame */
    [MDPW_REPLY] = {7, 7, true, on_reply},
    [MDPW_HEARTBEAT] = {4, 4, true, on_heartbeat},
    [MDPW_DISCONNECT] = {4, 4, true, on_disconnect},
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
    if (m->total < commands[cmd].frames || m->total > commands[cmd].max_frames) {
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
