/* worker_job.c: one dossier.analyze request; see worker_job.h and
 * proto/SPEC.md section 8 for the request and reply bodies. */
#include "worker_job.h"

#include "ds_clock.h"
#include "ds_digest.h"
#include "ds_log.h"
#include "ds_mem.h"
#include "ds_msg.h"
#include "worker_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one request turned into, for the reply. */
typedef struct {
    const char *status; /* "done" or "failed" */
    char id[DS_MAX_ID_BYTES + 1];
    int code; /* 0 for done */
    char error[512];
    bool retryable;
    const char *duplicate_of;
} outcome_t;

struct worker_job {
    engine_t *engine;      /* borrowed */
    worker_redis_t *redis; /* borrowed */
    worker_job_opts_t o;
    ds_buf_t json;      /* the result JSON */
    ds_buf_t reply;     /* the reply body */
    ds_buf_t strs;      /* NUL-terminated copies of the optional fields */
    worker_args_t args; /* EVALSHA arguments */
    outcome_t oc;       /* worker_job_prepare .. worker_job_reply */
    worker_outcome_t wo;
};

worker_job_t *worker_job_new(engine_t *engine, worker_redis_t *redis, const worker_job_opts_t *o)
{
    worker_job_t *j = ds_xcalloc(1, sizeof *j);
    j->engine = engine;
    j->redis = redis;
    j->o = *o;
    worker_args_init(&j->args);
    return j;
}

void worker_job_destroy(worker_job_t **self_p)
{
    worker_job_t *j = *self_p;
    if (j) {
        ds_buf_free(&j->json);
        ds_buf_free(&j->reply);
        ds_buf_free(&j->strs);
        worker_args_free(&j->args);
        free(j);
        *self_p = NULL;
    }
}

static void set_id(outcome_t *oc, ds_str_t id)
{
    size_t n = id.ptr && id.len <= DS_MAX_ID_BYTES ? id.len : 0;
    memcpy(oc->id, id.ptr ? id.ptr : "", n);
    oc->id[n] = '\0';
}

static void fail(outcome_t *oc, int code, bool retryable, const char *error)
{
    oc->status = "failed";
    oc->code = code;
    oc->retryable = retryable;
    snprintf(oc->error, sizeof oc->error, "%s", error);
}

static void pack_reply(worker_job_t *j, const outcome_t *oc)
{
    ds_buf_reset(&j->reply);
    ds_pack_t pk;
    ds_pack_init(&pk, &j->reply);
    bool failed = oc->code != 0;
    bool dup = !failed && oc->duplicate_of && *oc->duplicate_of;
    ds_pack_map(&pk, 3 + (failed ? 3 : 0) + (dup ? 1 : 0));
    ds_pack_kv_str(&pk, "status", oc->status);
    ds_pack_kv_str(&pk, "id", oc->id);
    ds_pack_str(&pk, "key");
    if (oc->id[0]) {
        char key[DS_MAX_ID_BYTES + 256];
        snprintf(key, sizeof key, "%s:doc:%s", j->o.store.prefix, oc->id);
        ds_pack_str(&pk, key);
    } else {
        ds_pack_str(&pk, "");
    }
    if (failed) {
        ds_pack_kv_str(&pk, "code", ds_errname(oc->code));
        ds_pack_kv_str(&pk, "error", oc->error);
        ds_pack_kv_bool(&pk, "retryable", oc->retryable);
    }
    if (dup) {
        ds_pack_kv_str(&pk, "duplicate_of", oc->duplicate_of);
    }
}

/* Records what Redis answered for the prepared arguments (rc 0 or DS_EREDIS). */
static void stored(outcome_t *oc, int rc, const char *err)
{
    if (rc != 0) {
        char msg[320];
        snprintf(msg, sizeof msg, "redis: %s", err);
        fail(oc, DS_EREDIS, true, msg);
        return;
    }
    oc->status = "done";
}

/* Stores the prepared arguments; fills oc.  Returns DS_EDRAINING or 0. */
static int store(worker_job_t *j, outcome_t *oc, worker_outcome_t *wo)
{
    char err[256];
    int rc = worker_redis_eval(j->redis, &j->args, wo, err, sizeof err);
    if (rc == DS_EDRAINING) {
        return rc;
    }
    stored(oc, rc, err);
    return 0;
}

/* 1 once prepare_* built arguments that still have to be stored (STORE_LATER). */
#define STORE_LATER 1

/* A dead-letter record: the broker gave up; store it, analyse nothing.  Returns 0
 * (failed) or STORE_LATER. */
static int run_dead(worker_job_t *j, const ds_body_t *b, outcome_t *oc)
{
    char err[256] = "";
    ds_str_t id, error, code, digest;
    int64_t attempts = 0;
    if (ds_body_str(b, "id", &id, err, sizeof err) != 1 || !ds_id_valid(id.ptr, id.len) ||
        ds_body_str(b, "error", &error, err, sizeof err) < 0 ||
        ds_body_str(b, "code", &code, err, sizeof err) < 0 ||
        ds_body_str(b, "digest", &digest, err, sizeof err) < 0 ||
        ds_body_int(b, "attempt", &attempts, err, sizeof err) < 0) {
        fail(oc, DS_EFIELD, false, err[0] ? err : "a dead-letter record needs a valid 'id'");
        return 0;
    }
    set_id(oc, id);
    ds_buf_reset(&j->strs);
    size_t off[3];
    const ds_str_t *v[3] = {&error, &code, &digest};
    for (int i = 0; i < 3; i++) {
        off[i] = j->strs.len;
        ds_buf_append(&j->strs, v[i]->ptr ? v[i]->ptr : "", v[i]->ptr ? v[i]->len : 0);
        ds_buf_putc(&j->strs, '\0');
    }
    worker_dead_t d = {oc->id,   j->strs.data + off[2], j->strs.data + off[0], j->strs.data + off[1],
                       attempts, ds_wall_ms()};
    worker_script_dead_args(&j->args, worker_redis_sha(j->redis), &j->o.store, &d);
    return STORE_LATER;
}

/* NUL-terminated copies of the optional fields, for engine_input_t. */
static void fill_input(worker_job_t *j, const ds_doc_t *d, engine_input_t *in)
{
    const ds_str_t *v[] = {&d->title, &d->published, &d->url, &d->source, &d->lang, &d->format};
    size_t off[6];
    ds_buf_reset(&j->strs);
    for (int i = 0; i < 6; i++) {
        off[i] = j->strs.len;
        if (v[i]->ptr) {
            ds_buf_append(&j->strs, v[i]->ptr, v[i]->len);
        }
        ds_buf_putc(&j->strs, '\0');
    }
    const char *p[6];
    for (int i = 0; i < 6; i++) {
        p[i] = v[i]->ptr ? j->strs.data + off[i] : NULL;
    }
    in->title = p[0];
    in->published = p[1];
    in->url = p[2];
    in->source = p[3];
    in->lang = p[4];
    in->format = p[5];
    in->mode = j->o.counts_only ? ENGINE_COUNTS : ENGINE_FULL;
    in->max_bytes = j->o.max_doc_bytes;
}

static bool digest_ok(ds_str_t s)
{
    if (s.ptr == NULL || s.len != DS_DIGEST_HEX_LEN) {
        return false;
    }
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* Analyses one document and builds its store arguments: 0 (failed) or STORE_LATER. */
static int run_doc(worker_job_t *j, const ds_doc_t *d, outcome_t *oc)
{
    char digest[DS_DIGEST_HEX_LEN + 1];
    if (digest_ok(d->digest)) {
        memcpy(digest, d->digest.ptr, DS_DIGEST_HEX_LEN);
        digest[DS_DIGEST_HEX_LEN] = '\0';
    } else {
        ds_sha256_hex((const uint8_t *)d->text.ptr, d->text.len, digest);
    }
    set_id(oc, d->id.ptr ? d->id : (ds_str_t){digest, DS_DIGEST_HEX_LEN});
    engine_input_t in;
    memset(&in, 0, sizeof in);
    fill_input(j, d, &in);
    in.id = oc->id;
    in.digest = digest; /* the broker's, or computed just above: not hashed twice */
    engine_result_t *res = NULL;
    char err[256] = "";
    int64_t t0 = ds_now_us();
    worker_cpu_arm();
    int rc = engine_analyze(j->engine, d->text.ptr, d->text.len, &in, &res, err, sizeof err);
    worker_cpu_disarm();
    if (rc != 0) {
        fail(oc, rc, rc == DS_ENOMEM || rc == DS_EINTERNAL, err[0] ? err : ds_strerror(rc));
        return 0;
    }
    ds_buf_reset(&j->json);
    engine_result_json(res, ds_now_us() - t0, &j->json);
    engine_summary_t sum;
    engine_result_summary(res, &sum);
    worker_done_t done = {oc->id,      digest, d->attempt > 0 ? d->attempt : 1, ds_wall_ms(), j->json.data,
                          j->json.len, &sum};
    worker_script_done_args(&j->args, worker_redis_sha(j->redis), &j->o.store, &done);
    engine_result_destroy(&res);
    return STORE_LATER;
}

/* Decodes and analyses one body into j->oc and j->args: 0 (answered already) or
 * STORE_LATER. */
static int prepare(worker_job_t *j, const uint8_t *body, size_t len)
{
    outcome_t *oc = &j->oc;
    memset(oc, 0, sizeof *oc);
    memset(&j->wo, 0, sizeof j->wo);
    char err[256] = "";
    ds_body_t b;
    int rc = ds_body_parse(&b, body, len, err, sizeof err);
    if (rc != 0) {
        fail(oc, rc, false, err);
        return 0;
    }
    bool dead = false;
    ds_doc_t d;
    if (ds_body_bool(&b, "dead", &dead, err, sizeof err) == 1 && dead) {
        rc = run_dead(j, &b, oc);
    } else if ((rc = ds_doc_parse(&b, j->o.max_doc_bytes, &d, err, sizeof err)) != 0) {
        ds_str_t id;
        if (ds_body_str(&b, "id", &id, NULL, 0) == 1 && ds_id_valid(id.ptr, id.len)) {
            set_id(oc, id);
        }
        fail(oc, rc, false, err);
        rc = 0;
    } else {
        rc = run_doc(j, &d, oc);
    }
    ds_body_free(&b);
    return rc;
}

/* Packs the reply of the finished outcome. */
static const ds_buf_t *finish(worker_job_t *j)
{
    outcome_t *oc = &j->oc;
    oc->duplicate_of = j->wo.duplicate_of;
    if (ds_log_enabled(DS_LOG_DEBUG)) {
        ds_log(DS_LOG_DEBUG, "msg=\"document\" id=%s status=%s code=%s stored=%d", oc->id, oc->status,
               oc->code ? ds_errname(oc->code) : "-", j->wo.stored);
    }
    pack_reply(j, oc);
    return &j->reply;
}

int worker_job_run(worker_job_t *j, const uint8_t *body, size_t len, const ds_buf_t **reply)
{
    int rc = prepare(j, body, len);
    if (rc == STORE_LATER && store(j, &j->oc, &j->wo) == DS_EDRAINING) {
        return DS_EDRAINING;
    }
    *reply = finish(j);
    return 0;
}

bool worker_job_prepare(worker_job_t *j, const uint8_t *body, size_t len)
{
    return prepare(j, body, len) == STORE_LATER;
}

worker_args_t *worker_job_args(worker_job_t *j)
{
    return &j->args;
}

const ds_buf_t *worker_job_finish(worker_job_t *j, int rc, const worker_outcome_t *wo, const char *err)
{
    if (wo) {
        stored(&j->oc, rc, err);
        if (rc == 0) {
            j->wo = *wo;
        }
    }
    return finish(j);
}
