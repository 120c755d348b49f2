/* broker_client.c: see broker_client.h. */
#include "broker_client.h"

#include "broker_dispatch.h"
#include "broker_reply.h"
#include "ds_log.h"
#include "ds_mdp.h"
#include "ds_utf8.h"

#include <stdio.h>
#include <string.h>

typedef void (*service_fn)(broker_t *b, const broker_creq_t *req);

static void mmi_service(broker_t *b, const broker_creq_t *req);

static const struct {
    const char *name;
    service_fn fn;
} services[] = {
    {DS_SVC_SUBMIT, broker_submit_handle},
    {DS_SVC_STATUS, broker_status_handle},
    {DS_SVC_STATS, broker_stats_handle},
    {DS_SVC_DLQ, broker_dlq_handle},
    {DS_SVC_MMI, mmi_service},
};

static service_fn internal_service(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        if (len == strlen(services[i].name) && memcmp(name, services[i].name, len) == 0) {
            return services[i].fn;
        }
    }
    return NULL;
}

/* RFC 8: "200" when the service is available, "404" when not, "501" for mmi.* names
 * the broker does not implement. */
static void mmi_service(broker_t *b, const broker_creq_t *req)
{
    const char *name = (const char *)req->body;
    size_t len = req->blen;
    const char *answer = "404";
    if (internal_service(name, len)) {
        answer = "200";
    } else {
        broker_service_t *s = broker_pool_service(&b->pool, name, len);
        if (s && s->nworkers > 0) {
            answer = "200";
        }
    }
    broker_reply_raw(b, req, answer, 3);
}

static void route_external(broker_t *b, const broker_creq_t *req)
{
    broker_service_t *s = broker_pool_service(&b->pool, req->service, req->svclen);
    if (s == NULL) {
        char msg[320];
        /* the name goes into a msgpack str, which must be UTF-8 */
        if (ds_utf8_validate((const uint8_t *)req->service, req->svclen, NULL) == 0 &&
            !memchr(req->service, '\0', req->svclen)) {
            snprintf(msg, sizeof msg, "no worker has offered service '%.*s'", (int)req->svclen, req->service);
        } else {
            snprintf(msg, sizeof msg, "no worker has offered this service (its name is not UTF-8)");
        }
        broker_reply_error(b, req, "rejected", (ds_str_t){0}, DS_ESERVICE, msg);
        b->st.rejected++;
        return;
    }
    if (b->draining) {
        broker_reply_error(b, req, "busy", (ds_str_t){0}, DS_EDRAINING, "broker is shutting down");
        return;
    }
    if (broker_requests_admit(&b->reqs, req->blen) != 0) {
        broker_reply_error(b, req, "busy", (ds_str_t){0}, DS_EBUSY, "too many requests waiting for a worker");
        b->st.busy++;
        return;
    }
    broker_request_t *r =
        broker_request_new(req->client, req->clen, req->body_msg, s, b->now_ms + b->cfg.request_timeout_ms);
    broker_requests_enqueue(&b->reqs, &s->pending, r);
    b->st.requests++;
}

/* Frames: 0 identity, 1 "", 2 "MDPC01", 3 service, 4 body. */
void broker_client_message(broker_t *b, broker_frames_t *m)
{
    broker_creq_t req = {.client = broker_frame_data(m, 0), .clen = broker_frame_size(m, 0)};
    if (m->n < 4 || broker_frame_size(m, 3) == 0 || broker_frame_size(m, 3) > 255) {
        b->st.malformed++;
        ds_log(DS_LOG_INFO, "msg=\"dropping client message without a service frame\" frames=%d", m->total);
        return;
    }
    req.service = (const char *)broker_frame_data(m, 3);
    req.svclen = broker_frame_size(m, 3);
    if (m->total != 5) {
        b->st.malformed++;
        char msg[128];
        snprintf(msg, sizeof msg, "a request is 4 frames (\"\", \"MDPC01\", service, body), got %d",
                 m->total - 1);
        broker_reply_error(b, &req, "rejected", (ds_str_t){0}, DS_EFRAME, msg);
        return;
    }
    req.body = broker_frame_data(m, 4);
    req.blen = broker_frame_size(m, 4);
    req.body_msg = &m->f[4];
    service_fn fn = internal_service(req.service, req.svclen);
    if (fn) {
        fn(b, &req);
    } else if (req.svclen >= 4 && memcmp(req.service, "mmi.", 4) == 0) {
        broker_reply_raw(b, &req, "501", 3);
    } else {
        route_external(b, &req);
    }
}
