/* ds_mpv.h: the msgpack pre-validator.
 *
 * msgpack-c 4.0 trusts length headers (a 5-byte frame claiming 50M elements reserves
 * 2 GiB), reports deep nesting as out-of-memory, returns success with trailing
 * bytes, "continue" on truncation, and accepts invalid UTF-8 in str.  So every frame
 * is walked by this validator BEFORE msgpack-c sees it.  It guarantees:
 *   - exactly one object fills the buffer (no trailing bytes, no truncation);
 *   - every length and element count fits the bytes that remain, so the total
 *     number of objects msgpack-c will allocate is at most the frame size;
 *   - nesting depth is at most DS_MPV_MAX_DEPTH;
 *   - every str is valid UTF-8; map keys are str;
 *   - the reserved byte 0xc1 does not occur.
 * It allocates nothing and is a pure function of the bytes.
 */
#ifndef DS_MPV_H
#define DS_MPV_H

#include "ds_err.h"

#include <stddef.h>
#include <stdint.h>

#define DS_MPV_MAX_DEPTH 8

/* Returns 0, DS_EMSGPACK (structure) or DS_EUTF8 (a str with invalid UTF-8), with a
 * one-line reason naming the byte offset in errstr. */
int ds_mpv_check(const uint8_t *p, size_t n, char *errstr, size_t errlen) DS_WUR;

#endif
