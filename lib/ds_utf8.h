/* ds_utf8.h: strict UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). Used by the codec's pre-validator and the engine. */
#ifndef DS_UTF8_H
#define DS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid sequence starting at p (1..4), or 0 if it is invalid or truncated. */
size_t ds_utf8_seqlen(const uint8_t *p, size_t avail);

/* 0 when all n bytes are valid UTF-8; otherwise DS_EUTF8 and *bad_offset (if not NULL)
 * is the byte offset of the first invalid sequence. */
int ds_utf8_validate(const uint8_t *p, size_t n, size_t *bad_offset);

#endif
