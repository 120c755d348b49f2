/* ds_digest.h: SHA-256 of a document's text (Nettle), as 64 lowercase hex digits.
 * The digest is the document's content identity: deduplication and the `digest`
 * field of results use it. */
#ifndef DS_DIGEST_H
#define DS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DS_DIGEST_HEX_LEN 64

void ds_sha256_hex(const uint8_t *p, size_t n, char out[DS_DIGEST_HEX_LEN + 1]);
void ds_sha256(const uint8_t *p, size_t n, uint8_t out[32]);

#endif
