/* broker_dispatch.h: handing work to idle workers, and taking it back from workers
 * that die.
 *
 * Model: after each batch is committed, every service's waiting synchronous requests
 * go to its idle workers (least recently used first); then the durable queue feeds
 * the idle dossier.analyze workers.  A durable document is sent as the journaled map
 * spliced with `attempt` and `digest` (and `dead`, `code`, `error` for the final
 * dead-letter record): the map header is rewritten and the rest copied once, never
 * re-encoded.  The REQUEST's client-address frame of a durable document is a lease
 * address (0x00 'L' + 8-byte token): no ROUTER identity has that shape (generated ones
 * are 5 bytes, chosen ones cannot start with 0x00), so a REPLY to it is recognised.
 * Called by broker_server.c and broker_worker.c.
 */
#ifndef BROKER_DISPATCH_H
#define BROKER_DISPATCH_H

#include "broker_ctx.h"

#define BROKER_LEASE_ADDR_LEN 10

/* durable_only: send only documents whose acceptance is already committed (called
 * before the batch's commit, so workers that just replied are not idle during the
 * sync). */
void broker_dispatch(broker_t *b, bool durable_only);
/* Settles w's job as lost (its document retried, its client answered) and forgets w;
 * sends DISCONNECT first when `disconnect`. */
void broker_worker_drop(broker_t *b, broker_worker_t *w, int code, const char *why, bool disconnect);
/* Encodes a lease address. */
void broker_lease_addr(uint64_t token, uint8_t out[BROKER_LEASE_ADDR_LEN]);
/* Sends a worker command with no body (HEARTBEAT, DISCONNECT); 0 or -errno. */
int broker_send_command(broker_t *b, broker_worker_t *w, int command);
/* Answers the client of a synchronous request with {status: failed, code, error}. */
void broker_request_fail(broker_t *b, broker_request_t *r, int code, const char *why);

#endif
