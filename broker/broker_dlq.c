/* broker_dlq.c: the dossier.dlq service: the dead-letter queue for operators.
 *
 * Model: dead documents stay in the journal's dead table, text included, until an
 * operator acts:
 *   {op: "list", after?, limit?}  a page of dead documents in id order
 *   {op: "requeue", id?}          back to the queue with attempts reset (all: up to
 *                                 BULK_MAX per call; `more` says whether to call again)
 *   {op: "purge", id?}            forgotten entirely (the id may be submitted again)
 * A document whose dead record is still on its way to Redis is skipped until it is
 * there.  Requeue respects the queue limits and stops at them.
 * Called through the service table of broker_client.c.
 */
#include "broker_client.h"
#include "broker_docs.h"
#include "broker_reply.h"

#include <stdio.h>
#include <string.h>

#define LIST_DEFAULT 100
#define LIST_MAX 1000
#define BULK_MAX 1000

typedef struct {
    broker_reply_t *r;
    size_t n, limit;
    bool more;
} list_t;

static int list_one(void *arg, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    (void)maplen;
    list_t *l = arg;
    if (l->n == l->limit) {
        l->more = true; /* asked for one more than the page: there is another page */
        return 1;
    }
    ds_pack_t *pk = &l->r->pk;
    ds_pack_map(pk, 6);
    ds_pack_kv_strn(pk, "id", id, idlen);
    ds_pack_kv_int(pk, "attempts", rec->attempts);
    ds_pack_kv_strn(pk, "code", rec->code.ptr, rec->code.len);
    ds_pack_kv_strn(pk, "error", rec->error.ptr, rec->error.len);
    ds_pack_kv_int(pk, "dead_ms", rec->updated_ms);
    ds_pack_kv_bool(pk, "recorded", (rec->flags & BROKER_REC_NOTIFIED) != 0);
    l->n++;
    return 0;
}

static void op_list(broker_t *b, const broker_creq_t *req, const ds_body_t *body)
{
    char err[128];
    ds_str_t after = {0};
    int64_t limit = LIST_DEFAULT;
    if (ds_body_str(body, "after", &after, err, sizeof err) < 0 ||
        ds_body_int(body, "limit", &limit, err, sizeof err) < 0 || limit < 1 || limit > LIST_MAX) {
        snprintf(err, sizeof err, "'after' must be a string and 'limit' an integer from 1 to %d", LIST_MAX);
        broker_reply_error(b, req, "rejected", (ds_str_t){0}, DS_EFIELD, err);
        return;
    }
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_str(&r, "status", "ok");
    broker_reply_int(&r, "dlq", (int64_t)b->dlq_count);
    broker_reply_key(&r, "items");
    size_t at = r.pk.out->len;
    static const uint8_t arr16[3] = {0xdc, 0, 0};
    ds_buf_append(r.pk.out, arr16, 3);
    list_t l = {&r, 0, (size_t)limit, false};
    int rc = broker_journal_each(b->journal, BROKER_TBL_DEAD, after.ptr, after.len, (size_t)limit + 1,
                                 list_one, &l);
    if (rc < 0) {
        broker_fatal(b, rc);
    }
    uint8_t *h = (uint8_t *)r.pk.out->data + at;
    h[1] = (uint8_t)(l.n >> 8);
    h[2] = (uint8_t)l.n;
    broker_reply_bool(&r, "more", l.more);
    broker_reply_end(b, &r);
}

/* ---- requeue and purge ------------------------------------------------------------ */

typedef struct {
    ds_buf_t ids; /* u8 length + bytes, repeated */
    size_t n;
} idlist_t;

static int collect(void *arg, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    (void)rec, (void)maplen;
    idlist_t *l = arg;
    uint8_t len = (uint8_t)idlen;
    ds_buf_append(&l->ids, &len, 1);
    ds_buf_append(&l->ids, id, len);
    l->n++;
    return 0;
}

/* Acts on one dead document: 1 done, 0 skipped (still being recorded), DS_EBUSY
 * (queue full), DS_ENOTFOUND, or a journal error. */
static int act(broker_t *b, bool requeue, const char *id, size_t idlen)
{
    broker_doc_t *d = broker_docs_find(b, id, idlen);
    if (d && d->dead_job) {
        return 0;
    }
    broker_rec_t rec;
    const uint8_t *map;
    size_t maplen;
    int rc = broker_journal_get(b->journal, BROKER_TBL_DEAD, id, idlen, &rec, &map, &maplen);
    if (rc <= 0) {
        return rc < 0 ? rc : DS_ENOTFOUND;
    }
    if (!requeue) {
        rc = broker_journal_del(b->journal, BROKER_TBL_DEAD, id, idlen);
        if (rc == 0) {
            b->dlq_count--;
        }
        return rc < 0 ? rc : 1;
    }
    if (broker_queue_admit(&b->queue, maplen) != 0) {
        return DS_EBUSY;
    }
    broker_docs_requeue(b, id, idlen, &rec, maplen);
    return b->fatal ? b->fatal : 1;
}

static void reply_count(broker_t *b, const broker_creq_t *req, size_t count, size_t skipped, bool more)
{
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_str(&r, "status", "ok");
    broker_reply_int(&r, "count", (int64_t)count);
    broker_reply_int(&r, "skipped", (int64_t)skipped);
    broker_reply_bool(&r, "more", more);
    broker_reply_end(b, &r);
    b->need_sync = true;
}

static void op_one(broker_t *b, const broker_creq_t *req, bool requeue, ds_str_t id)
{
    int rc = act(b, requeue, id.ptr, id.len);
    if (rc == DS_ENOTFOUND) {
        broker_reply_error(b, req, "rejected", id, DS_ENOTFOUND, "no dead document has this id");
    } else if (rc == DS_EBUSY) {
        broker_reply_error(b, req, "busy", id, DS_EBUSY, "queue is full");
    } else if (rc == 0) {
        broker_reply_error(b, req, "busy", id, DS_EBUSY, "the dead record is still being written to Redis");
    } else if (rc == 1) {
        reply_count(b, req, 1, 0, false);
    } else {
        broker_fatal(b, rc);
    }
}

static void op_all(broker_t *b, const broker_creq_t *req, bool requeue)
{
    idlist_t l = {DS_BUF_INIT, 0};
    int rc = broker_journal_each(b->journal, BROKER_TBL_DEAD, NULL, 0, BULK_MAX + 1, collect, &l);
    size_t count = 0, skipped = 0, seen = 0;
    bool full = false;
    for (size_t off = 0; rc == 0 && seen < l.n && seen < BULK_MAX && !full; seen++) {
        uint8_t len = (uint8_t)l.ids.data[off];
        int r = act(b, requeue, l.ids.data + off + 1, len);
        off += 1 + (size_t)len;
        if (r == 1) {
            count++;
        } else if (r == 0) {
            skipped++;
        } else if (r == DS_EBUSY) {
            full = true;
        } else if (r < 0 && r != DS_ENOTFOUND) {
            rc = r;
        }
    }
    ds_buf_free(&l.ids);
    if (rc < 0) {
        broker_fatal(b, rc);
        return;
    }
    reply_count(b, req, count, skipped, full || l.n > BULK_MAX);
}

void broker_dlq_handle(broker_t *b, const broker_creq_t *req)
{
    char err[256];
    ds_body_t body;
    ds_str_t op = {0}, id = {0};
    int rc = ds_body_parse(&body, req->body, req->blen, err, sizeof err);
    if (rc == 0 && (ds_body_str(&body, "op", &op, err, sizeof err) < 0 ||
                    ds_body_str(&body, "id", &id, err, sizeof err) < 0)) {
        rc = DS_EFIELD;
    }
    if (rc == 0 && id.ptr && !ds_id_valid(id.ptr, id.len)) {
        snprintf(err, sizeof err, "field 'id' is not a valid document id");
        rc = DS_EFIELD;
    }
    bool list = ds_str_eq(op, "list"), requeue = ds_str_eq(op, "requeue"), purge = ds_str_eq(op, "purge");
    if (rc == 0 && !list && !requeue && !purge) {
        snprintf(err, sizeof err, "field 'op' must be \"list\", \"requeue\" or \"purge\"");
        rc = DS_EFIELD;
    }
    if (rc != 0) {
        b->st.rejected++;
        broker_reply_error(b, req, "rejected", (ds_str_t){0}, rc, err);
    } else if (list) {
        op_list(b, req, &body);
    } else if (id.ptr) {
        op_one(b, req, requeue, id);
    } else {
        op_all(b, req, requeue);
    }
    ds_body_free(&body);
}
