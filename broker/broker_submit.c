/* broker_submit.c: the dossier.submit service.
 *
 * Model: validate (pre-validator, then every field and limit of the document), then
 * deduplicate by id (live entry, then the dead table, then the done table), then
 * backpressure (draining, queue limits, journal space), then journal the canonical
 * map (the document re-encoded once, with its id) and queue it.  The reply is staged
 * in the outbox and leaves only after the batch's commit has synced: `accepted`
 * means on disk.  Invalid input never stops the broker: it is a `rejected` reply
 * naming the field, the byte offset or the limit.
 * Called through the service table of broker_client.c.
 */
#include "broker_client.h"
#include "broker_dedup.h"
#include "broker_docs.h"
#include "broker_reply.h"
#include "ds_clock.h"
#include "ds_digest.h"
#include "ds_msg.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* Journal space kept free for the writes that finish documents. */
#define JOURNAL_HEADROOM_PCT 90

static void reply_state(broker_t *b, const broker_creq_t *req, const char *status, ds_str_t id,
                        const char *state)
{
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_str(&r, "status", status);
    broker_reply_strn(&r, "id", id.ptr, id.len);
    if (state) {
        broker_reply_str(&r, "state", state);
    }
    broker_reply_end(b, &r);
    b->need_sync = true; /* the state it reports must be durable before it is sent */
}

/* Looks id up everywhere; returns the state (BROKER_ST_UNKNOWN when new) and digest. */
static int known_state(broker_t *b, ds_str_t id, uint8_t digest[BROKER_DIGEST_BYTES])
{
    broker_doc_t *d = broker_docs_find(b, id.ptr, id.len);
    if (d) {
        memcpy(digest, d->digest, BROKER_DIGEST_BYTES);
        return d->state;
    }
    broker_rec_t rec;
    int rc = broker_journal_get(b->journal, BROKER_TBL_DEAD, id.ptr, id.len, &rec, NULL, NULL);
    if (rc == 1) {
        memcpy(digest, rec.digest, BROKER_DIGEST_BYTES);
        return BROKER_ST_DEAD;
    }
    broker_done_t done;
    if (rc == 0 && (rc = broker_journal_get_done(b->journal, id.ptr, id.len, &done)) == 1) {
        memcpy(digest, done.digest, BROKER_DIGEST_BYTES);
        return BROKER_ST_DONE;
    }
    return rc < 0 ? rc : BROKER_ST_UNKNOWN;
}

/* true when the request was answered as a duplicate or a conflict (or failed). */
static bool deduplicate(broker_t *b, const broker_creq_t *req, ds_str_t id,
                        const uint8_t digest[BROKER_DIGEST_BYTES])
{
    uint8_t old[BROKER_DIGEST_BYTES];
    int st = known_state(b, id, old);
    if (st < 0) {
        broker_fatal(b, st);
        return true;
    }
    switch (broker_dedup_decide(st != BROKER_ST_UNKNOWN, old, digest)) {
    case BROKER_DEDUP_NEW:
        return false;
    case BROKER_DEDUP_DUPLICATE:
        b->st.duplicate++;
        reply_state(b, req, "duplicate", id, broker_state_name(st));
        return true;
    case BROKER_DEDUP_CONFLICT:
        break;
    }
    b->st.conflict++;
    b->st.rejected++;
    broker_reply_error(b, req, "rejected", id, DS_ECONFLICT,
                       "id already used for a document with different text");
    return true;
}

static bool journal_nearly_full(broker_t *b)
{
    uint64_t used, map;
    broker_journal_usage(b->journal, &used, &map);
    return map > 0 && used > map / 100 * JOURNAL_HEADROOM_PCT;
}

/* true when the request was answered busy. */
static bool backpressure(broker_t *b, const broker_creq_t *req, ds_str_t id, uint64_t bytes)
{
    int code = 0;
    const char *why = NULL;
    if (b->draining) {
        code = DS_EDRAINING;
        why = "broker is shutting down";
    } else if (broker_queue_admit(&b->queue, bytes) != 0) {
        code = DS_EBUSY;
        why = "queue is full (--max-queue or --max-queue-bytes)";
    } else if (journal_nearly_full(b)) {
        code = DS_EBUSY;
        why = "journal is nearly full (--journal-max-bytes)";
    }
    if (code == 0) {
        return false;
    }
    b->st.busy++;
    broker_reply_error(b, req, "busy", id, code, why);
    return true;
}

/* A new time-ordered id that no document has. */
static void assign_id(broker_t *b, char out[BROKER_ID_LEN + 1])
{
    do {
        uint8_t rnd[BROKER_ID_RAND_BYTES];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            for (size_t i = 0; i < sizeof rnd; i++) {
                rnd[i] = (uint8_t)broker_rand(b);
            }
        }
        broker_ids_next(&b->ids, ds_wall_ms(), rnd, out);
    } while (broker_docs_find(b, out, BROKER_ID_LEN));
}

static void accept_doc(broker_t *b, const broker_creq_t *req, ds_doc_t *doc, const uint8_t *digest)
{
    ds_str_t given = doc->id; /* a busy reply names only an id the producer chose */
    char idbuf[BROKER_ID_LEN + 1];
    if (doc->id.ptr == NULL) {
        assign_id(b, idbuf);
        doc->id = (ds_str_t){idbuf, BROKER_ID_LEN};
    }
    ds_buf_reset(&b->scratch);
    ds_pack_t pk;
    ds_pack_init(&pk, &b->scratch);
    ds_doc_pack(&pk, doc, 0);
    if (backpressure(b, req, given, b->scratch.len)) {
        return;
    }
    broker_docs_accept(b, doc->id.ptr, doc->id.len, digest, (uint32_t)doc->text.len,
                       (const uint8_t *)b->scratch.data, b->scratch.len);
    reply_state(b, req, "accepted", doc->id, NULL);
}

void broker_submit_handle(broker_t *b, const broker_creq_t *req)
{
    char err[256];
    ds_body_t body;
    int rc = ds_body_parse(&body, req->body, req->blen, err, sizeof err);
    if (rc != 0) {
        b->st.rejected++;
        broker_reply_error(b, req, "rejected", (ds_str_t){0}, rc, err);
        return;
    }
    ds_doc_t doc;
    /* dossier.analyze's own keys (attempt, dead, digest, error) are dropped by the
     * re-encoding below: the broker sets them */
    rc = ds_doc_parse(&body, (size_t)b->cfg.max_doc_bytes, &doc, err, sizeof err);
    if (rc != 0) {
        ds_str_t id = (doc.id.ptr && ds_id_valid(doc.id.ptr, doc.id.len)) ? doc.id : (ds_str_t){0};
        b->st.rejected++;
        broker_reply_error(b, req, "rejected", id, rc, err);
        ds_body_free(&body);
        return;
    }
    uint8_t digest[BROKER_DIGEST_BYTES];
    ds_sha256((const uint8_t *)doc.text.ptr, doc.text.len, digest);
    if (doc.id.ptr == NULL || !deduplicate(b, req, doc.id, digest)) {
        accept_doc(b, req, &doc, digest);
    }
    ds_body_free(&body);
}
