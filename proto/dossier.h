/* dossier.h: libdossier, the C client library for Dossier (installed header).
 *
 * A producer connects to a dossier-broker over ZeroMQ and speaks Majordomo v0.1
 * (ZeroMQ RFC 7/MDP) as proto/SPEC.md specifies.  Two ways to submit:
 *
 *   - ds_client_t: one request at a time (submit, status, stats, any service).  A
 *     request that gets no reply in time is resent on a fresh socket, which is safe
 *     because a document's `id` is its idempotency key.
 *   - ds_pipeline_t: many requests in flight on one socket, up to a window; replies
 *     are matched by (service, id); requests are resent on timeout and after `busy`
 *     once its retry_after_ms has passed.  Nothing in it blocks except
 *     ds_pipeline_next(), which waits at most the time it is given.
 *
 * Documents without an id get one derived from the SHA-256 of their text
 * ("sha256-" + 32 hex digits), so submitting the same text twice is a duplicate, not
 * two documents.
 *
 * Errors: functions return 0 or a negative code (DOSSIER_E* below; the full table is
 * ds_err.h / SPEC.md section 6) and fill errstr with one line.  The library never
 * logs, never exits and never installs signal handlers.  Objects are not thread-safe:
 * use one per thread.
 *
 * Build: cc prog.c $(pkg-config --cflags --libs dossier)
 */
#ifndef DOSSIER_H
#define DOSSIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes (same values as ds_err.h). */
#define DOSSIER_OK 0
#define DOSSIER_EINVAL (-2)    /* invalid argument or document (checked before sending) */
#define DOSSIER_EMSGPACK (-4)  /* the broker's reply was not valid MessagePack */
#define DOSSIER_EBUSY (-12)    /* pipeline full, or the broker stayed busy past the deadline */
#define DOSSIER_ETIMEOUT (-15) /* no reply within the deadline */
#define DOSSIER_EIO (-17)      /* socket error */

/* A document to submit.  Every pointer is borrowed for the duration of the call. */
typedef struct {
    const char *id;    /* NULL: derived from the text (see above) */
    const char *text;  /* UTF-8, required */
    size_t text_len;   /* 0: strlen(text) */
    const char *title; /* optional fields: NULL when absent */
    const char *url;
    const char *source;
    const char *published; /* as printed ("2007-05-28", "May 28, 2007", ISO 8601 ...) */
    const char *lang;      /* ISO 639-1 */
    const char *format;    /* "text" (default) or "html" */
    const void *meta;      /* a MessagePack-encoded map, or NULL */
    size_t meta_len;
} ds_document_t;

#define DOSSIER_ID_MAX 128

/* The reply to dossier.submit.  Strings are empty when the field was absent. */
typedef struct {
    char status[16]; /* "accepted", "duplicate", "rejected" or "busy" */
    char id[DOSSIER_ID_MAX + 1];
    char code[32]; /* error code (SPEC.md section 6) when rejected */
    char error[1024];
    char state[16]; /* with duplicate: the document's state, when the broker says */
    int64_t retry_after_ms;
} ds_submit_reply_t;

/* The reply to dossier.status. */
typedef struct {
    char status[16]; /* queued, running, done, failed, dead or unknown */
    char id[DOSSIER_ID_MAX + 1];
    int64_t attempts;
    char error[1024];
} ds_status_reply_t;

/* ---- one request at a time ------------------------------------------------------ */

typedef struct ds_client ds_client_t;

/* Connects (lazily: ZeroMQ connects in the background) to endpoint, e.g.
 * "tcp://127.0.0.1:5555".  Returns NULL with errstr filled when the endpoint is
 * malformed.  Caller owns; free with ds_client_destroy. */
ds_client_t *ds_client_new(const char *endpoint, char *errstr, size_t errlen);
void ds_client_destroy(ds_client_t **self_p);

/* Time to wait for one reply before resending (default 5000 ms), and how many times
 * to resend (default 2, so 3 attempts in all). */
void ds_client_set_timeout(ds_client_t *self, int timeout_ms);
void ds_client_set_retries(ds_client_t *self, int retries);

/* mmi.service (RFC 8): *code is 200 (served), 404 (nobody serves it) or 501. */
int ds_client_service(ds_client_t *self, const char *service, int *code, char *errstr, size_t errlen);

/* Any service: sends body (one MessagePack map) and returns the reply body in
 * *reply (caller frees with free()).  Resends on timeout, so use it only for
 * idempotent requests. */
int ds_client_request(ds_client_t *self, const char *service, const void *body, size_t len, uint8_t **reply,
                      size_t *reply_len, char *errstr, size_t errlen);

/* Submits one document and waits for the broker's answer.  `busy` is retried after
 * retry_after_ms for as long as the client's timeout x (retries + 1) allows; after
 * that *out holds the busy reply and DOSSIER_EBUSY is returned.  Returns 0 for any
 * other answer (accepted, duplicate, rejected: see out->status). */
int ds_client_submit(ds_client_t *self, const ds_document_t *doc, ds_submit_reply_t *out, char *errstr,
                     size_t errlen);

/* Asks the broker for a document's state. */
int ds_client_status(ds_client_t *self, const char *id, ds_status_reply_t *out, char *errstr, size_t errlen);

/* dossier.stats: the reply map as MessagePack in *reply (caller frees). */
int ds_client_stats(ds_client_t *self, uint8_t **reply, size_t *reply_len, char *errstr, size_t errlen);

/* ---- many requests in flight ---------------------------------------------------- */

typedef struct ds_pipeline ds_pipeline_t;

/* One finished request, returned by ds_pipeline_next.  Pointers are valid until the
 * next call on the pipeline. */
typedef struct {
    const char *service;
    const char *id;
    void *tag;           /* as given when sent */
    int rc;              /* 0: a reply arrived; DOSSIER_ETIMEOUT: gave up (see deadline) */
    const uint8_t *body; /* the reply body (MessagePack), NULL when rc != 0 */
    size_t body_len;
    ds_submit_reply_t submit; /* parsed, for dossier.submit */
    ds_status_reply_t status; /* parsed, for dossier.status */
    int resends;              /* times it was resent after a timeout */
    int busy_retries;         /* times the broker answered busy */
} ds_pipeline_done_t;

typedef struct {
    int64_t sent;    /* requests sent for the first time */
    int64_t resends; /* resent after a timeout */
    int64_t busy;    /* busy answers */
    int64_t replies; /* replies matched to a request */
    int64_t stale;   /* replies to nothing in flight (answers to earlier resends) */
} ds_pipeline_counters_t;

/* window: requests in flight at most (1..65536). */
ds_pipeline_t *ds_pipeline_new(const char *endpoint, int window, char *errstr, size_t errlen);
void ds_pipeline_destroy(ds_pipeline_t **self_p);

/* Time to wait for a reply before resending (default 5000 ms). */
void ds_pipeline_set_timeout(ds_pipeline_t *self, int timeout_ms);
/* Give up on a request deadline_ms after it was first sent (0, the default: never). */
void ds_pipeline_set_deadline(ds_pipeline_t *self, int64_t deadline_ms);

/* Queues a document for dossier.submit and sends it.  Returns 0, DOSSIER_EBUSY when
 * the window is full or a request with the same id is in flight (call
 * ds_pipeline_next and try again), or DOSSIER_EINVAL when the document is invalid
 * (errstr says why; nothing was sent).  When id_out is not NULL it receives the id
 * used (at least DOSSIER_ID_MAX + 1 bytes). */
int ds_pipeline_submit(ds_pipeline_t *self, const ds_document_t *doc, void *tag, char *id_out, char *errstr,
                       size_t errlen);
/* Queues a dossier.status request for id. Same returns as ds_pipeline_submit. */
int ds_pipeline_status(ds_pipeline_t *self, const char *id, void *tag, char *errstr, size_t errlen);

/* Waits up to timeout_ms for one request to finish, resending what timed out.
 * Returns 1 with *out filled, 0 when none finished in time (or a signal arrived), or
 * a negative code on a socket error. */
int ds_pipeline_next(ds_pipeline_t *self, int timeout_ms, ds_pipeline_done_t *out);

/* Requests not yet handed out by ds_pipeline_next (in flight, waiting to be resent, or
 * finished and queued). */
size_t ds_pipeline_pending(const ds_pipeline_t *self);
/* The i-th request in flight (0 <= i < pending): its id and tag; NULL past the end. */
const char *ds_pipeline_pending_id(const ds_pipeline_t *self, size_t i, void **tag);
void ds_pipeline_counters(const ds_pipeline_t *self, ds_pipeline_counters_t *out);

/* ---- helpers ---------------------------------------------------------------------- */

/* The id libdossier gives a text without one: "sha256-" + 32 hex digits of SHA-256. */
void ds_document_default_id(const char *text, size_t len, char out[DOSSIER_ID_MAX + 1]);

/* Human message and stable wire name for a return code. */
const char *ds_strerror(int code);
const char *ds_errname(int code);

#ifdef __cplusplus
}
#endif

#endif
