/* worker_script.h: the one server-side Lua script that stores a document in Redis,
 * and the pure builders of its EVALSHA arguments (proto/SPEC.md section 8).
 *
 * Model: every write for one document is one script run, so it is atomic (Redis runs
 * a script to completion before any other command, as MULTI/EXEC does) and costs one
 * round trip.  The script first reads the hash's status and returns without writing
 * when the document is already final (done; or dead, for a dead-letter record), so a
 * document delivered twice leaves Redis as one delivery would.
 *
 * The builders append to a worker_args_t that is reused between documents: after the
 * first few documents a child builds arguments without allocating.  They know key
 * names and field names and nothing about sockets.  Callers: worker_job.c, tests.
 */
#ifndef WORKER_SCRIPT_H
#define WORKER_SCRIPT_H

#include "ds_buf.h"
#include "engine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The script's text (the SHA-1 comes from SCRIPT LOAD). */
extern const char worker_script_lua[];

/* Bounds on what one document writes. */
#define WORKER_MAX_INDEX_KEYS 256    /* sorted-set index entries per document */
#define WORKER_SIMHASH_BANDS 4       /* 4 bands of 16 bits */
#define WORKER_SIMHASH_MAX_DIST 3    /* Hamming distance that counts as a near-duplicate */
#define WORKER_SIMHASH_BUCKET_MAX 32 /* members kept per band bucket */

/* "EVALSHA sha numkeys key... arg..." as one argv, built in reused memory. */
typedef struct {
    ds_buf_t bytes; /* every argument, back to back */
    size_t *off;    /* offset of argument i in bytes */
    size_t *len;    /* its length */
    const char **argv;
    size_t n, cap;
} worker_args_t;

void worker_args_init(worker_args_t *a);
void worker_args_free(worker_args_t *a);
/* Forgets the arguments, keeps the memory. */
void worker_args_reset(worker_args_t *a);
void worker_args_add(worker_args_t *a, const char *p, size_t n);
void worker_args_adds(worker_args_t *a, const char *s);
void worker_args_addi(worker_args_t *a, int64_t v);
/* Resolves argv[] (valid until the next add or reset). */
const char **worker_args_argv(worker_args_t *a);

/* Where and how documents are stored (from the settings). */
typedef struct {
    const char *prefix;     /* "dossier" */
    int64_t results_maxlen; /* XADD MAXLEN ~ n; 0 = unbounded */
    int64_t ttl_s;          /* EXPIRE on the hash; 0 = none */
    bool dedup;             /* SimHash band indexes and duplicate_of */
} worker_store_t;

/* One analysed document. */
typedef struct {
    const char *id;
    const char *digest;  /* 64 hex digits */
    int64_t attempts;    /* >= 1 */
    int64_t analyzed_ms; /* Unix ms */
    const char *result;  /* the engine's JSON */
    size_t result_len;
    const engine_summary_t *sum;
} worker_done_t;

/* One dead-letter record (the broker gave up on the document). */
typedef struct {
    const char *id;
    const char *digest; /* "" when unknown */
    const char *error;  /* last error message */
    const char *code;   /* its code ("analysis", "timeout", ...) */
    int64_t attempts;
    int64_t at_ms; /* Unix ms */
} worker_dead_t;

/* Builds EVALSHA arguments for a done document / a dead record into a (reset first). */
void worker_script_done_args(worker_args_t *a, const char *sha, const worker_store_t *st,
                             const worker_done_t *d);
void worker_script_dead_args(worker_args_t *a, const char *sha, const worker_store_t *st,
                             const worker_dead_t *d);

/* Rewrites argument 1 (the SHA) after a SCRIPT LOAD. */
void worker_args_set_sha(worker_args_t *a, const char *sha);

#endif
