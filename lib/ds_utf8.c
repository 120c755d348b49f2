/* ds_utf8.c: see ds_utf8.h.  A table-free decoder: fast path for ASCII runs. */
#include "ds_utf8.h"

#include "ds_err.h"

size_t ds_utf8_seqlen(const uint8_t *p, size_t avail)
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

int ds_utf8_validate(const uint8_t *p, size_t n, size_t *bad_offset)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = ds_utf8_seqlen(p + i, n - i);
        if (len == 0) {
            if (bad_offset) {
                *bad_offset = i;
            }
            return DS_EUTF8;
        }
        i += len;
    }
    return 0;
}
