/* ds_client.c: libdossier's one-request-at-a-time client (dossier.h).
 *
 * Model: the "lazy pirate" of the ZeroMQ guide on a DEALER socket.  A request is
 * sent; if no well-formed reply for the same service arrives within the timeout, the
 * socket is closed (dropping whatever late reply might still come) and the same bytes
 * are sent again on a new one, up to `retries` times.  That is safe because every
 * Dossier request is idempotent (a document's id is its idempotency key).  Replies
 * for another service or another id are stale answers and are skipped.
 */
#include "dossier.h"

#include "ds_buf.h"
#include "ds_clock.h"
#include "ds_client_body.h"
#include "ds_err.h"
#include "ds_mdp.h"
#include "ds_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

struct ds_client {
    void *ctx;
    void *sock;
    char *endpoint;
    int timeout_ms;
    int retries;
};

ds_client_t *ds_client_new(const char *endpoint, char *errstr, size_t errlen)
{
    ds_client_t *c = ds_xcalloc(1, sizeof *c);
    c->ctx = zmq_ctx_new();
    c->endpoint = ds_xstrdup(endpoint ? endpoint : "");
    c->timeout_ms = 5000;
    c->retries = 2;
    if (c->ctx == NULL) {
        snprintf(errstr, errlen, "cannot create a ZeroMQ context: %s", zmq_strerror(errno));
        goto fail;
    }
    c->sock = ds_client_socket(c->ctx, c->endpoint, false, errstr, errlen);
    if (c->sock == NULL) {
        goto fail;
    }
    return c;
fail:
    ds_client_destroy(&c);
    return NULL;
}

void ds_client_destroy(ds_client_t **self_p)
{
    ds_client_t *c = *self_p;
    if (c == NULL) {
        return;
    }
    if (c->sock) {
        zmq_close(c->sock);
    }
    if (c->ctx) {
        zmq_ctx_term(c->ctx);
    }
    free(c->endpoint);
    free(c);
    *self_p = NULL;
}

void ds_client_set_timeout(ds_client_t *self, int timeout_ms)
{
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
}
void ds_client_set_retries(ds_client_t *self, int retries)
{
    self->retries = retries >= 0 ? retries : 0;
}

/* Waits until deadline for a reply to `service` (and `id` when given).  Returns 1
 * with the body, 0 on timeout, or a negative code. */
static int await_reply(ds_client_t *c, const char *service, const char *id, int64_t deadline, uint8_t **reply,
                       size_t *reply_len)
{
    for (;;) {
        int64_t left = deadline - ds_now_ms();
        if (left <= 0) {
            return 0;
        }
        zmq_pollitem_t item = {c->sock, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&item, 1, (long)left);
        if (n < 0 && errno != EINTR) {
            return DS_EIO;
        }
        if (n <= 0) {
            continue;
        }
        char svc[64];
        uint8_t *body = NULL;
        size_t len = 0;
        int rc = ds_client_recv(c->sock, svc, sizeof svc, &body, &len);
        if (rc < 0 && rc != DS_EFRAME) {
            return rc;
        }
        if (rc == 1 && strcmp(svc, service) == 0) {
            char status[16], rid[DOSSIER_ID_MAX + 1];
            int64_t after;
            bool match = id == NULL || (ds_client_parse_head(body, len, status, sizeof status, rid,
                                                             sizeof rid, &after) == 0 &&
                                        (rid[0] == '\0' || strcmp(rid, id) == 0));
            if (match) {
                *reply = body;
                *reply_len = len;
                return 1;
            }
        }
        free(body);
    }
}

static int reconnect(ds_client_t *c, char *errstr, size_t errlen)
{
    zmq_close(c->sock);
    c->sock = ds_client_socket(c->ctx, c->endpoint, false, errstr, errlen);
    return c->sock ? 0 : DS_EIO;
}

/* Sends and waits, resending on a fresh socket after each timeout. */
static int request_id(ds_client_t *c, const char *service, const char *id, const void *body, size_t len,
                      uint8_t **reply, size_t *reply_len, char *errstr, size_t errlen)
{
    for (int attempt = 0; attempt <= c->retries; attempt++) {
        if (attempt > 0 && reconnect(c, errstr, errlen) != 0) {
            return DS_EIO;
        }
        int rc = ds_client_send(c->sock, service, body, len);
        if (rc == DS_EIO) {
            snprintf(errstr, errlen, "cannot send to %s: %s", c->endpoint, zmq_strerror(errno));
            return rc;
        }
        rc = rc == 0 ? await_reply(c, service, id, ds_now_ms() + c->timeout_ms, reply, reply_len) : 0;
        if (rc != 0) {
            if (rc < 0) {
                snprintf(errstr, errlen, "cannot receive from %s: %s", c->endpoint, zmq_strerror(errno));
            }
            return rc < 0 ? rc : 0;
        }
    }
    snprintf(errstr, errlen, "no reply from the broker at %s to %s after %d attempts of %d ms", c->endpoint,
             service, c->retries + 1, c->timeout_ms);
    return DS_ETIMEOUT;
}

int ds_client_request(ds_client_t *self, const char *service, const void *body, size_t len, uint8_t **reply,
                      size_t *reply_len, char *errstr, size_t errlen)
{
    *reply = NULL;
    *reply_len = 0;
    return request_id(self, service, NULL, body, len, reply, reply_len, errstr, errlen);
}

int ds_client_service(ds_client_t *self, const char *service, int *code, char *errstr, size_t errlen)
{
    uint8_t *reply = NULL;
    size_t n = 0;
    *code = 0;
    int rc = request_id(self, DS_SVC_MMI, NULL, service, strlen(service), &reply, &n, errstr, errlen);
    if (rc == 0) {
        char text[8] = {0};
        memcpy(text, reply, n < sizeof text - 1 ? n : sizeof text - 1);
        *code = atoi(text);
        if (*code == 0) {
            snprintf(errstr, errlen, "mmi.service answered '%s', not 200, 404 or 501", text);
            rc = DS_EFRAME;
        }
    }
    free(reply);
    return rc;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int ds_client_submit(ds_client_t *self, const ds_document_t *doc, ds_submit_reply_t *out, char *errstr,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    ds_buf_t body = DS_BUF_INIT;
    char id[DOSSIER_ID_MAX + 1];
    int rc = ds_client_encode_doc(doc, &body, id, errstr, errlen);
    int64_t give_up = ds_now_ms() + (int64_t)self->timeout_ms * (self->retries + 1);
    while (rc == 0) {
        uint8_t *reply = NULL;
        size_t n = 0;
        rc = request_id(self, DS_SVC_SUBMIT, id, body.data, body.len, &reply, &n, errstr, errlen);
        if (rc == 0) {
            rc = ds_client_parse_submit(reply, n, out, errstr, errlen);
        }
        free(reply);
        if (rc != 0 || strcmp(out->status, "busy") != 0) {
            break;
        }
        int64_t wait = out->retry_after_ms > 0 ? out->retry_after_ms : 100;
        if (ds_now_ms() + wait > give_up) {
            snprintf(errstr, errlen, "the broker at %s stayed busy", self->endpoint);
            rc = DS_EBUSY;
            break;
        }
        sleep_ms(wait);
    }
    ds_buf_free(&body);
    return rc;
}

int ds_client_status(ds_client_t *self, const char *id, ds_status_reply_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    ds_buf_t body = DS_BUF_INIT;
    int rc = ds_client_encode_id(id, &body, errstr, errlen);
    uint8_t *reply = NULL;
    size_t n = 0;
    if (rc == 0) {
        rc = request_id(self, DS_SVC_STATUS, id, body.data, body.len, &reply, &n, errstr, errlen);
    }
    if (rc == 0) {
        rc = ds_client_parse_status(reply, n, out, errstr, errlen);
    }
    free(reply);
    ds_buf_free(&body);
    return rc;
}

int ds_client_stats(ds_client_t *self, uint8_t **reply, size_t *reply_len, char *errstr, size_t errlen)
{
    static const uint8_t empty_map = 0x80;
    return ds_client_request(self, DS_SVC_STATS, &empty_map, 1, reply, reply_len, errstr, errlen);
}
