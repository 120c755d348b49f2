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

/* One byte, without a call (the writer's commas, colons and brackets). */
static inline void put1(ds_buf_t *b, char c)
{
    if (b->len + 2 > b->cap) {
        ds_buf_reserve(b, 1);
    }
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

static void before_value(ds_json_t *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->need_comma[j->depth]) {
        put1(j->out, ',');
    }
    j->need_comma[j->depth] = true;
}

static void open_(ds_json_t *j, char c)
{
    before_value(j);
    put1(j->out, c);
    assert(j->depth + 1 < DS_JSON_MAX_DEPTH);
    j->depth++;
    j->need_comma[j->depth] = false;
}

static void close_(ds_json_t *j, char c)
{
    assert(j->depth > 0);
    j->depth--;
    put1(j->out, c);
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

#define KEY_FAST_MAX 48

void ds_json_key(ds_json_t *j, const char *key)
{
    before_value(j);
    ds_buf_t *b = j->out;
    if (b->len + KEY_FAST_MAX + 4 > b->cap) {
        ds_buf_reserve(b, KEY_FAST_MAX + 4);
    }
    /* keys are short plain ASCII: copied while checked, in one pass */
    char *o = b->data + b->len;
    *o++ = '"';
    size_t n = 0;
    for (; n < KEY_FAST_MAX; n++) {
        uint8_t c = (uint8_t)key[n];
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
            break;
        }
        o[n] = (char)c;
    }
    if (key[n] == '\0') {
        o[n] = '"';
        o[n + 1] = ':';
        b->len += n + 3;
        b->data[b->len] = '\0';
    } else {
        ds_json_escape(b, key, strlen(key));
        put1(b, ':');
    }
    j->after_key = true;
}

/* Bytes that JSON needs escaped, plus every non-ASCII byte (checked as UTF-8). */
static bool needs_care(uint8_t c)
{
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any of the eight bytes in w needs care (may say yes for a plain byte
 * that follows one that does: the caller then looks byte by byte). */
static inline bool word_needs_care(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"'), bs = w ^ (ONES * '\\'), del = w ^ (ONES * 0x7f);
    uint64_t zero = ((q - ONES) & ~q) | ((bs - ONES) & ~bs) | ((del - ONES) & ~del);
    uint64_t ctl = w - ONES * 0x20; /* borrows into bit 7 of bytes < 0x20 */
    return ((zero | ctl | w) & HIGHS) != 0;
}

/* Writes s[0..n) escaped at o (room for 6 bytes per input byte) and returns the
 * end: plain ASCII eight bytes per step, the rest byte by byte. */
static char *escape_into(char *o, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, p + i, 8), !word_needs_care(w))) {
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
            continue;
        }
        uint8_t c = p[i];
        if (!needs_care(c)) {
            *o++ = (char)c;
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = ds_utf8_seqlen(p + i, n - i);
            if (len == 0) {
                memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
                i++;
            } else {
                memcpy(o, p + i, len);
                o += len;
                i += len;
            }
            continue;
        }
        *o++ = '\\';
        if (c == '"' || c == '\\') {
            *o++ = (char)c;
        } else if (c == '\n') {
            *o++ = 'n';
        } else if (c == '\r') {
            *o++ = 'r';
        } else if (c == '\t') {
            *o++ = 't';
        } else {
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
        i++;
    }
    return o;
}

void ds_json_escape(ds_buf_t *b, const char *s, size_t n)
{
    ds_buf_reserve(b, 6 * n + 2 + 8); /* worst case "\u00XX" per byte; 8 for a word store */
    char *o = b->data + b->len;
    *o++ = '"';
    o = escape_into(o, (const uint8_t *)s, n);
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
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
    /* decimal digits by hand: results carry thousands of offsets, and printf's
     * format parsing was a good part of the JSON stage */
    char tmp[24];
    size_t i = sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        tmp[--i] = '-';
    }
    ds_buf_append(j->out, tmp + i, sizeof tmp - i);
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
