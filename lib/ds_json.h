/* ds_json.h: a small streaming JSON writer into a ds_buf_t.
 *
 * The writer tracks nesting and inserts commas; callers emit keys and values in
 * order.  Strings are written as given when they are valid UTF-8; invalid bytes
 * become U+FFFD so the output is always valid JSON.  Doubles that are not finite
 * are written as null.
 */
#ifndef DS_JSON_H
#define DS_JSON_H

#include "ds_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DS_JSON_MAX_DEPTH 32

typedef struct {
    ds_buf_t *out; /* borrowed */
    int depth;
    bool need_comma[DS_JSON_MAX_DEPTH];
    bool after_key;
} ds_json_t;

void ds_json_init(ds_json_t *j, ds_buf_t *out);
void ds_json_obj_open(ds_json_t *j);
void ds_json_obj_close(ds_json_t *j);
void ds_json_arr_open(ds_json_t *j);
void ds_json_arr_close(ds_json_t *j);
void ds_json_key(ds_json_t *j, const char *key);
void ds_json_str(ds_json_t *j, const char *s);
void ds_json_strn(ds_json_t *j, const char *s, size_t n);
void ds_json_int(ds_json_t *j, int64_t v);
/* Writes v rounded to `decimals` places (0..9), trailing zeros trimmed. */
void ds_json_double(ds_json_t *j, double v, int decimals);
void ds_json_bool(ds_json_t *j, bool v);
void ds_json_null(ds_json_t *j);
/* Appends an already-encoded JSON value verbatim. */
void ds_json_raw(ds_json_t *j, const char *json, size_t n);

/* Appends s as a JSON string literal (with quotes) to b. */
void ds_json_escape(ds_buf_t *b, const char *s, size_t n);

#endif
