/* broker_requests.h: synchronous requests waiting for a worker (the plain MDP path:
 * a client's request to a worker-served service such as dossier.analyze, routed
 * straight to a worker with no journal).
 *
 * Model: a request holds the client's routing identity and its body as a zmq_msg_t
 * moved out of the socket (never copied).  It waits in its service's FIFO and in one
 * global FIFO; every request gets the same timeout, so the global FIFO is also in
 * deadline order and the head is the next to time out.  The table is bounded by a
 * count and by body bytes; the caller answers `busy` past either.
 * Invariants: a queued request is in both lists or in neither; count/bytes are the
 * sums over queued requests.  Once popped, the caller owns the request (it becomes a
 * worker's job until the reply comes back).
 * Called by broker_client.c (enqueue), broker_dispatch.c (pop), broker_server.c (timeouts).
 */
#ifndef BROKER_REQUESTS_H
#define BROKER_REQUESTS_H

#include "ds_err.h"

#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

typedef struct broker_request {
    struct broker_request *sprev, *snext; /* the service's FIFO */
    struct broker_request *gprev, *gnext; /* the global FIFO */
    int64_t deadline_ms;
    zmq_msg_t body;
    void *service; /* broker_service_t *, opaque here */
    uint8_t clen;
    uint8_t client[255];
} broker_request_t;

/* A per-service FIFO. */
typedef struct {
    broker_request_t head; /* sentinel (s links) */
    size_t n;
} broker_reqlist_t;

typedef struct {
    broker_request_t head; /* sentinel (g links) */
    size_t count;
    uint64_t bytes;
    size_t max_count;
    uint64_t max_bytes;
} broker_requests_t;

void broker_reqlist_init(broker_reqlist_t *l);
void broker_requests_init(broker_requests_t *rs, size_t max_count, uint64_t max_bytes);

/* A new request; moves *body into it (body is left empty).  Caller owns the result. */
broker_request_t *broker_request_new(const void *client, size_t clen, zmq_msg_t *body, void *service,
                                     int64_t deadline_ms);
void broker_request_destroy(broker_request_t **self_p);

/* 0 when one more request of `bytes` fits, else DS_EBUSY. */
int broker_requests_admit(const broker_requests_t *rs, uint64_t bytes) DS_WUR;
void broker_requests_enqueue(broker_requests_t *rs, broker_reqlist_t *l, broker_request_t *r);
/* Takes the head of l (caller owns it) or returns NULL. */
broker_request_t *broker_requests_pop(broker_requests_t *rs, broker_reqlist_t *l);
/* The oldest queued request if its deadline has passed (still queued), or NULL. */
broker_request_t *broker_requests_overdue(const broker_requests_t *rs, int64_t now_ms);
/* Takes r out of both lists (caller owns it). */
void broker_requests_remove(broker_requests_t *rs, broker_reqlist_t *l, broker_request_t *r);
int64_t broker_requests_next_deadline(const broker_requests_t *rs);

#endif
