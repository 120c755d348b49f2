/* broker_docs.h: the life of a durable document inside the broker.
 *
 * Model: every unfinished document has a small entry in memory (id, digest, state,
 * attempts, queue item, lease) while its bytes wait in the journal.  States:
 *   QUEUED  ready or about to be dispatched       (journal: docs)
 *   RUNNING leased to a worker                    (journal: docs)
 *   FAILED  an attempt failed, waiting its backoff (journal: docs, with the error)
 *   DEAD    out of attempts or not retryable; the entry lives on only until a worker
 *           has recorded it as dead in Redis      (journal: dead)
 * and, with no entry in memory, DONE (journal: done, no text) and dead documents
 * already recorded (journal: dead).  Transitions stage journal writes in the open
 * transaction; a journal error makes the broker fail-stop (broker_fatal).
 * Invariants: an entry is in the id table iff it is admitted to the queue; a RUNNING
 * entry holds a lease and is its worker's job; attempts counts attempts started.
 * Called by broker_submit.c, broker_worker.c, broker_dispatch.c, broker_dlq.c, broker_server.c.
 */
#ifndef BROKER_DOCS_H
#define BROKER_DOCS_H

#include "broker_ctx.h"
#include "ds_msg.h"

enum {
    BROKER_ST_UNKNOWN = 0,
    BROKER_ST_QUEUED = 1,
    BROKER_ST_RUNNING = 2,
    BROKER_ST_FAILED = 3,
    BROKER_ST_DONE = 4,
    BROKER_ST_DEAD = 5
};

typedef struct broker_doc {
    broker_hnode_t node; /* key: id */
    broker_qitem_t q;
    broker_lease_t lease;
    uint64_t seq;
    uint32_t attempts;
    uint8_t state;
    bool dead_job;       /* the job is "record as dead", not "analyse" */
    int64_t accepted_ms; /* wall clock */
    uint8_t digest[BROKER_DIGEST_BYTES];
    uint8_t idlen;
    char id[DS_MAX_ID_BYTES + 1];
} broker_doc_t;

const char *broker_state_name(int state);

/* Stops the broker after a journal error: logs once, no reply of this batch is sent. */
void broker_fatal(broker_t *b, int rc);

broker_doc_t *broker_docs_find(broker_t *b, const char *id, size_t idlen);

/* Journals a new document (map: its body with the id) and queues it. */
void broker_docs_accept(broker_t *b, const char *id, size_t idlen, const uint8_t digest[BROKER_DIGEST_BYTES],
                        uint32_t text_bytes, const uint8_t *map, size_t maplen);

/* A worker's REPLY body for the document it holds (lease already checked). */
void broker_docs_settle(broker_t *b, broker_doc_t *d, const uint8_t *body, size_t len);
/* The lease was lost (worker dead, gone, or over --lease-ms): a retryable failure. */
void broker_docs_lost(broker_t *b, broker_doc_t *d, int code, const char *why);
/* A dead document taken back by dossier.dlq requeue: a fresh entry, attempts reset. */
void broker_docs_requeue(broker_t *b, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen);

/* Rebuilds the entries from the journal at start: unfinished documents queued again
 * in acceptance order, dead ones not yet recorded queued for recording. */
int broker_docs_replay(broker_t *b) DS_WUR;
/* Frees every entry (shutdown; the journal keeps the documents). */
void broker_docs_free(broker_t *b);

#endif
