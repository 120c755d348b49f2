/* ds_mpv.c: see ds_mpv.h.  An iterative walk with an explicit stack of "items still
 * expected" per open container; no recursion, no allocation. */
#include "ds_mpv.h"

#include "ds_utf8.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    const uint8_t *p;
    size_t n;
    size_t off;
    char *errstr;
    size_t errlen;
} walk_t;

static int fail(walk_t *w, int code, const char *what)
{
    if (w->errstr && w->errlen) {
        snprintf(w->errstr, w->errlen, "%s at byte %zu", what, w->off);
    }
    return code;
}

static uint64_t be(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Skips `len` payload bytes after a header of `hdr` bytes; checks they exist. */
static int skip(walk_t *w, size_t hdr, uint64_t len, bool is_str)
{
    if (hdr > w->n - w->off || len > w->n - w->off - hdr) {
        return fail(w, DS_EMSGPACK, "length exceeds the bytes that remain");
    }
    if (is_str) {
        size_t bad = 0;
        if (ds_utf8_validate(w->p + w->off + hdr, (size_t)len, &bad) != 0) {
            w->off += hdr + bad;
            return fail(w, DS_EUTF8, "invalid UTF-8 in string");
        }
    }
    w->off += hdr + (size_t)len;
    return 0;
}

/* Reads a variable-width header: `hdr` bytes of which the last `lenbytes` are a length. */
static int read_len(walk_t *w, int lenbytes, uint64_t *len)
{
    if ((size_t)(1 + lenbytes) > w->n - w->off) {
        return fail(w, DS_EMSGPACK, "truncated header");
    }
    *len = be(w->p + w->off + 1, lenbytes);
    return 0;
}

/* Classifies the object at w->off.  For scalars and strings it advances past them and
 * sets *count = 0; for containers it advances past the header and sets *count to the
 * number of child objects (2 per map pair) and *is_map. */
static int step(walk_t *w, uint64_t *count, bool *is_map)
{
    uint8_t c = w->p[w->off];
    uint64_t len = 0;
    int rc;
    *count = 0;
    *is_map = false;
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
        return skip(w, 1, 0, false);
    }
    if (c >= 0xa0 && c <= 0xbf) {
        return skip(w, 1, c & 0x1f, true);
    }
    if ((c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf) {
        int lb = c == 0xde ? 2 : c == 0xdf ? 4 : 0;
        if (lb && (rc = read_len(w, lb, &len)) != 0) {
            return rc;
        }
        *count = 2 * (lb ? len : (uint64_t)(c & 0x0f));
        *is_map = true;
        w->off += 1 + (size_t)lb;
    } else if ((c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd) {
        int lb = c == 0xdc ? 2 : c == 0xdd ? 4 : 0;
        if (lb && (rc = read_len(w, lb, &len)) != 0) {
            return rc;
        }
        *count = lb ? len : (uint64_t)(c & 0x0f);
        w->off += 1 + (size_t)lb;
    } else {
        switch (c) {
        case 0xc4:
        case 0xc5:
        case 0xc6:
        case 0xd9:
        case 0xda:
        case 0xdb: {
            int lb = (c == 0xc4 || c == 0xd9) ? 1 : (c == 0xc5 || c == 0xda) ? 2 : 4;
            if ((rc = read_len(w, lb, &len)) != 0) {
                return rc;
            }
            return skip(w, 1 + (size_t)lb, len, c >= 0xd9);
        }
        case 0xc7:
        case 0xc8:
        case 0xc9: {
            int lb = c == 0xc7 ? 1 : c == 0xc8 ? 2 : 4;
            if ((rc = read_len(w, lb, &len)) != 0) {
                return rc;
            }
            return skip(w, 2 + (size_t)lb, len, false); /* +1 type byte */
        }
        case 0xca:
            return skip(w, 1, 4, false);
        case 0xcb:
            return skip(w, 1, 8, false);
        case 0xcc:
        case 0xd0:
            return skip(w, 1, 1, false);
        case 0xcd:
        case 0xd1:
            return skip(w, 1, 2, false);
        case 0xce:
        case 0xd2:
            return skip(w, 1, 4, false);
        case 0xcf:
        case 0xd3:
            return skip(w, 1, 8, false);
        case 0xd4:
            return skip(w, 2, 1, false);
        case 0xd5:
            return skip(w, 2, 2, false);
        case 0xd6:
            return skip(w, 2, 4, false);
        case 0xd7:
            return skip(w, 2, 8, false);
        case 0xd8:
            return skip(w, 2, 16, false);
        default:
            return fail(w, DS_EMSGPACK, "reserved byte 0xc1");
        }
    }
    /* every child needs at least one byte */
    if (*count > w->n - w->off) {
        return fail(w, DS_EMSGPACK, "element count exceeds the bytes that remain");
    }
    return 0;
}

static bool is_str_header(uint8_t c)
{
    return (c >= 0xa0 && c <= 0xbf) || c == 0xd9 || c == 0xda || c == 0xdb;
}

int ds_mpv_check(const uint8_t *p, size_t n, char *errstr, size_t errlen)
{
    walk_t w = {p, n, 0, errstr, errlen};
    uint64_t left[DS_MPV_MAX_DEPTH + 1];
    bool map[DS_MPV_MAX_DEPTH + 1];
    int depth = 0;
    left[0] = 1;
    map[0] = false;
    if (n == 0) {
        return fail(&w, DS_EMSGPACK, "empty body");
    }
    while (depth > 0 || left[0] > 0) {
        if (left[depth] == 0) {
            depth--;
            continue;
        }
        if (w.off >= n) {
            return fail(&w, DS_EMSGPACK, "truncated: more elements announced than present");
        }
        /* in a map, even positions (counting down from an even total) are keys */
        if (map[depth] && left[depth] % 2 == 0 && !is_str_header(p[w.off])) {
            return fail(&w, DS_EMSGPACK, "map key is not a string");
        }
        left[depth]--;
        uint64_t count;
        bool is_map;
        int rc = step(&w, &count, &is_map);
        if (rc != 0) {
            return rc;
        }
        if (count > 0) {
            if (depth + 1 > DS_MPV_MAX_DEPTH) {
                return fail(&w, DS_EMSGPACK, "nesting deeper than 8");
            }
            depth++;
            left[depth] = count;
            map[depth] = is_map;
        }
    }
    if (w.off != n) {
        return fail(&w, DS_EMSGPACK, "trailing bytes after the object");
    }
    return 0;
}
