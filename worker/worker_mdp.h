/* worker_mdp.h: the worker side of Majordomo v0.1 (ZeroMQ RFC 7/MDP) for one child.
 *
 * Model: one DEALER socket to the broker, one request at a time, or up to `credit`
 * at a time (the Dossier extension of SPEC 7.9.1: READY carries {"credit": K}).  After connecting
 * the worker sends READY with its service.  worker_mdp_recv() waits for the next
 * REQUEST while sending HEARTBEAT every heartbeat interval and counting the broker's
 * silence: after `liveness` silent intervals it closes the socket, waits a moment
 * and reconnects with a new socket (new identity), then sends READY again.  While a
 * document is being worked on, worker_mdp_wait() keeps heartbeating so a long Redis
 * outage does not make the broker think the worker died.  On drain the worker sends
 * DISCONNECT and the caller exits.
 *
 * Everything from the broker is checked; a malformed message is logged and dropped,
 * never asserted.  The caller owns the ZeroMQ context (czmq's, per process): create
 * this only in a child, after fork.
 */
#ifndef WORKER_MDP_H
#define WORKER_MDP_H

#include <czmq.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

typedef struct worker_mdp worker_mdp_t;

typedef struct {
    const char *endpoint;        /* tcp://host:port */
    const char *service;         /* "dossier.analyze" */
    int64_t heartbeat_ms;        /* 2500 */
    int liveness;                /* 3 */
    int64_t reconnect_ms;        /* pause before reconnecting */
    int64_t max_msg_bytes;       /* ZMQ_MAXMSGSIZE, 0 = unlimited */
    int credit;                  /* requests held at once; 1 = plain MDP (no credit frame) */
    volatile sig_atomic_t *stop; /* set by SIGTERM: drain */
} worker_mdp_opts_t;

/* Creates the socket, connects and sends READY.  NULL when the endpoint is invalid
 * (errstr says why).  Caller owns. */
worker_mdp_t *worker_mdp_new(const worker_mdp_opts_t *o, char *errstr, size_t errlen);
/* Sends DISCONNECT if connected (and lets it go out), closes the socket. */
void worker_mdp_destroy(worker_mdp_t **self_p);

/* Waits for the next REQUEST.  Returns 1 with the request body frame in *body_p
 * (caller owns; the client address is kept for the reply), or 0 when *stop was set. */
int worker_mdp_recv(worker_mdp_t *m, zframe_t **body_p);

/* Sends REPLY to the client of the current request; 0 or -1 (no request pending or
 * the socket refused it: the broker's lease then retries the document). */
int worker_mdp_reply(worker_mdp_t *m, const void *body, size_t len);

/* While busy: sleeps up to ms, answering the broker's heartbeats and sending ours.
 * Returns false when *stop is set (the caller should give the document back). */
bool worker_mdp_wait(void *m, int64_t ms);

/* Sends DISCONNECT now (drain); the socket is then unusable. */
void worker_mdp_disconnect(worker_mdp_t *m);

/* For a child that holds several requests at once (--prefetch, worker_batch.c) and
 * polls the socket itself.  pollitem fills item for zmq_poll (events 0 while the
 * socket is being replaced) and lowers *ms to the next heartbeat.  tick, after the
 * poll, reads everything that arrived (readable) and does the heartbeat and expiry
 * bookkeeping.  take never blocks: 1 with the oldest REQUEST that arrived, its body
 * and its client address (caller owns both; pass the address to reply_to), else 0.
 * pending counts the requests arrived and not yet taken. */
void worker_mdp_pollitem(worker_mdp_t *m, zmq_pollitem_t *item, int64_t now, int64_t *ms);
void worker_mdp_tick(worker_mdp_t *m, bool readable);
int worker_mdp_take(worker_mdp_t *m, zframe_t **body_p, zframe_t **client_p);
int worker_mdp_pending(const worker_mdp_t *m);
/* Sends REPLY to *client_p (taken, then NULL); 0, or -1 as worker_mdp_reply. */
int worker_mdp_reply_to(worker_mdp_t *m, zframe_t **client_p, const void *body, size_t len);
/* Counters for logs and tests. */
typedef struct {
    uint64_t requests;
    uint64_t reconnects;
    uint64_t malformed;
} worker_mdp_stats_t;
worker_mdp_stats_t worker_mdp_stats(const worker_mdp_t *m);

#endif
