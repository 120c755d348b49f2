/* ds_msg.c: see ds_msg.h. */
#include "ds_msg.h"

#include "ds_mem.h"
#include "ds_mpv.h"

#include <stdio.h>
#include <string.h>

int ds_body_parse(ds_body_t *b, const uint8_t *p, size_t n, char *errstr, size_t errlen)
{
    memset(b, 0, sizeof *b);
    int rc = ds_mpv_check(p, n, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    msgpack_unpacked_init(&b->up);
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack_next(&b->up, (const char *)p, n, &off);
    if (ur != MSGPACK_UNPACK_SUCCESS || off != n) {
        msgpack_unpacked_destroy(&b->up);
        snprintf(errstr, errlen, "msgpack-c could not unpack the body");
        return DS_EMSGPACK;
    }
    if (b->up.data.type != MSGPACK_OBJECT_MAP) {
        msgpack_unpacked_destroy(&b->up);
        snprintf(errstr, errlen, "body must be a msgpack map with string keys");
        return DS_ENOTMAP;
    }
    b->root = &b->up.data;
    b->bytes = p;
    b->len = n;
    return 0;
}

void ds_body_free(ds_body_t *b)
{
    if (b->root) {
        msgpack_unpacked_destroy(&b->up);
        b->root = NULL;
    }
}

static const msgpack_object *lookup(const ds_body_t *b, const char *key)
{
    size_t klen = strlen(key);
    const msgpack_object_map *m = &b->root->via.map;
    /* last occurrence wins for duplicated keys, like most JSON parsers */
    const msgpack_object *found = NULL;
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
            memcmp(k->via.str.ptr, key, klen) == 0) {
            found = &m->ptr[i].val;
        }
    }
    return found;
}

static int wrong_type(const char *key, const char *want, char *errstr, size_t errlen)
{
    if (errstr && errlen) {
        snprintf(errstr, errlen, "field '%s' must be %s", key, want);
    }
    return DS_EFIELD;
}

int ds_body_str(const ds_body_t *b, const char *key, ds_str_t *out, char *errstr, size_t errlen)
{
    out->ptr = NULL;
    out->len = 0;
    const msgpack_object *o = lookup(b, key);
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL) {
        return 0;
    }
    if (o->type != MSGPACK_OBJECT_STR) {
        return wrong_type(key, "a string", errstr, errlen);
    }
    out->ptr = o->via.str.size ? o->via.str.ptr : "";
    out->len = o->via.str.size;
    return 1;
}

int ds_body_int(const ds_body_t *b, const char *key, int64_t *out, char *errstr, size_t errlen)
{
    const msgpack_object *o = lookup(b, key);
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL) {
        return 0;
    }
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > (uint64_t)INT64_MAX) {
            return wrong_type(key, "an integer below 2^63", errstr, errlen);
        }
        *out = (int64_t)o->via.u64;
        return 1;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return 1;
    }
    return wrong_type(key, "an integer", errstr, errlen);
}

int ds_body_bool(const ds_body_t *b, const char *key, bool *out, char *errstr, size_t errlen)
{
    const msgpack_object *o = lookup(b, key);
    if (o == NULL || o->type == MSGPACK_OBJECT_NIL) {
        return 0;
    }
    if (o->type != MSGPACK_OBJECT_BOOLEAN) {
        return wrong_type(key, "a boolean", errstr, errlen);
    }
    *out = o->via.boolean;
    return 1;
}

int ds_body_obj(const ds_body_t *b, const char *key, const msgpack_object **out)
{
    const msgpack_object *o = lookup(b, key);
    *out = o;
    return o != NULL;
}

bool ds_str_eq(ds_str_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.ptr != NULL && s.len == n && memcmp(s.ptr, lit, n) == 0;
}

char *ds_str_dup(ds_str_t s)
{
    return s.ptr ? ds_xstrndup(s.ptr, s.len) : ds_xstrdup("");
}

/* ---- writing ------------------------------------------------------------- */

static int buf_write(void *data, const char *buf, size_t len)
{
    ds_buf_append(data, buf, len);
    return 0;
}

void ds_pack_init(ds_pack_t *p, ds_buf_t *out)
{
    p->out = out;
    msgpack_packer_init(&p->pk, out, buf_write);
}

void ds_pack_map(ds_pack_t *p, uint32_t pairs)
{
    msgpack_pack_map(&p->pk, pairs);
}
void ds_pack_array(ds_pack_t *p, uint32_t n)
{
    msgpack_pack_array(&p->pk, n);
}

void ds_pack_strn(ds_pack_t *p, const char *s, size_t n)
{
    msgpack_pack_str(&p->pk, n);
    msgpack_pack_str_body(&p->pk, s, n);
}

void ds_pack_str(ds_pack_t *p, const char *s)
{
    ds_pack_strn(p, s, strlen(s));
}
void ds_pack_int(ds_pack_t *p, int64_t v)
{
    msgpack_pack_int64(&p->pk, v);
}
void ds_pack_double(ds_pack_t *p, double v)
{
    msgpack_pack_double(&p->pk, v);
}
void ds_pack_bool(ds_pack_t *p, bool v)
{
    (v ? msgpack_pack_true : msgpack_pack_false)(&p->pk);
}
void ds_pack_nil(ds_pack_t *p)
{
    msgpack_pack_nil(&p->pk);
}
void ds_pack_obj(ds_pack_t *p, const msgpack_object *o)
{
    msgpack_pack_object(&p->pk, *o);
}

void ds_pack_kv_str(ds_pack_t *p, const char *key, const char *v)
{
    ds_pack_str(p, key);
    ds_pack_str(p, v);
}

void ds_pack_kv_strn(ds_pack_t *p, const char *key, const char *v, size_t n)
{
    ds_pack_str(p, key);
    ds_pack_strn(p, v, n);
}

void ds_pack_kv_int(ds_pack_t *p, const char *key, int64_t v)
{
    ds_pack_str(p, key);
    ds_pack_int(p, v);
}

void ds_pack_kv_bool(ds_pack_t *p, const char *key, bool v)
{
    ds_pack_str(p, key);
    ds_pack_bool(p, v);
}
