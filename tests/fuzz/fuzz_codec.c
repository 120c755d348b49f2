/* fuzz_codec.c: libFuzzer target for the pre-validator and body decoder.  Whatever
 * the bytes, ds_body_parse must return a code without crashing, leaking or
 * allocating more than a small multiple of the input; a body it accepts must
 * re-encode and parse again. */
#include "ds_msg.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ds_body_t b;
    char err[128];
    if (ds_body_parse(&b, data, size, err, sizeof err) != 0) {
        return 0;
    }
    ds_doc_t d;
    if (ds_doc_parse(&b, 0, &d, err, sizeof err) == 0) {
        ds_buf_t out = DS_BUF_INIT;
        ds_pack_t p;
        ds_pack_init(&p, &out);
        ds_doc_pack(&p, &d, 0);
        ds_body_t again;
        if (ds_body_parse(&again, (const uint8_t *)out.data, out.len, err, sizeof err) != 0) {
            abort(); /* what we encode must always parse */
        }
        ds_body_free(&again);
        ds_buf_free(&out);
    }
    ds_body_free(&b);
    return 0;
}
