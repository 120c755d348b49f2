/* ds_json.c: see ds_json.h. */
#include "ds_json.h"

#include "ds_utf8.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void ds_json_init(ds_json_t *j, ds_buf_t *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void before_value(ds_json_t *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->need_comma[j->depth]) {
        ds_buf_putc(j->out, ',');
    }
    j->need_comma[j->depth] = true;
}

static void open_(ds_json_t *j, char c)
{
    before_value(j);
    ds_buf_putc(j->out, c);
    assert(j->depth + 1 < DS_JSON_MAX_DEPTH);
    j->depth++;
    j->need_comma[j->depth] = false;
}

static void close_(ds_json_t *j, char c)
{
    assert(j->depth > 0);
    j->depth--;
    ds_buf_putc(j->out, c);
}

void ds_json_obj_open(ds_json_t *j)
{
    open_(j, '{');
}
void ds_json_obj_close(ds_json_t *j)
{
    close_(j, '}');
}
void ds_json_arr_open(ds_json_t *j)
{
    open_(j, '[');
}
void ds_json_arr_close(ds_json_t *j)
{
    close_(j, ']');
}

void ds_json_key(ds_json_t *j, const char *key)
{
    before_value(j);
    ds_json_escape(j->out, key, strlen(key));
    ds_buf_putc(j->out, ':');
    j->after_key = true;
}

/* Bytes that JSON needs escaped, plus every non-ASCII byte (checked as UTF-8). */
static bool needs_care(uint8_t c)
{
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

void ds_json_escape(ds_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)s;
    ds_buf_reserve(b, n + 2);
    ds_buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !needs_care(p[run])) {
            run++;
        }
        if (run > i) { /* copy a whole run of plain ASCII at once */
            ds_buf_append(b, p + i, run - i);
            i = run;
            continue;
        }
        uint8_t c = p[i];
        if (c >= 0x80) {
            size_t len = ds_utf8_seqlen(p + i, n - i);
            if (len == 0) {
                ds_buf_append(b, "\xEF\xBF\xBD", 3);
                i++;
            } else {
                ds_buf_append(b, p + i, len);
                i += len;
            }
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            ds_buf_append(b, esc, 2);
        } else if (c == '\n') {
            ds_buf_append(b, "\\n", 2);
        } else if (c == '\r') {
            ds_buf_append(b, "\\r", 2);
        } else if (c == '\t') {
            ds_buf_append(b, "\\t", 2);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ds_buf_append(b, esc, 6);
        }
        i++;
    }
    ds_buf_putc(b, '"');
}

void ds_json_strn(ds_json_t *j, const char *s, size_t n)
{
    before_value(j);
    ds_json_escape(j->out, s, n);
}

void ds_json_str(ds_json_t *j, const char *s)
{
    if (s == NULL) {
        ds_json_null(j);
        return;
    }
    ds_json_strn(j, s, strlen(s));
}

void ds_json_int(ds_json_t *j, int64_t v)
{
    before_value(j);
    ds_buf_printf(j->out, "%lld", (long long)v);
}

void ds_json_double(ds_json_t *j, double v, int decimals)
{
    if (!isfinite(v)) {
        ds_json_null(j);
        return;
    }
    before_value(j);
    if (decimals < 0) {
        decimals = 0;
    }
    if (decimals > 9) {
        decimals = 9;
    }
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (n <= 0 || (size_t)n >= sizeof tmp) {
        ds_buf_puts(j->out, "0");
        return;
    }
    if (strchr(tmp, '.')) {
        while (n > 0 && tmp[n - 1] == '0') {
            tmp[--n] = '\0';
        }
        if (n > 0 && tmp[n - 1] == '.') {
            tmp[--n] = '\0';
        }
    }
    if (strcmp(tmp, "-0") == 0) {
        strcpy(tmp, "0");
    }
    ds_buf_puts(j->out, tmp);
}

void ds_json_bool(ds_json_t *j, bool v)
{
    before_value(j);
    ds_buf_puts(j->out, v ? "true" : "false");
}

void ds_json_null(ds_json_t *j)
{
    before_value(j);
    ds_buf_puts(j->out, "null");
}

void ds_json_raw(ds_json_t *j, const char *json, size_t n)
{
    before_value(j);
    ds_buf_append(j->out, json, n);
}
