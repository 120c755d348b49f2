/* broker_ctx.h: the broker's state, shared by the loop and the handlers it calls.
 *
 * Model: everything lives in one struct owned by the single-threaded loop
 * (broker_server.c).  Handlers get the struct and the message being handled; they
 * change state, stage journal writes, and queue client replies in the outbox.  They
 * never send client replies directly: the loop sends the outbox only after the
 * batch's journal commit has synced, so no reply can promise something that is not
 * on disk.  Worker requests are sent by broker_dispatch.c after that same commit.
 */
#ifndef BROKER_CTX_H
#define BROKER_CTX_H

#include "broker.h"
#include "broker_hash.h"
#include "broker_ids.h"
#include "broker_journal.h"
#include "broker_lease.h"
#include "broker_pool.h"
#include "broker_queue.h"
#include "broker_requests.h"
#include "broker_retry.h"
#include "broker_wire.h"
#include "ds_buf.h"

#include <stdbool.h>
#include <stdint.h>

/* Counters since start (gauges are computed when dossier.stats asks). */
typedef struct {
    uint64_t accepted, duplicate, conflict, rejected, busy;
    uint64_t dispatched, done, failed, retried, dead, dead_recorded, lost_leases;
    uint64_t late_replies, malformed, undeliverable, workers_expired;
    uint64_t requests, requests_done, requests_timeout, requests_lost;
    uint64_t commits, replayed;
} broker_stats_t;

struct broker {
    broker_config_t cfg; /* strings borrowed from main's settings table */
    void *zctx;
    void *router;
    char endpoint[256];
    broker_pool_t pool;
    broker_requests_t reqs;
    broker_hash_t docs; /* id -> broker_doc_t, every unfinished document */
    broker_queue_t queue;
    broker_leases_t leases;
    broker_retry_policy_t retry;
    broker_ids_t ids;
    broker_journal_t *journal;
    broker_outbox_t out;
    broker_stats_t st;
    ds_buf_t scratch;     /* reply bodies, dispatch bodies: reset before each use */
    uint64_t next_seq;    /* acceptance order of documents */
    uint64_t durable_seq; /* documents with a smaller seq are committed */
    uint64_t dlq_count;   /* dead documents in the journal */
    uint64_t rng;         /* xorshift64 state: jitter */
    int64_t now_ms;       /* monotonic, sampled once per loop turn */
    int64_t started_ms;
    int64_t next_heartbeat_ms;
    int64_t next_sweep_ms;
    int64_t txn_started_ms; /* when the open journal transaction took its first write */
    int fatal;              /* a journal error: stop, send nothing more */
    bool need_sync;         /* a staged reply needs the batch durable before it is sent */
    bool draining;
    int64_t drain_deadline_ms;
};

/* A client request being handled: borrowed views into the received frames. */
typedef struct {
    const uint8_t *client;
    size_t clen;
    const char *service;
    size_t svclen;
    const uint8_t *body;
    size_t blen;
    zmq_msg_t *body_msg; /* may be moved away by routing to a worker */
} broker_creq_t;

uint64_t broker_rand(broker_t *b);

#endif
