/* client_mpjson.c: see client_mpjson.h. */
#include "client_mpjson.h"

#include "ds_msg.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void client_mp_json(const msgpack_object *o, ds_json_t *j)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        ds_json_null(j);
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        ds_json_bool(j, o->via.boolean);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        ds_json_int(j, o->via.u64 > INT64_MAX ? INT64_MAX : (int64_t)o->via.u64);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        ds_json_int(j, o->via.i64);
        break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        ds_json_double(j, o->via.f64, 6);
        break;
    case MSGPACK_OBJECT_STR:
        ds_json_strn(j, o->via.str.ptr, o->via.str.size);
        break;
    case MSGPACK_OBJECT_BIN:
        ds_json_strn(j, o->via.bin.ptr, o->via.bin.size);
        break;
    case MSGPACK_OBJECT_ARRAY:
        ds_json_arr_open(j);
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            client_mp_json(&o->via.array.ptr[i], j);
        }
        ds_json_arr_close(j);
        break;
    case MSGPACK_OBJECT_MAP:
        ds_json_obj_open(j);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object *k = &o->via.map.ptr[i].key;
            char key[256];
            snprintf(key, sizeof key, "%.*s", k->type == MSGPACK_OBJECT_STR ? (int)k->via.str.size : 1,
                     k->type == MSGPACK_OBJECT_STR ? k->via.str.ptr : "?");
            ds_json_key(j, key);
            client_mp_json(&o->via.map.ptr[i].val, j);
        }
        ds_json_obj_close(j);
        break;
    default:
        ds_json_null(j);
        break;
    }
}

int client_body_json(const uint8_t *p, size_t n, ds_buf_t *out, char *errstr, size_t errlen)
{
    ds_body_t b;
    int rc = ds_body_parse(&b, p, n, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    ds_json_t j;
    ds_json_init(&j, out);
    client_mp_json(b.root, &j);
    ds_body_free(&b);
    return 0;
}

void client_mp_text(const msgpack_object *o, ds_buf_t *out)
{
    if (o->type == MSGPACK_OBJECT_STR) {
        ds_buf_append(out, o->via.str.ptr, o->via.str.size);
        return;
    }
    ds_json_t j;
    ds_json_init(&j, out);
    client_mp_json(o, &j);
}

static bool scalar_array(const msgpack_object *o)
{
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        if (o->via.array.ptr[i].type == MSGPACK_OBJECT_MAP ||
            o->via.array.ptr[i].type == MSGPACK_OBJECT_ARRAY) {
            return false;
        }
    }
    return true;
}

void client_mp_table(const msgpack_object *o, const char *prefix, ds_buf_t *out)
{
    if (o->type != MSGPACK_OBJECT_MAP) {
        ds_buf_printf(out, "%-32s ", prefix);
        if (o->type == MSGPACK_OBJECT_ARRAY && scalar_array(o)) {
            for (uint32_t i = 0; i < o->via.array.size; i++) {
                ds_buf_puts(out, i ? ", " : "");
                client_mp_text(&o->via.array.ptr[i], out);
            }
        } else {
            client_mp_text(o, out);
        }
        ds_buf_putc(out, '\n');
        return;
    }
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key;
        char key[512];
        snprintf(key, sizeof key, "%s%s%.*s", prefix, *prefix ? "." : "",
                 k->type == MSGPACK_OBJECT_STR ? (int)k->via.str.size : 1,
                 k->type == MSGPACK_OBJECT_STR ? k->via.str.ptr : "?");
        client_mp_table(&o->via.map.ptr[i].val, key, out);
    }
}
