/* ds_digest.c: see ds_digest.h. */
#include "ds_digest.h"

#include <nettle/sha2.h>

void ds_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n, p);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

void ds_sha256_hex(const uint8_t *p, size_t n, char out[DS_DIGEST_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[32];
    ds_sha256(p, n, d);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[DS_DIGEST_HEX_LEN] = '\0';
}
