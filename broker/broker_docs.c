/* broker_docs.c: see broker_docs.h. */
#include "broker_docs.h"

#include "broker_dedup.h"
#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

const char *broker_state_name(int state)
{
    static const char *const names[] = {"unknown", "queued", "running", "failed", "done", "dead"};
    return (state >= 0 && state <= BROKER_ST_DEAD) ? names[state] : "unknown";
}

void broker_fatal(broker_t *b, int rc)
{
    if (b->fatal == 0) {
        ds_log(DS_LOG_ERR, "msg=\"journal failed, stopping without acknowledging this batch\" error=\"%s\"",
               b->journal ? broker_journal_strerror(b->journal) : ds_strerror(rc));
    }
    b->fatal = rc ? rc : DS_EJOURNAL;
}

broker_doc_t *broker_docs_find(broker_t *b, const char *id, size_t idlen)
{
    broker_hnode_t *n = broker_hash_find(&b->docs, id, idlen);
    return n ? BROKER_CONTAINER_OF(n, broker_doc_t, node) : NULL;
}

static broker_doc_t *doc_new(broker_t *b, const char *id, size_t idlen, uint64_t bytes)
{
    broker_doc_t *d = ds_xcalloc(1, sizeof *d);
    d->idlen = (uint8_t)idlen;
    memcpy(d->id, id, idlen);
    broker_hash_insert(&b->docs, &d->node, d->id, d->idlen);
    broker_queue_add(&b->queue, &d->q, bytes);
    return d;
}

static void doc_free(broker_t *b, broker_doc_t *d)
{
    broker_lease_release(&b->leases, &d->lease);
    broker_queue_forget(&b->queue, &d->q);
    broker_hash_remove(&b->docs, &d->node);
    free(d);
}

static void journal_rc(broker_t *b, int rc)
{
    if (rc < 0) {
        broker_fatal(b, rc);
    }
}

void broker_docs_accept(broker_t *b, const char *id, size_t idlen, const uint8_t digest[BROKER_DIGEST_BYTES],
                        uint32_t text_bytes, const uint8_t *map, size_t maplen)
{
    broker_rec_t rec = {.state = BROKER_REC_QUEUED, .seq = b->next_seq++, .text_bytes = text_bytes};
    rec.accepted_ms = rec.updated_ms = ds_wall_ms();
    memcpy(rec.digest, digest, BROKER_DIGEST_BYTES);
    int rc = broker_journal_put(b->journal, BROKER_TBL_DOCS, id, idlen, &rec, map, maplen);
    if (rc < 0) {
        broker_fatal(b, rc);
        return;
    }
    broker_doc_t *d = doc_new(b, id, idlen, maplen);
    d->seq = rec.seq;
    d->accepted_ms = rec.accepted_ms;
    memcpy(d->digest, digest, BROKER_DIGEST_BYTES);
    d->state = BROKER_ST_QUEUED;
    broker_queue_push(&b->queue, &d->q);
    b->st.accepted++;
}

/* ---- outcomes of an attempt ---------------------------------------------------- */

static void finish(broker_t *b, broker_doc_t *d)
{
    broker_done_t done = {.state = 0, .attempts = d->attempts, .accepted_ms = d->accepted_ms};
    done.finished_ms = ds_wall_ms();
    memcpy(done.digest, d->digest, BROKER_DIGEST_BYTES);
    journal_rc(b, broker_journal_del(b->journal, BROKER_TBL_DOCS, d->id, d->idlen));
    journal_rc(b, broker_journal_put_done(b->journal, d->id, d->idlen, &done));
    b->st.done++;
    doc_free(b, d);
}

static void make_dead(broker_t *b, broker_doc_t *d, const broker_rec_t *patch)
{
    broker_rec_t p = *patch;
    p.state = BROKER_REC_DEAD;
    p.flags = 0;
    journal_rc(b, broker_journal_update(b->journal, BROKER_TBL_DOCS, BROKER_TBL_DEAD, d->id, d->idlen, &p));
    d->state = BROKER_ST_DEAD;
    d->dead_job = true;
    b->st.dead++;
    b->dlq_count++;
    ds_log(DS_LOG_NOTICE, "msg=\"document is dead\" id=%s attempts=%u code=%.*s", d->id, d->attempts,
           (int)p.code.len, p.code.ptr ? p.code.ptr : "");
    /* recorded in Redis by a worker as soon as one is free */
    broker_queue_push_front(&b->queue, &d->q);
}

/* s cut to at most max bytes, never inside a UTF-8 sequence (peers' strings are kept
 * in the journal and sent back in replies, which must stay valid UTF-8). */
static ds_str_t utf8_cap(ds_str_t s, size_t max)
{
    if (s.ptr == NULL || s.len <= max) {
        return s;
    }
    size_t n = max;
    while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80) {
        n--;
    }
    return (ds_str_t){s.ptr, n};
}

/* An attempt failed: retry after a backoff, or dead. */
static void fail(broker_t *b, broker_doc_t *d, bool retryable, ds_str_t code, ds_str_t error)
{
    code = utf8_cap(code, 64);
    error = utf8_cap(error, DS_MAX_ERROR_BYTES);
    b->st.failed++;
    broker_rec_t patch = {.state = BROKER_REC_QUEUED, .attempts = d->attempts, .updated_ms = ds_wall_ms()};
    patch.code = code;
    patch.error = error;
    int64_t due = 0;
    if (broker_retry_decide(&b->retry, d->attempts, retryable, b->now_ms, broker_rand(b), &due) ==
        BROKER_DEAD) {
        make_dead(b, d, &patch);
        return;
    }
    journal_rc(b,
               broker_journal_update(b->journal, BROKER_TBL_DOCS, BROKER_TBL_DOCS, d->id, d->idlen, &patch));
    d->state = BROKER_ST_FAILED;
    b->st.retried++;
    broker_queue_defer(&b->queue, &d->q, due);
}

/* The dead-flagged request was recorded (or not: try again later, without limit). */
static void dead_recorded(broker_t *b, broker_doc_t *d, bool ok)
{
    if (!ok) {
        int64_t due = b->now_ms + broker_retry_backoff_ms(&b->retry, 3, broker_rand(b));
        broker_queue_defer(&b->queue, &d->q, due);
        return;
    }
    broker_rec_t r;
    int rc = broker_journal_get(b->journal, BROKER_TBL_DEAD, d->id, d->idlen, &r, NULL, NULL);
    if (rc == 1) {
        r.flags |= BROKER_REC_NOTIFIED;
        rc = broker_journal_update(b->journal, BROKER_TBL_DEAD, BROKER_TBL_DEAD, d->id, d->idlen, &r);
    }
    journal_rc(b, rc);
    b->st.dead_recorded++;
    doc_free(b, d);
}

void broker_docs_settle(broker_t *b, broker_doc_t *d, const uint8_t *body, size_t len)
{
    broker_lease_release(&b->leases, &d->lease);
    char err[256] = "";
    ds_body_t reply;
    ds_str_t status = {0}, rid = {0}, code = {0}, error = {0};
    bool retryable = true;
    int rc = ds_body_parse(&reply, body, len, err, sizeof err);
    bool parsed = rc == 0;
    if (rc == 0) {
        if (ds_body_str(&reply, "status", &status, err, sizeof err) < 0 ||
            ds_body_str(&reply, "id", &rid, err, sizeof err) < 0 ||
            ds_body_str(&reply, "code", &code, err, sizeof err) < 0 ||
            ds_body_str(&reply, "error", &error, err, sizeof err) < 0 ||
            ds_body_bool(&reply, "retryable", &retryable, err, sizeof err) < 0) {
            rc = DS_EFIELD;
        } else if (rid.ptr && !(rid.len == d->idlen && memcmp(rid.ptr, d->id, rid.len) == 0)) {
            snprintf(err, sizeof err, "reply names another id than the document sent");
            rc = DS_EFIELD;
        }
    }
    bool done = rc == 0 && ds_str_eq(status, "done");
    if (rc == 0 && !done && !ds_str_eq(status, "failed")) {
        snprintf(err, sizeof err, "reply status must be \"done\" or \"failed\"");
        rc = DS_EFIELD;
    }
    if (rc != 0) {
        ds_log(DS_LOG_WARNING, "msg=\"malformed worker reply\" id=%s error=\"%s\"", d->id, err);
        code = (ds_str_t){ds_errname(rc), strlen(ds_errname(rc))};
        error = (ds_str_t){err, strlen(err)};
    }
    if (d->dead_job) {
        dead_recorded(b, d, done);
    } else if (done) {
        finish(b, d);
    } else {
        fail(b, d, retryable || rc != 0, code, error);
    }
    if (parsed) {
        ds_body_free(&reply);
    }
}

void broker_docs_lost(broker_t *b, broker_doc_t *d, int code, const char *why)
{
    broker_lease_release(&b->leases, &d->lease);
    b->st.lost_leases++;
    if (d->dead_job) {
        dead_recorded(b, d, false);
        return;
    }
    const char *name = ds_errname(code);
    fail(b, d, true, (ds_str_t){name, strlen(name)}, (ds_str_t){why, strlen(why)});
}

void broker_docs_requeue(broker_t *b, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    broker_rec_t patch = *rec;
    patch.state = BROKER_REC_QUEUED;
    patch.flags = 0;
    patch.attempts = 0;
    patch.updated_ms = ds_wall_ms();
    int rc = broker_journal_update(b->journal, BROKER_TBL_DEAD, BROKER_TBL_DOCS, id, idlen, &patch);
    if (rc < 0) {
        broker_fatal(b, rc);
        return;
    }
    broker_doc_t *d = doc_new(b, id, idlen, maplen);
    d->seq = rec->seq;
    d->accepted_ms = rec->accepted_ms;
    memcpy(d->digest, rec->digest, BROKER_DIGEST_BYTES);
    d->state = BROKER_ST_QUEUED;
    broker_queue_push(&b->queue, &d->q);
    b->dlq_count--;
}

/* ---- replay --------------------------------------------------------------------- */

typedef struct {
    broker_t *b;
    broker_doc_t **v;
    size_t n, cap;
} replay_t;

static broker_doc_t *replay_entry(replay_t *r, const char *id, size_t idlen, const broker_rec_t *rec,
                                  size_t maplen)
{
    if (idlen == 0 || idlen > DS_MAX_ID_BYTES || broker_docs_find(r->b, id, idlen)) {
        ds_log(DS_LOG_WARNING, "msg=\"skipping journal entry with a bad or repeated id\" id=%.*s",
               (int)(idlen > DS_MAX_ID_BYTES ? DS_MAX_ID_BYTES : idlen), id);
        return NULL;
    }
    broker_doc_t *d = doc_new(r->b, id, idlen, maplen);
    d->seq = rec->seq;
    d->attempts = rec->attempts;
    d->accepted_ms = rec->accepted_ms;
    memcpy(d->digest, rec->digest, BROKER_DIGEST_BYTES);
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->v = ds_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = d;
    if (rec->seq >= r->b->next_seq) {
        r->b->next_seq = rec->seq + 1;
    }
    return d;
}

static int replay_doc(void *arg, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    broker_doc_t *d = replay_entry(arg, id, idlen, rec, maplen);
    if (d) {
        d->state = BROKER_ST_QUEUED;
    }
    return 0;
}

static int replay_dead(void *arg, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    replay_t *r = arg;
    r->b->dlq_count++;
    if (rec->flags & BROKER_REC_NOTIFIED) {
        return 0;
    }
    broker_doc_t *d = replay_entry(r, id, idlen, rec, maplen);
    if (d) {
        d->state = BROKER_ST_DEAD;
        d->dead_job = true;
    }
    return 0;
}

static int by_seq(const void *a, const void *b)
{
    const broker_doc_t *x = *(broker_doc_t *const *)a, *y = *(broker_doc_t *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int broker_docs_replay(broker_t *b)
{
    replay_t r = {.b = b};
    int rc = broker_journal_each(b->journal, BROKER_TBL_DOCS, NULL, 0, 0, replay_doc, &r);
    if (rc == 0) {
        rc = broker_journal_each(b->journal, BROKER_TBL_DEAD, NULL, 0, 0, replay_dead, &r);
    }
    if (rc == 0) {
        if (r.n > 1) {
            qsort(r.v, r.n, sizeof *r.v, by_seq);
        }
        for (size_t i = 0; i < r.n; i++) {
            broker_queue_push(&b->queue, &r.v[i]->q);
        }
        b->st.replayed = r.n;
    }
    free(r.v);
    return rc;
}

static void free_one(broker_hnode_t *n, void *arg)
{
    broker_doc_t **list = arg;
    broker_doc_t *d = BROKER_CONTAINER_OF(n, broker_doc_t, node);
    d->q.next = (broker_qitem_t *)*list; /* reuse a link: the hash must not change while walked */
    *list = d;
}

void broker_docs_free(broker_t *b)
{
    broker_doc_t *list = NULL;
    broker_hash_each(&b->docs, free_one, &list);
    while (list) {
        broker_doc_t *next = (broker_doc_t *)list->q.next;
        free(list);
        list = next;
    }
}
