/* broker_reply.h: building reply bodies (one msgpack map) straight into the outbox.
 *
 * Model: _begin() writes a map16 header with a placeholder count, the caller adds
 * pairs, _end() patches the count.  A map16 header is valid msgpack for any count, so
 * replies need no counting up front and no second buffer.  Every dossier.* reply
 * has `status`; errors add `code` (ds_errname) and `error` (a human message).
 * Called by every client-facing handler.
 */
#ifndef BROKER_REPLY_H
#define BROKER_REPLY_H

#include "broker_ctx.h"
#include "ds_msg.h"

typedef struct {
    ds_pack_t pk;
    size_t hdr; /* offset of the map header in the arena */
    uint32_t pairs;
} broker_reply_t;

void broker_reply_begin(broker_t *b, const broker_creq_t *req, broker_reply_t *r);
/* Packs a key; the caller packs exactly one value with r->pk next. */
void broker_reply_key(broker_reply_t *r, const char *key);
void broker_reply_str(broker_reply_t *r, const char *key, const char *v);
void broker_reply_strn(broker_reply_t *r, const char *key, const char *v, size_t n);
void broker_reply_int(broker_reply_t *r, const char *key, int64_t v);
void broker_reply_bool(broker_reply_t *r, const char *key, bool v);
void broker_reply_end(broker_t *b, broker_reply_t *r);

/* {status, id?, code, error} (+ retry_after_ms when code is busy or draining). */
void broker_reply_error(broker_t *b, const broker_creq_t *req, const char *status, ds_str_t id, int code,
                        const char *error);
/* A body that is not a map (mmi.service answers "200", "404", "501"). */
void broker_reply_raw(broker_t *b, const broker_creq_t *req, const void *body, size_t len);

#endif
