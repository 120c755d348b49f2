/* broker_dispatch.c: see broker_dispatch.h. */
#include "broker_dispatch.h"

#include "broker_docs.h"
#include "broker_reply.h"
#include "ds_log.h"
#include "ds_mdp.h"

#include <errno.h>
#include <string.h>

void broker_lease_addr(uint64_t token, uint8_t out[BROKER_LEASE_ADDR_LEN])
{
    out[0] = 0;
    out[1] = 'L';
    for (int i = 0; i < 8; i++) {
        out[2 + i] = (uint8_t)(token >> (56 - 8 * i));
    }
}

int broker_send_command(broker_t *b, broker_worker_t *w, int command)
{
    uint8_t cmd = (uint8_t)command;
    broker_part_t parts[] = {{w->identity, w->idlen}, {"", 0}, {MDPW_WORKER, strlen(MDPW_WORKER)}, {&cmd, 1}};
    w->sent_ms = b->now_ms;
    return broker_send(b->router, parts, 4, NULL);
}

/* REQUEST: identity "" MDPW01 0x02 address "" body (body moved). */
static int send_request(broker_t *b, broker_worker_t *w, const void *addr, size_t alen, zmq_msg_t *body)
{
    uint8_t cmd = MDPW_REQUEST;
    w->sent_ms = b->now_ms;
    broker_part_t parts[] = {{w->identity, w->idlen},
                             {"", 0},
                             {MDPW_WORKER, strlen(MDPW_WORKER)},
                             {&cmd, 1},
                             {addr, alen},
                             {"", 0}};
    return broker_send(b->router, parts, 6, body);
}

void broker_request_fail(broker_t *b, broker_request_t *r, int code, const char *why)
{
    broker_service_t *s = r->service;
    broker_creq_t req = {.client = r->client, .clen = r->clen, .service = s->name, .svclen = s->namelen};
    broker_reply_error(b, &req, "failed", (ds_str_t){0}, code, why);
}

/* ---- splicing the journaled map ------------------------------------------------ */

/* Number of pairs and header length of a msgpack map header, or false. */
static bool map_header(const uint8_t *p, size_t n, uint32_t *pairs, size_t *hlen)
{
    if (n >= 1 && (p[0] & 0xf0) == 0x80) {
        *pairs = p[0] & 0x0f;
        *hlen = 1;
    } else if (n >= 3 && p[0] == 0xde) {
        *pairs = (uint32_t)p[1] << 8 | p[2];
        *hlen = 3;
    } else if (n >= 5 && p[0] == 0xdf) {
        *pairs = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        *hlen = 5;
    } else {
        return false;
    }
    return true;
}

static size_t put_map_header(uint8_t *p, uint32_t pairs)
{
    if (pairs < 16) {
        p[0] = (uint8_t)(0x80 | pairs);
        return 1;
    }
    p[0] = 0xdf;
    for (int i = 0; i < 4; i++) {
        p[1 + i] = (uint8_t)(pairs >> (24 - 8 * i));
    }
    return 5;
}

static void pack_extras(broker_t *b, const broker_doc_t *d, const broker_rec_t *rec, uint32_t *pairs)
{
    ds_pack_t pk;
    ds_buf_reset(&b->scratch);
    ds_pack_init(&pk, &b->scratch);
    ds_pack_kv_int(&pk, "attempt", d->attempts ? d->attempts : 1);
    char hex[2 * BROKER_DIGEST_BYTES + 1];
    for (int i = 0; i < BROKER_DIGEST_BYTES; i++) {
        static const char x[] = "0123456789abcdef";
        hex[2 * i] = x[d->digest[i] >> 4];
        hex[2 * i + 1] = x[d->digest[i] & 15];
    }
    ds_pack_kv_strn(&pk, "digest", hex, 2 * BROKER_DIGEST_BYTES);
    *pairs = 2;
    if (d->dead_job) {
        ds_pack_kv_bool(&pk, "dead", true);
        ds_pack_kv_strn(&pk, "code", rec->code.ptr, rec->code.len);
        ds_pack_kv_strn(&pk, "error", rec->error.ptr, rec->error.len);
        *pairs += 3;
    }
}

/* Builds the REQUEST body of d from its journal record into msg. */
static int build_body(broker_t *b, const broker_doc_t *d, zmq_msg_t *msg)
{
    broker_rec_t rec;
    const uint8_t *map;
    size_t maplen;
    broker_table_t t = d->dead_job ? BROKER_TBL_DEAD : BROKER_TBL_DOCS;
    int rc = broker_journal_get(b->journal, t, d->id, d->idlen, &rec, &map, &maplen);
    uint32_t pairs, extra;
    size_t hlen;
    if (rc == 1 && !map_header(map, maplen, &pairs, &hlen)) {
        rc = DS_EJOURNAL;
    }
    if (rc != 1) {
        return rc < 0 ? rc : DS_ENOTFOUND;
    }
    pack_extras(b, d, &rec, &extra);
    uint8_t hdr[5];
    size_t nh = put_map_header(hdr, pairs + extra);
    size_t total = nh + (maplen - hlen) + b->scratch.len;
    zmq_msg_init_size(msg, total);
    uint8_t *p = zmq_msg_data(msg);
    memcpy(p, hdr, nh);
    memcpy(p + nh, map + hlen, maplen - hlen);
    memcpy(p + nh + maplen - hlen, b->scratch.data, b->scratch.len);
    return 0;
}

/* ---- dispatch ------------------------------------------------------------------- */

/* Sends d to w under a new lease.  Returns 0, 1 when w turned out to be gone (d is
 * then untouched and the caller puts it back), or a journal error. */
static int send_doc(broker_t *b, broker_worker_t *w, broker_doc_t *d)
{
    uint32_t before = d->attempts;
    if (!d->dead_job) {
        d->attempts++; /* the body carries the attempt it starts */
    }
    zmq_msg_t body;
    int rc = build_body(b, d, &body);
    if (rc != 0) {
        d->attempts = before;
        return rc;
    }
    uint64_t token = broker_lease_grant(&b->leases, &d->lease, w, d->attempts, b->now_ms);
    uint8_t addr[BROKER_LEASE_ADDR_LEN];
    broker_lease_addr(token, addr);
    rc = send_request(b, w, addr, sizeof addr, &body);
    zmq_msg_close(&body);
    if (rc != 0) {
        broker_lease_release(&b->leases, &d->lease);
        d->attempts = before;
        return 1;
    }
    if (!d->dead_job) {
        d->state = BROKER_ST_RUNNING;
    }
    broker_pool_assign(&b->pool, w, BROKER_JOB_DOC, d, token);
    b->st.dispatched++;
    return 0;
}

static void dispatch_requests(broker_t *b, broker_service_t *s)
{
    while (s->nidle > 0 && s->pending.n > 0) {
        broker_worker_t *w = broker_pool_take(&b->pool, s);
        broker_request_t *r = broker_requests_pop(&b->reqs, &s->pending);
        if (send_request(b, w, r->client, r->clen, &r->body) != 0) {
            /* the worker is gone: the request waits for the next one */
            broker_requests_enqueue(&b->reqs, &s->pending, r);
            broker_worker_drop(b, w, DS_EIO, "worker unreachable", false);
            continue;
        }
        broker_pool_assign(&b->pool, w, BROKER_JOB_REQ, r, 0);
    }
}

static void dispatch_docs(broker_t *b, broker_service_t *s, bool durable_only)
{
    while (s->nidle > 0 && b->fatal == 0) {
        broker_qitem_t *it = b->queue.ready.next;
        if (it == &b->queue.ready) {
            return;
        }
        broker_doc_t *d = BROKER_CONTAINER_OF(it, broker_doc_t, q);
        if (durable_only && d->seq >= b->durable_seq) {
            return; /* accepted in this batch: not on disk yet */
        }
        broker_queue_remove(&b->queue, it);
        broker_worker_t *w = broker_pool_take(&b->pool, s);
        int rc = send_doc(b, w, d);
        if (rc != 0) {
            broker_queue_push_front(&b->queue, &d->q);
        }
        if (rc == 1) {
            broker_worker_drop(b, w, DS_EIO, "worker unreachable", false);
        } else if (rc < 0) {
            broker_pool_idle(&b->pool, w);
            broker_fatal(b, rc);
        }
    }
}

void broker_dispatch(broker_t *b, bool durable_only)
{
    broker_service_t *analyze = NULL;
    for (broker_service_t *s = b->pool.services; s; s = s->next) {
        dispatch_requests(b, s);
        if (s->namelen == strlen(DS_SVC_ANALYZE) && memcmp(s->name, DS_SVC_ANALYZE, s->namelen) == 0) {
            analyze = s;
        }
    }
    if (analyze && !b->draining) {
        dispatch_docs(b, analyze, durable_only);
    }
}

void broker_worker_drop(broker_t *b, broker_worker_t *w, int code, const char *why, bool disconnect)
{
    if (disconnect) {
        (void)broker_send_command(b, w, MDPW_DISCONNECT);
    }
    for (uint16_t i = 0; i < w->credit; i++) {
        broker_slot_t *slot = &w->slots[i];
        int kind = slot->kind;
        void *job = slot->job;
        broker_pool_settle(&b->pool, w, slot);
        if (kind == BROKER_JOB_DOC) {
            broker_docs_lost(b, job, code, why);
        } else if (kind == BROKER_JOB_REQ) {
            broker_request_t *r = job;
            broker_request_fail(b, r, code, why);
            broker_request_destroy(&r);
            b->st.requests_lost++;
        }
    }
    ds_log(DS_LOG_INFO, "msg=\"worker removed\" service=%s reason=\"%s\"", w->service->name, why);
    broker_pool_remove(&b->pool, &w);
}
