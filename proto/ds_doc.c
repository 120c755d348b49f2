/* ds_doc.c: the document body of dossier.submit and dossier.analyze (SPEC.md §5):
 * field types and limits, checked once at the first boundary that decodes it. */
#include "ds_msg.h"

#include <stdio.h>
#include <string.h>

bool ds_id_valid(const char *id, size_t len)
{
    if (len == 0 || len > DS_MAX_ID_BYTES) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("._:@/+=-", c) != NULL;
        if (!ok || c == '\0') {
            return false;
        }
    }
    return true;
}

static bool only_space(ds_str_t s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
            return false;
        }
    }
    return true;
}

/* An optional bounded string field. */
static int opt_str(const ds_body_t *b, const char *key, size_t max, ds_str_t *out, char *errstr,
                   size_t errlen)
{
    int rc = ds_body_str(b, key, out, errstr, errlen);
    if (rc < 0) {
        return rc;
    }
    if (rc == 1 && out->len > max) {
        snprintf(errstr, errlen, "field '%s' is longer than %zu bytes", key, max);
        return DS_EFIELD;
    }
    return 0;
}

static int check_text(const ds_body_t *b, size_t max_text, ds_doc_t *d, char *errstr, size_t errlen)
{
    int rc = ds_body_str(b, "text", &d->text, errstr, errlen);
    if (rc < 0) {
        return rc;
    }
    if (rc == 0) {
        snprintf(errstr, errlen, "field 'text' is required");
        return DS_EFIELD;
    }
    if (d->text.len > max_text) {
        snprintf(errstr, errlen, "field 'text' is %zu bytes, over the limit of %zu", d->text.len, max_text);
        return DS_ETOOBIG;
    }
    if (d->text.len == 0 || only_space(d->text)) {
        snprintf(errstr, errlen, "field 'text' is empty");
        return DS_EEMPTY;
    }
    return 0;
}

static int check_optional(const ds_body_t *b, ds_doc_t *d, char *errstr, size_t errlen)
{
    int rc;
    if ((rc = opt_str(b, "id", DS_MAX_ID_BYTES, &d->id, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "title", DS_MAX_TITLE_BYTES, &d->title, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "url", DS_MAX_URL_BYTES, &d->url, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "source", DS_MAX_SOURCE_BYTES, &d->source, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "published", DS_MAX_PUBLISHED_BYTES, &d->published, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "lang", DS_MAX_LANG_BYTES, &d->lang, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "format", 8, &d->format, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "error", DS_MAX_ERROR_BYTES, &d->error, errstr, errlen)) != 0 ||
        (rc = opt_str(b, "digest", 64, &d->digest, errstr, errlen)) != 0) {
        return rc;
    }
    if (d->id.ptr && !ds_id_valid(d->id.ptr, d->id.len)) {
        snprintf(errstr, errlen, "field 'id' must be 1 to %d bytes of letters, digits and ._:@/+=-",
                 DS_MAX_ID_BYTES);
        return DS_EFIELD;
    }
    if (d->format.ptr && !ds_str_eq(d->format, "text") && !ds_str_eq(d->format, "html")) {
        snprintf(errstr, errlen, "field 'format' must be \"text\" or \"html\"");
        return DS_EFIELD;
    }
    return 0;
}

static int check_meta(const ds_body_t *b, ds_doc_t *d, char *errstr, size_t errlen)
{
    const msgpack_object *meta = NULL;
    if (!ds_body_obj(b, "meta", &meta) || meta->type == MSGPACK_OBJECT_NIL) {
        d->meta = NULL;
        return 0;
    }
    if (meta->type != MSGPACK_OBJECT_MAP) {
        snprintf(errstr, errlen, "field 'meta' must be a map");
        return DS_EFIELD;
    }
    /* meta's own bound keeps journal records and Redis hashes small */
    ds_buf_t tmp = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &tmp);
    ds_pack_obj(&pk, meta);
    size_t n = tmp.len;
    ds_buf_free(&tmp);
    if (n > DS_MAX_META_BYTES) {
        snprintf(errstr, errlen, "field 'meta' is %zu bytes encoded, over the limit of %d", n,
                 DS_MAX_META_BYTES);
        return DS_EFIELD;
    }
    d->meta = meta;
    return 0;
}

int ds_doc_parse(const ds_body_t *b, size_t max_text, ds_doc_t *d, char *errstr, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (max_text == 0) {
        max_text = DS_MAX_DOC_BYTES_DEFAULT;
    }
    int rc;
    if ((rc = check_optional(b, d, errstr, errlen)) != 0 ||
        (rc = check_text(b, max_text, d, errstr, errlen)) != 0 ||
        (rc = check_meta(b, d, errstr, errlen)) != 0) {
        return rc;
    }
    rc = ds_body_int(b, "attempt", &d->attempt, errstr, errlen);
    if (rc < 0) {
        return rc;
    }
    rc = ds_body_bool(b, "dead", &d->dead, errstr, errlen);
    return rc < 0 ? rc : 0;
}

static uint32_t count_fields(const ds_doc_t *d)
{
    const ds_str_t *f[] = {&d->id,     &d->text,      &d->title, &d->url,
                           &d->source, &d->published, &d->lang,  &d->format};
    uint32_t n = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        n += f[i]->ptr != NULL;
    }
    return n + (d->meta != NULL);
}

void ds_doc_pack(ds_pack_t *p, const ds_doc_t *d, uint32_t extra_pairs)
{
    ds_pack_map(p, count_fields(d) + extra_pairs);
    const struct {
        const char *key;
        const ds_str_t *v;
    } f[] = {{"id", &d->id},     {"text", &d->text},     {"title", &d->title},
             {"url", &d->url},   {"source", &d->source}, {"published", &d->published},
             {"lang", &d->lang}, {"format", &d->format}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i].v->ptr) {
            ds_pack_kv_strn(p, f[i].key, f[i].v->ptr, f[i].v->len);
        }
    }
    if (d->meta) {
        ds_pack_str(p, "meta");
        ds_pack_obj(p, d->meta);
    }
}
