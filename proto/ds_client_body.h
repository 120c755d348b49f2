/* ds_client_body.h: libdossier's private codec glue: documents to request bodies,
 * reply bodies to the structs of dossier.h, and Majordomo client framing over raw
 * libzmq (no czmq: a library must not install czmq's signal handlers).
 *
 * Callers: ds_client.c (one request at a time) and ds_client_pipe.c (windowed).
 */
#ifndef DS_CLIENT_BODY_H
#define DS_CLIENT_BODY_H

#include "dossier.h"
#include "ds_buf.h"

#include <stdbool.h>

/* Encodes doc as a dossier.submit body into out (appended) after checking it as the
 * broker would (except the size limit, which is the broker's to set).  The id used
 * (given or derived) goes to id_out.  Returns 0 or DS_EINVAL with errstr. */
int ds_client_encode_doc(const ds_document_t *doc, ds_buf_t *out, char id_out[DOSSIER_ID_MAX + 1],
                         char *errstr, size_t errlen);

/* Encodes {id} (dossier.status) into out. Returns 0 or DS_EINVAL for a bad id. */
int ds_client_encode_id(const char *id, ds_buf_t *out, char *errstr, size_t errlen);

/* Parses a reply body.  Returns 0 or DS_EMSGPACK / DS_ENOTMAP / DS_EFIELD with errstr. */
int ds_client_parse_submit(const uint8_t *p, size_t n, ds_submit_reply_t *out, char *errstr, size_t errlen);
int ds_client_parse_status(const uint8_t *p, size_t n, ds_status_reply_t *out, char *errstr, size_t errlen);
/* Just `status`, `id` and `retry_after_ms` of any reply (for matching and busy). */
int ds_client_parse_head(const uint8_t *p, size_t n, char *status, size_t status_len, char *id, size_t id_len,
                         int64_t *retry_after_ms);

/* ---- framing on a raw DEALER socket ------------------------------------------------ */

/* Creates a DEALER socket connected to endpoint with linger 0, ZMTP heartbeats and
 * (when immediate) ZMQ_IMMEDIATE so that nothing queues for a peer that is not
 * connected.  Returns NULL with errstr. */
void *ds_client_socket(void *ctx, const char *endpoint, bool immediate, char *errstr, size_t errlen);

/* Sends "" MDPC01 service body without blocking.  Returns 0, DS_EBUSY (would block:
 * not connected or high-water mark), or DS_EIO. */
int ds_client_send(void *sock, const char *service, const void *body, size_t len);

/* Receives one reply without blocking and checks its frames.  Returns 1 with the
 * service (NUL-terminated, truncated to service_len) and body (caller frees) filled,
 * 0 when nothing is waiting, DS_EFRAME for a malformed reply (consumed and dropped),
 * or DS_EIO. */
int ds_client_recv(void *sock, char *service, size_t service_len, uint8_t **body, size_t *body_len);

#endif
