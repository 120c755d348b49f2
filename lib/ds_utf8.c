/* ds_utf8.c: see ds_utf8.h.  A table-free decoder with a word-at-a-time ASCII path.
 *
 * Validation skips ASCII sixteen bytes per step (two 64-bit loads, one test of the
 * high bits), then eight, and decodes only the multi-byte sequences, so news text
 * (mostly ASCII with the odd curly quote or accent) costs about one instruction per
 * byte.  The result and the reported offset are those of the byte-by-byte
 * definition (check_lib.c compares the two on every invalid-sequence class at every
 * alignment).
 */
#include "ds_utf8.h"

#include "ds_err.h"

#include <string.h>

#define HIGH_BITS 0x8080808080808080ull

static inline size_t seqlen(const uint8_t *p, size_t avail)
{
    uint8_t c = p[0];
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        return (avail >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) {
            return 0;
        }
        if (c == 0xE0 && p[1] < 0xA0) {
            return 0; /* overlong */
        }
        if (c == 0xED && p[1] >= 0xA0) {
            return 0; /* surrogate */
        }
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) {
            return 0;
        }
        if (c == 0xF0 && p[1] < 0x90) {
            return 0; /* overlong */
        }
        if (c == 0xF4 && p[1] >= 0x90) {
            return 0; /* above U+10FFFF */
        }
        return 4;
    }
    return 0;
}

size_t ds_utf8_seqlen(const uint8_t *p, size_t avail)
{
    return seqlen(p, avail);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Offset of the first byte >= 0x80 in p[i..n), or n. */
static inline size_t skip_ascii(const uint8_t *p, size_t i, size_t n)
{
    while (i + 16 <= n && ((load64(p + i) | load64(p + i + 8)) & HIGH_BITS) == 0) {
        i += 16;
    }
    if (i + 8 <= n && (load64(p + i) & HIGH_BITS) == 0) {
        i += 8;
    }
    while (i < n && p[i] < 0x80) {
        i++;
    }
    return i;
}

int ds_utf8_validate(const uint8_t *p, size_t n, size_t *bad_offset)
{
    size_t i = skip_ascii(p, 0, n);
    while (i < n) {
        size_t len = seqlen(p + i, n - i);
        if (len == 0) {
            if (bad_offset) {
                *bad_offset = i;
            }
            return DS_EUTF8;
        }
        i += len;
        if (i < n && p[i] >= 0x80) {
            continue; /* runs of accented or non-Latin text */
        }
        i = skip_ascii(p, i, n);
    }
    return 0;
}
