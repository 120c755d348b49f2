/* ds_client_body.c: see ds_client_body.h.  Documents are checked with the same
 * ds_doc_parse() the broker runs, so a client never sends what the broker would reject
 * for its shape; only the size limit is left to the broker, whose limit is
 * configurable. */
#include "ds_client_body.h"

#include "ds_digest.h"
#include "ds_mdp.h"
#include "ds_mem.h"
#include "ds_msg.h"
#include "ds_utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

_Static_assert(DOSSIER_EINVAL == DS_EINVAL, "dossier.h codes follow ds_err.h");
_Static_assert(DOSSIER_EMSGPACK == DS_EMSGPACK, "dossier.h codes follow ds_err.h");
_Static_assert(DOSSIER_EBUSY == DS_EBUSY, "dossier.h codes follow ds_err.h");
_Static_assert(DOSSIER_ETIMEOUT == DS_ETIMEOUT, "dossier.h codes follow ds_err.h");
_Static_assert(DOSSIER_EIO == DS_EIO, "dossier.h codes follow ds_err.h");
_Static_assert(DOSSIER_ID_MAX == DS_MAX_ID_BYTES, "dossier.h limits follow ds_msg.h");

void ds_document_default_id(const char *text, size_t len, char out[DOSSIER_ID_MAX + 1])
{
    char hex[DS_DIGEST_HEX_LEN + 1];
    ds_sha256_hex((const uint8_t *)text, len, hex);
    snprintf(out, DOSSIER_ID_MAX + 1, "sha256-%.32s", hex);
}

static ds_str_t view(const char *s)
{
    ds_str_t v = {s, s ? strlen(s) : 0};
    return v;
}

/* Packs doc (meta already parsed into *meta or NULL) and re-checks the packed body. */
static int pack_checked(const ds_document_t *doc, size_t text_len, const char *id, const msgpack_object *meta,
                        ds_buf_t *out, char *errstr, size_t errlen)
{
    ds_doc_t d;
    memset(&d, 0, sizeof d);
    d.id = view(id);
    d.text.ptr = doc->text;
    d.text.len = text_len;
    d.title = view(doc->title);
    d.url = view(doc->url);
    d.source = view(doc->source);
    d.published = view(doc->published);
    d.lang = view(doc->lang);
    d.format = view(doc->format);
    d.meta = meta;
    size_t start = out->len;
    ds_pack_t pk;
    ds_pack_init(&pk, out);
    ds_doc_pack(&pk, &d, 0);
    ds_body_t b;
    int rc = ds_body_parse(&b, (const uint8_t *)out->data + start, out->len - start, errstr, errlen);
    if (rc == 0) {
        ds_doc_t check;
        rc = ds_doc_parse(&b, SIZE_MAX, &check, errstr, errlen);
        ds_body_free(&b);
    }
    if (rc != 0) {
        out->len = start;
        return DS_EINVAL;
    }
    return 0;
}

int ds_client_encode_doc(const ds_document_t *doc, ds_buf_t *out, char id_out[DOSSIER_ID_MAX + 1],
                         char *errstr, size_t errlen)
{
    if (doc == NULL || doc->text == NULL) {
        snprintf(errstr, errlen, "field 'text' is required");
        return DS_EINVAL;
    }
    size_t len = doc->text_len ? doc->text_len : strlen(doc->text);
    size_t bad = 0;
    if (ds_utf8_validate((const uint8_t *)doc->text, len, &bad) != 0) {
        snprintf(errstr, errlen, "text is not valid UTF-8 (byte offset %zu)", bad);
        return DS_EINVAL;
    }
    if (doc->id) {
        if (!ds_id_valid(doc->id, strlen(doc->id))) {
            snprintf(errstr, errlen, "id '%.40s' must be 1 to %d bytes of letters, digits and ._:@/+=-",
                     doc->id, DS_MAX_ID_BYTES);
            return DS_EINVAL;
        }
        snprintf(id_out, DOSSIER_ID_MAX + 1, "%s", doc->id);
    } else {
        ds_document_default_id(doc->text, len, id_out);
    }
    ds_body_t meta = {0};
    if (doc->meta) {
        char why[256];
        if (ds_body_parse(&meta, doc->meta, doc->meta_len, why, sizeof why) != 0) {
            snprintf(errstr, errlen, "meta must be one MessagePack map: %s", why);
            return DS_EINVAL;
        }
    }
    int rc = pack_checked(doc, len, id_out, meta.root, out, errstr, errlen);
    ds_body_free(&meta);
    return rc;
}

int ds_client_encode_id(const char *id, ds_buf_t *out, char *errstr, size_t errlen)
{
    if (id == NULL || !ds_id_valid(id, strlen(id))) {
        snprintf(errstr, errlen,
                 "'%.40s' is not a document id (1 to %d bytes of letters, digits and ._:@/+=-)", id ? id : "",
                 DS_MAX_ID_BYTES);
        return DS_EINVAL;
    }
    ds_pack_t pk;
    ds_pack_init(&pk, out);
    ds_pack_map(&pk, 1);
    ds_pack_kv_str(&pk, "id", id);
    return 0;
}

/* Copies string field key into dst (truncated, always terminated; "" when absent). */
static int copy_str(const ds_body_t *b, const char *key, char *dst, size_t cap, char *errstr, size_t errlen)
{
    ds_str_t s;
    dst[0] = '\0';
    int rc = ds_body_str(b, key, &s, errstr, errlen);
    if (rc == 1) {
        size_t n = s.len < cap - 1 ? s.len : cap - 1;
        memcpy(dst, s.ptr, n);
        dst[n] = '\0';
    }
    return rc < 0 ? rc : 0;
}

int ds_client_parse_submit(const uint8_t *p, size_t n, ds_submit_reply_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    ds_body_t b;
    int rc = ds_body_parse(&b, p, n, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    if ((rc = copy_str(&b, "status", out->status, sizeof out->status, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "id", out->id, sizeof out->id, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "code", out->code, sizeof out->code, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "error", out->error, sizeof out->error, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "state", out->state, sizeof out->state, errstr, errlen)) == 0) {
        rc = ds_body_int(&b, "retry_after_ms", &out->retry_after_ms, errstr, errlen);
        rc = rc < 0 ? rc : 0;
    }
    ds_body_free(&b);
    if (rc == 0 && out->status[0] == '\0') {
        snprintf(errstr, errlen, "reply has no 'status'");
        rc = DS_EFIELD;
    }
    return rc;
}

int ds_client_parse_status(const uint8_t *p, size_t n, ds_status_reply_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    ds_body_t b;
    int rc = ds_body_parse(&b, p, n, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    if ((rc = copy_str(&b, "status", out->status, sizeof out->status, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "id", out->id, sizeof out->id, errstr, errlen)) == 0 &&
        (rc = copy_str(&b, "error", out->error, sizeof out->error, errstr, errlen)) == 0) {
        rc = ds_body_int(&b, "attempts", &out->attempts, errstr, errlen);
        rc = rc < 0 ? rc : 0;
    }
    ds_body_free(&b);
    return rc;
}

int ds_client_parse_head(const uint8_t *p, size_t n, char *status, size_t status_len, char *id, size_t id_len,
                         int64_t *retry_after_ms)
{
    char why[128];
    ds_body_t b;
    int rc = ds_body_parse(&b, p, n, why, sizeof why);
    if (rc != 0) {
        return rc;
    }
    *retry_after_ms = 0;
    if ((rc = copy_str(&b, "status", status, status_len, why, sizeof why)) == 0 &&
        (rc = copy_str(&b, "id", id, id_len, why, sizeof why)) == 0) {
        rc = ds_body_int(&b, "retry_after_ms", retry_after_ms, why, sizeof why);
        rc = rc < 0 ? rc : 0;
    }
    ds_body_free(&b);
    return rc;
}

/* ---- framing -------------------------------------------------------------------- */

void *ds_client_socket(void *ctx, const char *endpoint, bool immediate, char *errstr, size_t errlen)
{
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    if (s == NULL) {
        snprintf(errstr, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(errno));
        return NULL;
    }
    int zero = 0, one = 1, ivl = 1000, ttl = 3000;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(s, ZMQ_HEARTBEAT_TIMEOUT, &ttl, sizeof ttl);
    if (immediate) {
        zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof one);
    }
    if (zmq_connect(s, endpoint) != 0) {
        snprintf(errstr, errlen, "cannot connect to '%s': %s (expected e.g. tcp://127.0.0.1:5555)", endpoint,
                 zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    return s;
}

int ds_client_send(void *sock, const char *service, const void *body, size_t len)
{
    /* the first frame decides: a multipart message is queued whole or not at all */
    if (zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        return errno == EAGAIN ? DS_EBUSY : DS_EIO;
    }
    if (zmq_send(sock, MDPC_CLIENT, strlen(MDPC_CLIENT), ZMQ_SNDMORE) < 0 ||
        zmq_send(sock, service, strlen(service), ZMQ_SNDMORE) < 0 || zmq_send(sock, body, len, 0) < 0) {
        return DS_EIO;
    }
    return 0;
}

/* Receives all frames of one message; returns the count (at most max kept) or -1. */
static int recv_frames(void *sock, zmq_msg_t *frames, int max, int flags)
{
    int n = 0;
    int more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, n == 0 ? flags : 0) < 0) {
            zmq_msg_close(&m);
            for (int i = 0; i < n && i < max; i++) {
                zmq_msg_close(&frames[i]);
            }
            return -1;
        }
        more = zmq_msg_more(&m);
        if (n < max) {
            frames[n] = m;
        } else {
            zmq_msg_close(&m);
        }
        n++;
    }
    return n;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
    size_t n = strlen(s);
    return zmq_msg_size(m) == n && memcmp(zmq_msg_data(m), s, n) == 0;
}

int ds_client_recv(void *sock, char *service, size_t service_len, uint8_t **body, size_t *body_len)
{
    zmq_msg_t f[4];
    int n = recv_frames(sock, f, 4, ZMQ_DONTWAIT);
    if (n < 0) {
        return errno == EAGAIN ? 0 : DS_EIO;
    }
    int rc = DS_EFRAME;
    if (n == 4 && zmq_msg_size(&f[0]) == 0 && frame_is(&f[1], MDPC_CLIENT)) {
        size_t sl = zmq_msg_size(&f[2]) < service_len - 1 ? zmq_msg_size(&f[2]) : service_len - 1;
        memcpy(service, zmq_msg_data(&f[2]), sl);
        service[sl] = '\0';
        *body_len = zmq_msg_size(&f[3]);
        *body = ds_xmalloc(*body_len + 1);
        memcpy(*body, zmq_msg_data(&f[3]), *body_len);
        rc = 1;
    }
    for (int i = 0; i < n && i < 4; i++) {
        zmq_msg_close(&f[i]);
    }
    return rc;
}
