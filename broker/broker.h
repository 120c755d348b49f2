/* broker.h: the dossier-broker as a library: main.c fills a broker_config_t from its
 * settings table, creates the broker (which opens the journal, replays it and binds
 * the socket) and runs the loop until SIGTERM has drained it or the journal fails.
 *
 * Model: one single-threaded loop owns the one ROUTER socket; signal handlers only
 * set the flags in broker_signals_t, which the loop polls.
 */
#ifndef BROKER_H
#define BROKER_H

#include "ds_err.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *bind;          /* e.g. tcp://127.0.0.1:5555 or tcp://127.0.0.1:* */
    const char *journal;       /* LMDB directory; "" keeps documents in memory only */
    const char *endpoint_file; /* "" or a path that receives the bound endpoint */
    int64_t max_doc_bytes;     /* limit of `text` */
    int64_t max_queue;         /* unfinished documents */
    int64_t max_queue_bytes;   /* their journal bytes */
    int64_t max_attempts;
    int64_t dedup_days;
    int64_t heartbeat_ms;
    int64_t liveness;
    int64_t request_timeout_ms; /* synchronous requests waiting for a worker */
    int64_t max_requests;
    int64_t max_request_bytes;
    int64_t retry_base_ms;
    int64_t retry_max_ms;
    int64_t lease_ms;          /* 0: no limit on one attempt */
    int64_t busy_retry_ms;     /* retry_after_ms hint in busy replies */
    int64_t batch;             /* messages taken from the socket per journal commit */
    int64_t journal_max_bytes; /* LMDB map size */
    int64_t drain_timeout_ms;
    int64_t flush_ms;          /* longest a commit without an ack may wait */
    int64_t zmtp_heartbeat_ms; /* ZMQ_HEARTBEAT_IVL, 0 off */
    int64_t sweep_ms;          /* how often expired deduplication entries are removed */
} broker_config_t;

typedef struct {
    volatile sig_atomic_t *term; /* set by SIGTERM/SIGINT: drain and exit */
    volatile sig_atomic_t *hup;  /* set by SIGHUP: reopen logs */
    void (*on_hup)(void);
} broker_signals_t;

typedef struct broker broker_t;

/* Opens the journal, replays it, binds.  Returns 0, DS_ECONFIG (bad setting or
 * endpoint), DS_EJOURNAL (journal cannot be opened) with a message in errstr. */
int broker_new(broker_t **out, const broker_config_t *cfg, char *errstr, size_t errlen) DS_WUR;
void broker_destroy(broker_t **self_p);
/* The endpoint actually bound (wildcard port resolved). */
const char *broker_endpoint(const broker_t *b);
/* Runs until drained (returns 0) or a journal failure (returns DS_EJOURNAL: fail-stop,
 * nothing of the failed batch was acknowledged). */
int broker_run(broker_t *b, const broker_signals_t *sig) DS_WUR;

#endif
