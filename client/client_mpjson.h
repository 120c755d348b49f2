/* client_mpjson.h: MessagePack reply bodies as JSON and as aligned "key  value" text,
 * for commands that show the broker's replies (status, stats, dlq) without knowing
 * every field: new fields the broker adds show up without a client change. */
#ifndef CLIENT_MPJSON_H
#define CLIENT_MPJSON_H

#include "ds_buf.h"
#include "ds_json.h"

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

/* Writes o as JSON (binary as a string of its bytes, floats with 6 decimals). */
void client_mp_json(const msgpack_object *o, ds_json_t *j);

/* Validates and converts one body to one JSON line (no newline) appended to out.
 * Returns 0 or a DS_E* code with errstr. */
int client_body_json(const uint8_t *p, size_t n, ds_buf_t *out, char *errstr, size_t errlen);

/* Appends o as a human table: one "key  value" line per scalar, nested maps as
 * dotted keys, arrays of scalars comma-separated, arrays of maps as JSON. */
void client_mp_table(const msgpack_object *o, const char *prefix, ds_buf_t *out);

/* Scalar o as text (strings bare) appended to out. */
void client_mp_text(const msgpack_object *o, ds_buf_t *out);

#endif
