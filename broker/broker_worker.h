/* broker_worker.h: worker commands arriving on the ROUTER socket (RFC 7/MDP, MDPW01).
 *
 * Model: one table indexed by the command byte gives each command its frame count,
 * whether the sender must already be registered, and its handler.  Anything else a
 * worker sends (unknown command, wrong frame count, READY twice, a command before
 * READY) is a protocol error: the broker answers DISCONNECT, forgets the worker and
 * settles its job, and keeps serving.  Any message from a known worker refreshes its
 * liveness.
 * Called by broker_server.c for each message whose third frame is "MDPW01".
 */
#ifndef BROKER_WORKER_H
#define BROKER_WORKER_H

#include "broker_ctx.h"

void broker_worker_message(broker_t *b, broker_frames_t *m);

/* true when a worker may not offer this service name (broker-internal or mmi.*). */
bool broker_service_internal(const char *name, size_t len);

#endif
