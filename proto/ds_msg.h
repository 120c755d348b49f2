/* ds_msg.h: Dossier's message bodies: one msgpack map with string keys (SPEC.md §4).
 *
 * Reading: ds_body_parse() runs the pre-validator (ds_mpv.h) and only then lets
 * msgpack-c unpack, and requires the top object to be a map.  Lookups by key return
 * 1 (found), 0 (absent) or DS_EFIELD (present with the wrong type, errstr names the
 * field).  Strings are borrowed views into the caller's bytes: they live as long as
 * those bytes, not the body.  Unknown keys are ignored.
 *
 * Writing: ds_pack_t wraps msgpack-c's packer appending to a ds_buf_t.
 *
 * Typed document: ds_doc_parse() checks a dossier.submit / dossier.analyze body
 * against the limits of SPEC.md §5 and fills a ds_doc_t of views.
 */
#ifndef DS_MSG_H
#define DS_MSG_H

#include "ds_buf.h"
#include "ds_err.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *ptr; /* not NUL-terminated; NULL when absent */
    size_t len;
} ds_str_t;

typedef struct {
    msgpack_unpacked up;
    const msgpack_object *root; /* the map */
    const uint8_t *bytes;       /* borrowed: the frame that was parsed */
    size_t len;
} ds_body_t;

/* Validates and unpacks; on success the caller must ds_body_free().  On failure
 * nothing needs freeing.  Returns 0, DS_EMSGPACK, DS_EUTF8 or DS_ENOTMAP. */
int ds_body_parse(ds_body_t *b, const uint8_t *p, size_t n, char *errstr, size_t errlen) DS_WUR;
void ds_body_free(ds_body_t *b);

int ds_body_str(const ds_body_t *b, const char *key, ds_str_t *out, char *errstr, size_t errlen);
int ds_body_int(const ds_body_t *b, const char *key, int64_t *out, char *errstr, size_t errlen);
int ds_body_bool(const ds_body_t *b, const char *key, bool *out, char *errstr, size_t errlen);
/* Any type; *out points into the unpacked tree (valid until ds_body_free). */
int ds_body_obj(const ds_body_t *b, const char *key, const msgpack_object **out);

/* Helpers on views. */
bool ds_str_eq(ds_str_t s, const char *lit);
char *ds_str_dup(ds_str_t s); /* caller owns; "" for an absent view */

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    msgpack_packer pk;
    ds_buf_t *out; /* borrowed */
} ds_pack_t;

void ds_pack_init(ds_pack_t *p, ds_buf_t *out);
void ds_pack_map(ds_pack_t *p, uint32_t pairs);
void ds_pack_array(ds_pack_t *p, uint32_t n);
void ds_pack_str(ds_pack_t *p, const char *s);
void ds_pack_strn(ds_pack_t *p, const char *s, size_t n);
void ds_pack_int(ds_pack_t *p, int64_t v);
void ds_pack_double(ds_pack_t *p, double v);
void ds_pack_bool(ds_pack_t *p, bool v);
void ds_pack_nil(ds_pack_t *p);
void ds_pack_obj(ds_pack_t *p, const msgpack_object *o);
/* key/value shorthands */
void ds_pack_kv_str(ds_pack_t *p, const char *key, const char *v);
void ds_pack_kv_strn(ds_pack_t *p, const char *key, const char *v, size_t n);
void ds_pack_kv_int(ds_pack_t *p, const char *key, int64_t v);
void ds_pack_kv_bool(ds_pack_t *p, const char *key, bool v);

/* ---- the document ---------------------------------------------------------- */

#define DS_MAX_DOC_BYTES_DEFAULT (1024 * 1024)
#define DS_MAX_ID_BYTES 128
#define DS_MAX_TITLE_BYTES 1024
#define DS_MAX_URL_BYTES 4096
#define DS_MAX_SOURCE_BYTES 256
#define DS_MAX_PUBLISHED_BYTES 64
#define DS_MAX_LANG_BYTES 16
#define DS_MAX_META_BYTES (64 * 1024)
#define DS_MAX_ERROR_BYTES 1024

typedef struct {
    ds_str_t id;
    ds_str_t text;
    ds_str_t title;
    ds_str_t url;
    ds_str_t source;
    ds_str_t published;
    ds_str_t lang;
    ds_str_t format;            /* "text" or "html"; absent means text */
    const msgpack_object *meta; /* a map, or NULL */
    /* dossier.analyze only (set by the broker) */
    int64_t attempt; /* 0 when absent */
    bool dead;       /* record as dead without analysing */
    ds_str_t error;  /* last error, with dead */
    ds_str_t digest; /* SHA-256 hex of text, when the broker sent it */
} ds_doc_t;

/* Checks the fields of a parsed body as a document: `text` required, a non-empty
 * string of at most max_text bytes (0: DS_MAX_DOC_BYTES_DEFAULT) that is not only
 * whitespace; optional fields typed and bounded; `id` 1..128 bytes of
 * [A-Za-z0-9._:@/+=-].  Returns 0 or DS_EFIELD, DS_EEMPTY, DS_ETOOBIG with errstr
 * naming the field. */
int ds_doc_parse(const ds_body_t *b, size_t max_text, ds_doc_t *d, char *errstr, size_t errlen) DS_WUR;

/* true when id is a valid document id (see ds_doc_parse). */
bool ds_id_valid(const char *id, size_t len);

/* Encodes the document's fields (all present ones) as one map, plus `extra_pairs`
 * more pairs that the caller packs right after (e.g. attempt). */
void ds_doc_pack(ds_pack_t *p, const ds_doc_t *d, uint32_t extra_pairs);

#endif
