/* broker_journal.h: the broker's durable store (LMDB in --journal DIR).
 *
 * Model: four tables in one LMDB environment.
 *   docs   id -> record   unfinished documents (queued, running, failed and waiting)
 *   dead   id -> record   dead documents (the dead-letter queue), text kept for requeue
 *   done   id -> done     finished documents: id, digest, state, times; no text
 *   bytime be64(finish ms) id -> ""   the order in which `done` entries expire
 * A record is a fixed little-endian header (broker_rec_t), the last error code and
 * message, then the document's msgpack map exactly as it is sent to workers.
 *
 * Transactions: one write transaction is open at a time; every read and write goes
 * through it, so the broker always sees its own writes.  broker_journal_commit() is
 * the group commit: it commits and then syncs (fdatasync) before returning, and only
 * after it returns may anything written be acknowledged.  The environment runs with
 * MDB_NOMETASYNC: LMDB fdatasyncs the data pages inside commit and writes the meta
 * page without sync; our explicit sync then makes the meta page durable.  That is two
 * syncs per batch, but unlike MDB_NOSYNC it never lets a meta page reach the disk
 * before the pages it points to (LMDB documents MDB_NOSYNC as able to corrupt the
 * file on a system crash).  Any error from a write, commit or sync is returned as
 * DS_EJOURNAL and the caller stops (fail-stop: a failed fsync is never retried).
 *
 * Fault seam: broker_journal_set_sync_fn() replaces the sync call; only tests set it.
 * Called by broker_docs.c, broker_submit.c, broker_status.c, broker_dlq.c, broker_server.c.
 */
#ifndef BROKER_JOURNAL_H
#define BROKER_JOURNAL_H

#include "broker_dedup.h"
#include "ds_err.h"
#include "ds_msg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct broker_journal broker_journal_t;

typedef enum { BROKER_TBL_DOCS = 0, BROKER_TBL_DEAD = 1 } broker_table_t;

enum { BROKER_REC_QUEUED = 1, BROKER_REC_DEAD = 2 };
#define BROKER_REC_NOTIFIED 0x01 /* dead: the final dead-flagged request was recorded */

typedef struct {
    uint8_t state; /* BROKER_REC_* */
    uint8_t flags;
    uint32_t attempts;
    uint64_t seq; /* acceptance order */
    int64_t accepted_ms;
    int64_t updated_ms;
    uint8_t digest[BROKER_DIGEST_BYTES];
    uint32_t text_bytes;
    ds_str_t code;  /* last error's wire code, or empty */
    ds_str_t error; /* last error message, or empty */
} broker_rec_t;

typedef struct {
    uint8_t state; /* BROKER_REC_* of the finished document (done is 0) */
    uint32_t attempts;
    int64_t accepted_ms;
    int64_t finished_ms;
    uint8_t digest[BROKER_DIGEST_BYTES];
} broker_done_t;

typedef int (*broker_journal_sync_fn)(void *mdb_env, int force);

/* Creates DIR if needed and opens it; map_bytes is the largest the file may grow. */
int broker_journal_open(broker_journal_t **out, const char *dir, int64_t map_bytes, char *errstr,
                        size_t errlen) DS_WUR;
/* Aborts an uncommitted transaction and closes. */
void broker_journal_close(broker_journal_t **self_p);

int broker_journal_put(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen,
                       const broker_rec_t *rec, const uint8_t *map, size_t maplen) DS_WUR;
/* Returns 1 found, 0 absent, DS_EJOURNAL.  rec's strings and *map point into the
 * journal and stay valid until the next write. map/maplen may be NULL. */
int broker_journal_get(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen, broker_rec_t *rec,
                       const uint8_t **map, size_t *maplen) DS_WUR;
int broker_journal_del(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen) DS_WUR;

int broker_journal_put_done(broker_journal_t *j, const char *id, size_t idlen, const broker_done_t *d) DS_WUR;
int broker_journal_get_done(broker_journal_t *j, const char *id, size_t idlen, broker_done_t *d) DS_WUR;
int broker_journal_del_done(broker_journal_t *j, const char *id, size_t idlen) DS_WUR;
/* Deletes up to max `done` entries that finished before cutoff_ms; *n gets how many. */
int broker_journal_expire_done(broker_journal_t *j, int64_t cutoff_ms, size_t max, size_t *n) DS_WUR;

/* Calls fn for each record of t in id order, starting after `after` (NULL: from the
 * start), until fn returns non-zero or limit records were seen (0: no limit). */
typedef int (*broker_journal_each_fn)(void *arg, const char *id, size_t idlen, const broker_rec_t *rec,
                                      size_t maplen);
int broker_journal_each(broker_journal_t *j, broker_table_t t, const char *after, size_t afterlen,
                        size_t limit, broker_journal_each_fn fn, void *arg) DS_WUR;

/* Commits the open transaction and syncs.  0, or DS_EJOURNAL (fail-stop). */
int broker_journal_commit(broker_journal_t *j) DS_WUR;
/* true when the open transaction holds uncommitted writes. */
bool broker_journal_dirty(const broker_journal_t *j);
/* Writes since the last commit. */
uint64_t broker_journal_pending_ops(const broker_journal_t *j);

typedef struct {
    uint64_t file_bytes; /* size of data.mdb on disk */
    uint64_t used_bytes; /* high-water mark of pages in use */
    uint64_t live_bytes; /* pages holding data of the tables */
    uint64_t map_bytes;
    uint64_t docs, dead, done;
} broker_journal_stats_t;
void broker_journal_stats(broker_journal_t *j, broker_journal_stats_t *st);
/* Bytes of the map in use and the map size (cheap: no system call). */
void broker_journal_usage(broker_journal_t *j, uint64_t *used_bytes, uint64_t *map_bytes);

/* The message of the last journal error (for the one log line of a fail-stop). */
const char *broker_journal_strerror(const broker_journal_t *j);

/* Rewrites record id of t with the state, flags, attempts, updated_ms, code and error
 * of patch, keeping its seq, accepted_ms, digest, text_bytes and map; to != t moves
 * the record to the other table.  Returns 1 done, 0 absent, DS_EJOURNAL. */
int broker_journal_update(broker_journal_t *j, broker_table_t t, broker_table_t to, const char *id,
                          size_t idlen, const broker_rec_t *patch) DS_WUR;

/* Test seam: replaces mdb_env_sync (NULL restores it). */
void broker_journal_set_sync_fn(broker_journal_sync_fn fn);

#endif
