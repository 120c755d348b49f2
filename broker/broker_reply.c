/* broker_reply.c: see broker_reply.h. */
#include "broker_reply.h"

#include <string.h>

void broker_reply_begin(broker_t *b, const broker_creq_t *req, broker_reply_t *r)
{
    ds_buf_t *buf = broker_outbox_begin(&b->out, req->client, req->clen, req->service, req->svclen);
    ds_pack_init(&r->pk, buf);
    r->hdr = buf->len;
    r->pairs = 0;
    static const uint8_t map16[3] = {0xde, 0, 0};
    ds_buf_append(buf, map16, sizeof map16);
}

void broker_reply_key(broker_reply_t *r, const char *key)
{
    ds_pack_str(&r->pk, key);
    r->pairs++;
}

void broker_reply_str(broker_reply_t *r, const char *key, const char *v)
{
    broker_reply_key(r, key);
    ds_pack_str(&r->pk, v);
}

void broker_reply_strn(broker_reply_t *r, const char *key, const char *v, size_t n)
{
    broker_reply_key(r, key);
    ds_pack_strn(&r->pk, v, n);
}

void broker_reply_int(broker_reply_t *r, const char *key, int64_t v)
{
    broker_reply_key(r, key);
    ds_pack_int(&r->pk, v);
}

void broker_reply_bool(broker_reply_t *r, const char *key, bool v)
{
    broker_reply_key(r, key);
    ds_pack_bool(&r->pk, v);
}

void broker_reply_end(broker_t *b, broker_reply_t *r)
{
    uint8_t *h = (uint8_t *)r->pk.out->data + r->hdr;
    h[1] = (uint8_t)(r->pairs >> 8);
    h[2] = (uint8_t)r->pairs;
    broker_outbox_end(&b->out);
}

void broker_reply_error(broker_t *b, const broker_creq_t *req, const char *status, ds_str_t id, int code,
                        const char *error)
{
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_str(&r, "status", status);
    if (id.ptr) {
        broker_reply_strn(&r, "id", id.ptr, id.len);
    }
    broker_reply_str(&r, "code", ds_errname(code));
    broker_reply_str(&r, "error", error && *error ? error : ds_strerror(code));
    if (code == DS_EBUSY || code == DS_EDRAINING) {
        broker_reply_int(&r, "retry_after_ms", b->cfg.busy_retry_ms);
    }
    broker_reply_end(b, &r);
}

void broker_reply_raw(broker_t *b, const broker_creq_t *req, const void *body, size_t len)
{
    ds_buf_t *buf = broker_outbox_begin(&b->out, req->client, req->clen, req->service, req->svclen);
    ds_buf_append(buf, body, len);
    broker_outbox_end(&b->out);
}
