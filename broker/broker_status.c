/* broker_status.c: the dossier.status service: {id} -> the document's state.
 *
 * Model: a live entry answers queued, running, failed (waiting for a retry) or dead
 * (not yet recorded in Redis), with the last error from its journal record; then the
 * dead table (dead), then the done table (done, remembered for --dedup-days); else
 * unknown.  Times are Unix milliseconds.
 * Called through the service table of broker_client.c.
 */
#include "broker_client.h"
#include "broker_docs.h"
#include "broker_reply.h"

#include <stdio.h>
#include <string.h>

static void put_hex(broker_reply_t *r, const uint8_t *digest)
{
    char hex[2 * BROKER_DIGEST_BYTES];
    static const char x[] = "0123456789abcdef";
    for (int i = 0; i < BROKER_DIGEST_BYTES; i++) {
        hex[2 * i] = x[digest[i] >> 4];
        hex[2 * i + 1] = x[digest[i] & 15];
    }
    broker_reply_strn(r, "digest", hex, sizeof hex);
}

static void put_record(broker_reply_t *r, const broker_rec_t *rec)
{
    broker_reply_int(r, "accepted_ms", rec->accepted_ms);
    broker_reply_int(r, "updated_ms", rec->updated_ms);
    if (rec->code.len) {
        broker_reply_strn(r, "code", rec->code.ptr, rec->code.len);
    }
    if (rec->error.len) {
        broker_reply_strn(r, "error", rec->error.ptr, rec->error.len);
    }
}

/* Returns the state found (BROKER_ST_UNKNOWN: nothing written but status and id). */
static int describe(broker_t *b, broker_reply_t *r, ds_str_t id)
{
    broker_rec_t rec;
    broker_doc_t *d = broker_docs_find(b, id.ptr, id.len);
    broker_table_t t = (d && d->dead_job) ? BROKER_TBL_DEAD : BROKER_TBL_DOCS;
    int rc = d ? broker_journal_get(b->journal, t, id.ptr, id.len, &rec, NULL, NULL) : 0;
    if (d && rc == 1) {
        broker_reply_str(r, "status", broker_state_name(d->state));
        broker_reply_int(r, "attempts", d->attempts);
        put_record(r, &rec);
        put_hex(r, d->digest);
        return d->state;
    }
    if (rc == 0 &&
        (rc = broker_journal_get(b->journal, BROKER_TBL_DEAD, id.ptr, id.len, &rec, NULL, NULL)) == 1) {
        broker_reply_str(r, "status", "dead");
        broker_reply_int(r, "attempts", rec.attempts);
        put_record(r, &rec);
        put_hex(r, rec.digest);
        return BROKER_ST_DEAD;
    }
    broker_done_t done;
    if (rc == 0 && (rc = broker_journal_get_done(b->journal, id.ptr, id.len, &done)) == 1) {
        broker_reply_str(r, "status", "done");
        broker_reply_int(r, "attempts", done.attempts);
        broker_reply_int(r, "accepted_ms", done.accepted_ms);
        broker_reply_int(r, "finished_ms", done.finished_ms);
        put_hex(r, done.digest);
        return BROKER_ST_DONE;
    }
    if (rc < 0) {
        broker_fatal(b, rc);
    }
    broker_reply_str(r, "status", "unknown");
    broker_reply_int(r, "attempts", 0);
    return BROKER_ST_UNKNOWN;
}

void broker_status_handle(broker_t *b, const broker_creq_t *req)
{
    char err[256];
    ds_body_t body;
    int rc = ds_body_parse(&body, req->body, req->blen, err, sizeof err);
    ds_str_t id = {0};
    if (rc == 0) {
        rc = ds_body_str(&body, "id", &id, err, sizeof err);
        if (rc == 0 || (rc == 1 && !ds_id_valid(id.ptr, id.len))) {
            snprintf(err, sizeof err, "field 'id' is required: 1 to %d bytes of letters, digits and ._:@/+=-",
                     DS_MAX_ID_BYTES);
            rc = DS_EFIELD;
        }
        rc = rc == 1 ? 0 : rc;
    }
    if (rc != 0) {
        b->st.rejected++;
        broker_reply_error(b, req, "rejected", (ds_str_t){0}, rc, err);
        ds_body_free(&body); /* safe after a failed parse: nothing was kept */
        return;
    }
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_strn(&r, "id", id.ptr, id.len);
    describe(b, &r, id);
    broker_reply_end(b, &r);
    ds_body_free(&body);
}
