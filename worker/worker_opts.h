/* worker_opts.h: the effective settings of one dossier-worker process.
 *
 * main.c fills one worker_opts_t from its settings table (defaults < config file <
 * environment < flags) and validates it before forking; the supervisor and every
 * child read it and never change it.  Strings are owned by main.c's table and live
 * for the whole process (children inherit them through fork).
 */
#ifndef WORKER_OPTS_H
#define WORKER_OPTS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *broker;       /* MDP endpoint, e.g. tcp://127.0.0.1:5555 */
    const char *redis;        /* redis://[user:pass@]host[:port][/db] or unix:///path[?db=N] */
    const char *prefix;       /* Redis key prefix, "dossier" */
    const char *data_dir;     /* engine data; "" means engine_default_data_dir() */
    bool counts_only;         /* --analysis counts: ENGINE_COUNTS mode */
    int concurrency;          /* children to keep running (>= 1 after validation) */
    int prefetch;             /* documents a child holds at once (MDP credit), 1..256; 1 = plain MDP */
    int64_t max_jobs;         /* retire a child after this many documents; 0 = never */
    int64_t result_ttl_s;     /* EXPIRE on the document hash; 0 = none */
    int64_t results_maxlen;   /* XADD MAXLEN ~ for the streams; 0 = unbounded */
    int64_t max_doc_bytes;    /* largest accepted text */
    int64_t cpu_budget_ms;    /* CPU time per document before the child is killed; 0 = none */
    int64_t heartbeat_ms;     /* MDP heartbeat interval */
    int64_t redis_timeout_ms; /* connect and command timeout */
    int64_t redis_give_up_ms; /* stop retrying one document's write after this long */
    int64_t drain_timeout_ms; /* SIGTERM: children still running after this are killed */
    bool dedup;               /* near-duplicate detection through SimHash bands */
} worker_opts_t;

/* Exit codes of a child (the supervisor reads them). */
enum {
    WORKER_EXIT_OK = 0,        /* drained or retired: replace without backoff */
    WORKER_EXIT_CPU = 3,       /* a document overran --cpu-budget-ms */
    WORKER_EXIT_SOFTWARE = 70, /* EX_SOFTWARE: could not set up; counts as a crash */
    WORKER_EXIT_CONFIG = 78    /* EX_CONFIG: the settings cannot work; the supervisor stops */
};

#endif
