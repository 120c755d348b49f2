/* ds_client_pipe.c: libdossier's windowed asynchronous client (ds_pipeline_t in
 * dossier.h).
 *
 * Model: one DEALER socket with ZMQ_IMMEDIATE (nothing queues for a broker that is
 * not connected, so a restart does not replay a backlog of stale copies) and a fixed
 * table of `window` slots.  Each slot holds one request's bytes and a due time:
 *   - sent:     due is when we stop waiting for the reply and resend the same bytes;
 *   - not sent: due is when to (re)try sending (after `busy`, or after the socket had
 *               no connected peer).
 * Replies are matched to slots by (service, id); a reply that matches nothing is an
 * answer to an earlier copy and is counted as stale.  A finished slot moves to the
 * done queue, which ds_pipeline_next() hands out in order.  Everything is driven from
 * ds_pipeline_next(); the other calls never block.
 */
#include "dossier.h"

#include "ds_buf.h"
#include "ds_client_body.h"
#include "ds_clock.h"
#include "ds_err.h"
#include "ds_mdp.h"
#include "ds_mem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define RETRY_SEND_MS 100   /* wait before retrying a send that found no connected broker */
#define BUSY_DEFAULT_MS 100 /* busy without retry_after_ms */

typedef struct {
    bool used;
    bool sent;
    char service[24];
    char id[DOSSIER_ID_MAX + 1];
    void *tag;
    uint8_t *body;
    size_t len;
    int64_t first_ms;
    int64_t due_ms;
    int resends;
    int busy;
} slot_t;

typedef struct {
    slot_t slot; /* body freed; service, id, tag and counters kept */
    int rc;
    uint8_t *reply; /* owned */
    size_t reply_len;
} done_t;

struct ds_pipeline {
    void *ctx;
    void *sock;
    char *endpoint;
    slot_t *slots;
    size_t window;
    size_t pending;
    int timeout_ms;
    int64_t deadline_ms;
    done_t *done; /* FIFO ring of finished requests, capacity window */
    size_t done_head, done_count;
    done_t last; /* handed out by the last ds_pipeline_next; freed at the next */
    ds_pipeline_counters_t counters;
};

ds_pipeline_t *ds_pipeline_new(const char *endpoint, int window, char *errstr, size_t errlen)
{
    if (window < 1 || window > 65536) {
        snprintf(errstr, errlen, "window must be 1 to 65536, not %d", window);
        return NULL;
    }
    ds_pipeline_t *p = ds_xcalloc(1, sizeof *p);
    p->window = (size_t)window;
    p->slots = ds_xcalloc(p->window, sizeof *p->slots);
    p->done = ds_xcalloc(p->window, sizeof *p->done);
    p->timeout_ms = 5000;
    p->endpoint = ds_xstrdup(endpoint ? endpoint : "");
    p->ctx = zmq_ctx_new();
    if (p->ctx == NULL) {
        snprintf(errstr, errlen, "cannot create a ZeroMQ context: %s", zmq_strerror(errno));
        goto fail;
    }
    p->sock = ds_client_socket(p->ctx, p->endpoint, true, errstr, errlen);
    if (p->sock == NULL) {
        goto fail;
    }
    return p;
fail:
    ds_pipeline_destroy(&p);
    return NULL;
}

void ds_pipeline_destroy(ds_pipeline_t **self_p)
{
    ds_pipeline_t *p = *self_p;
    if (p == NULL) {
        return;
    }
    for (size_t i = 0; i < p->window; i++) {
        free(p->slots[i].body);
        free(p->done[i].reply);
    }
    free(p->last.reply);
    free(p->slots);
    free(p->done);
    if (p->sock) {
        zmq_close(p->sock);
    }
    if (p->ctx) {
        zmq_ctx_term(p->ctx);
    }
    free(p->endpoint);
    free(p);
    *self_p = NULL;
}

void ds_pipeline_set_timeout(ds_pipeline_t *self, int timeout_ms)
{
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
}
void ds_pipeline_set_deadline(ds_pipeline_t *self, int64_t deadline_ms)
{
    self->deadline_ms = deadline_ms;
}
size_t ds_pipeline_pending(const ds_pipeline_t *self)
{
    return self->pending + self->done_count;
}
void ds_pipeline_counters(const ds_pipeline_t *self, ds_pipeline_counters_t *out)
{
    *out = self->counters;
}

const char *ds_pipeline_pending_id(const ds_pipeline_t *self, size_t i, void **tag)
{
    const slot_t *found = NULL;
    for (size_t k = 0; k < self->window && found == NULL; k++) {
        if (self->slots[k].used && i-- == 0) {
            found = &self->slots[k];
        }
    }
    if (found == NULL && i < self->done_count) {
        found = &self->done[(self->done_head + i) % self->window].slot;
    }
    if (found && tag) {
        *tag = found->tag;
    }
    return found ? found->id : NULL;
}

static slot_t *find(ds_pipeline_t *p, const char *service, const char *id)
{
    for (size_t k = 0; k < p->window; k++) {
        slot_t *s = &p->slots[k];
        if (s->used && strcmp(s->id, id) == 0 && strcmp(s->service, service) == 0) {
            return s;
        }
    }
    return NULL;
}

/* Tries to send s now; schedules the next step either way. */
static int transmit(ds_pipeline_t *p, slot_t *s, int64_t now)
{
    int rc = ds_client_send(p->sock, s->service, s->body, s->len);
    if (rc == 0) {
        s->sent = true;
        s->due_ms = now + p->timeout_ms;
    } else {
        s->sent = false;
        s->due_ms = now + RETRY_SEND_MS;
    }
    return rc == DS_EIO ? rc : 0;
}

/* Takes ownership of body; slot must be free. */
static int enqueue(ds_pipeline_t *p, const char *service, const char *id, void *tag, ds_buf_t *body)
{
    slot_t *s = NULL;
    for (size_t k = 0; k < p->window && s == NULL; k++) {
        s = p->slots[k].used ? NULL : &p->slots[k];
    }
    if (s == NULL) {
        return DS_EBUSY; /* callers check has_room() first */
    }
    memset(s, 0, sizeof *s);
    s->used = true;
    snprintf(s->service, sizeof s->service, "%s", service);
    snprintf(s->id, sizeof s->id, "%s", id);
    s->tag = tag;
    s->body = (uint8_t *)ds_buf_detach(body, &s->len);
    s->first_ms = ds_now_ms();
    p->pending++;
    p->counters.sent++;
    return transmit(p, s, s->first_ms);
}

static bool has_room(ds_pipeline_t *p, const char *service, const char *id)
{
    return p->pending + p->done_count < p->window && find(p, service, id) == NULL;
}

int ds_pipeline_submit(ds_pipeline_t *self, const ds_document_t *doc, void *tag, char *id_out, char *errstr,
                       size_t errlen)
{
    ds_buf_t body = DS_BUF_INIT;
    char id[DOSSIER_ID_MAX + 1];
    int rc = ds_client_encode_doc(doc, &body, id, errstr, errlen);
    if (rc == 0 && id_out) {
        memcpy(id_out, id, strlen(id) + 1);
    }
    if (rc == 0 && !has_room(self, DS_SVC_SUBMIT, id)) {
        snprintf(errstr, errlen, "window full or id %s in flight", id);
        rc = DS_EBUSY;
    }
    if (rc == 0) {
        rc = enqueue(self, DS_SVC_SUBMIT, id, tag, &body);
    }
    ds_buf_free(&body);
    return rc;
}

int ds_pipeline_status(ds_pipeline_t *self, const char *id, void *tag, char *errstr, size_t errlen)
{
    ds_buf_t body = DS_BUF_INIT;
    int rc = ds_client_encode_id(id, &body, errstr, errlen);
    if (rc == 0 && !has_room(self, DS_SVC_STATUS, id)) {
        snprintf(errstr, errlen, "window full or id %s in flight", id);
        rc = DS_EBUSY;
    }
    if (rc == 0) {
        rc = enqueue(self, DS_SVC_STATUS, id, tag, &body);
    }
    ds_buf_free(&body);
    return rc;
}

/* Moves slot s to the done queue with rc and the reply (ownership taken). */
static void finish(ds_pipeline_t *p, slot_t *s, int rc, uint8_t *reply, size_t len)
{
    done_t *d = &p->done[(p->done_head + p->done_count) % p->window];
    p->done_count++;
    d->slot = *s;
    free(d->slot.body);
    d->slot.body = NULL;
    d->rc = rc;
    d->reply = reply;
    d->reply_len = len;
    memset(s, 0, sizeof *s);
    p->pending--;
}

/* Handles one reply.  Takes ownership of body. */
static void on_reply(ds_pipeline_t *p, const char *service, uint8_t *body, size_t len, int64_t now)
{
    char status[16], id[DOSSIER_ID_MAX + 1];
    int64_t after = 0;
    slot_t *s = NULL;
    if (ds_client_parse_head(body, len, status, sizeof status, id, sizeof id, &after) == 0) {
        s = find(p, service, id);
    }
    if (s == NULL) {
        p->counters.stale++;
        free(body);
        return;
    }
    p->counters.replies++;
    if (strcmp(status, "busy") == 0) {
        p->counters.busy++;
        s->busy++;
        s->sent = false;
        s->due_ms = now + (after > 0 ? after : BUSY_DEFAULT_MS);
        free(body);
        return;
    }
    finish(p, s, 0, body, len);
}

/* Resends what timed out, sends what is due, gives up past the deadline. */
static int run_timers(ds_pipeline_t *p, int64_t now)
{
    for (size_t k = 0; k < p->window; k++) {
        slot_t *s = &p->slots[k];
        if (!s->used || s->due_ms > now) {
            continue;
        }
        if (p->deadline_ms > 0 && now - s->first_ms >= p->deadline_ms) {
            finish(p, s, DS_ETIMEOUT, NULL, 0);
            continue;
        }
        if (s->sent) {
            s->resends++;
            p->counters.resends++;
        }
        if (transmit(p, s, now) != 0) {
            return DS_EIO;
        }
    }
    return 0;
}

static int64_t next_due(const ds_pipeline_t *p, int64_t limit)
{
    for (size_t k = 0; k < p->window; k++) {
        if (p->slots[k].used && p->slots[k].due_ms < limit) {
            limit = p->slots[k].due_ms;
        }
    }
    return limit;
}

static int drain(ds_pipeline_t *p)
{
    for (;;) {
        char service[64];
        uint8_t *body = NULL;
        size_t len = 0;
        int rc = ds_client_recv(p->sock, service, sizeof service, &body, &len);
        if (rc == 1) {
            on_reply(p, service, body, len, ds_now_ms());
        } else if (rc == DS_EFRAME) {
            p->counters.stale++;
        } else {
            return rc; /* 0: nothing more waiting */
        }
    }
}

static void hand_out(ds_pipeline_t *p, ds_pipeline_done_t *out)
{
    free(p->last.reply);
    p->last = p->done[p->done_head];
    memset(&p->done[p->done_head], 0, sizeof p->done[p->done_head]);
    p->done_head = (p->done_head + 1) % p->window;
    p->done_count--;
    done_t *d = &p->last;
    memset(out, 0, sizeof *out);
    out->service = d->slot.service;
    out->id = d->slot.id;
    out->tag = d->slot.tag;
    out->rc = d->rc;
    out->body = d->reply;
    out->body_len = d->reply_len;
    out->resends = d->slot.resends;
    out->busy_retries = d->slot.busy;
    char why[256];
    if (d->rc == 0 && strcmp(d->slot.service, DS_SVC_SUBMIT) == 0 &&
        ds_client_parse_submit(d->reply, d->reply_len, &out->submit, why, sizeof why) != 0) {
        out->rc = DS_EMSGPACK;
    }
    if (d->rc == 0 && strcmp(d->slot.service, DS_SVC_STATUS) == 0 &&
        ds_client_parse_status(d->reply, d->reply_len, &out->status, why, sizeof why) != 0) {
        out->rc = DS_EMSGPACK;
    }
}

int ds_pipeline_next(ds_pipeline_t *self, int timeout_ms, ds_pipeline_done_t *out)
{
    int64_t end = ds_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        int64_t now = ds_now_ms();
        int rc = run_timers(self, now);
        if (rc == 0) {
            rc = drain(self);
        }
        if (rc < 0) {
            return rc;
        }
        if (self->done_count > 0) {
            hand_out(self, out);
            return 1;
        }
        now = ds_now_ms();
        if (now >= end) {
            return 0;
        }
        zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
        int64_t wake = next_due(self, end);
        int n = zmq_poll(&item, 1, (long)(wake > now ? wake - now : 0));
        if (n < 0) {
            return errno == EINTR ? 0 : DS_EIO;
        }
    }
}
