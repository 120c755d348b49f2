/* broker_client.h: client requests arriving on the ROUTER socket (RFC 7/MDP, MDPC01).
 *
 * Model: a request is exactly "" "MDPC01" service body.  Services the broker serves
 * itself are found in a table (dossier.submit, dossier.status, dossier.stats,
 * dossier.dlq, mmi.service); other mmi.* names answer "501" (RFC 8); a service some
 * worker has offered is routed to a worker (waiting up to --request-timeout-ms for one);
 * any other name is answered at once with {status: rejected, code: unknown_service}.
 * A request with the right header but the wrong number of frames is answered
 * {status: rejected, code: bad_frame}; one without a recognisable header is dropped
 * with a log line (there is no way to address a reply to it).
 * Called by broker_server.c.
 */
#ifndef BROKER_CLIENT_H
#define BROKER_CLIENT_H

#include "broker_ctx.h"

void broker_client_message(broker_t *b, broker_frames_t *m);

/* The handlers of the broker's own services (one file each). */
void broker_submit_handle(broker_t *b, const broker_creq_t *req);
void broker_status_handle(broker_t *b, const broker_creq_t *req);
void broker_stats_handle(broker_t *b, const broker_creq_t *req);
void broker_dlq_handle(broker_t *b, const broker_creq_t *req);

#endif
