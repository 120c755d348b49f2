/* broker_journal.c: see broker_journal.h.  The only file that includes lmdb.h. */
#include "broker_journal.h"

#include "ds_buf.h"
#include "ds_mem.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REC_VERSION 1
#define REC_HEADER 72
#define DONE_BYTES 56
#define FORMAT "dossier-journal-1"

struct broker_journal {
    MDB_env *env;
    MDB_txn *txn; /* the open write transaction, or NULL */
    MDB_dbi tbl[2], done, bytime, meta;
    uint64_t ops;
    unsigned psize;
    ds_buf_t scratch;
    char path[1024];
    char err[256];
};

static int default_sync(void *env, int force)
{
    return mdb_env_sync(env, force);
}
static broker_journal_sync_fn sync_fn = default_sync;

void broker_journal_set_sync_fn(broker_journal_sync_fn fn)
{
    sync_fn = fn ? fn : default_sync;
}

const char *broker_journal_strerror(const broker_journal_t *j)
{
    return j->err;
}

static int fail(broker_journal_t *j, const char *what, int rc)
{
    snprintf(j->err, sizeof j->err, "%s: %s", what, mdb_strerror(rc));
    return DS_EJOURNAL;
}

static int txn(broker_journal_t *j)
{
    if (j->txn) {
        return 0;
    }
    int rc = mdb_txn_begin(j->env, NULL, 0, &j->txn);
    return rc ? fail(j, "begin transaction", rc) : 0;
}

/* ---- little-endian fields -------------------------------------------------------- */

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}
static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}
static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static size_t rec_size(const broker_rec_t *r, size_t maplen)
{
    return REC_HEADER + (r->code.len > 255 ? 255 : r->code.len) +
           (r->error.len > 65535 ? 65535 : r->error.len) + maplen;
}

static void rec_encode(uint8_t *p, const broker_rec_t *r, const uint8_t *map, size_t maplen)
{
    size_t clen = r->code.len > 255 ? 255 : r->code.len;
    size_t elen = r->error.len > 65535 ? 65535 : r->error.len;
    memset(p, 0, REC_HEADER);
    p[0] = REC_VERSION;
    p[1] = r->state;
    p[2] = r->flags;
    p[3] = (uint8_t)clen;
    put_u32(p + 4, r->attempts);
    put_u64(p + 8, r->seq);
    put_u64(p + 16, (uint64_t)r->accepted_ms);
    put_u64(p + 24, (uint64_t)r->updated_ms);
    memcpy(p + 32, r->digest, BROKER_DIGEST_BYTES);
    put_u32(p + 64, r->text_bytes);
    put_u16(p + 68, (uint16_t)elen);
    if (clen) {
        memcpy(p + REC_HEADER, r->code.ptr, clen);
    }
    if (elen) {
        memcpy(p + REC_HEADER + clen, r->error.ptr, elen);
    }
    if (maplen) {
        memcpy(p + REC_HEADER + clen + elen, map, maplen);
    }
}

/* Returns false for a record this build cannot read (never trust bytes blindly). */
static bool rec_decode(const uint8_t *p, size_t n, broker_rec_t *r, const uint8_t **map, size_t *maplen)
{
    if (n < REC_HEADER || p[0] != REC_VERSION) {
        return false;
    }
    size_t clen = p[3], elen = get_u16(p + 68);
    if (REC_HEADER + clen + elen > n) {
        return false;
    }
    r->state = p[1];
    r->flags = p[2];
    r->attempts = get_u32(p + 4);
    r->seq = get_u64(p + 8);
    r->accepted_ms = (int64_t)get_u64(p + 16);
    r->updated_ms = (int64_t)get_u64(p + 24);
    memcpy(r->digest, p + 32, BROKER_DIGEST_BYTES);
    r->text_bytes = get_u32(p + 64);
    r->code = (ds_str_t){(const char *)p + REC_HEADER, clen};
    r->error = (ds_str_t){(const char *)p + REC_HEADER + clen, elen};
    if (map) {
        *map = p + REC_HEADER + clen + elen;
    }
    if (maplen) {
        *maplen = n - REC_HEADER - clen - elen;
    }
    return true;
}

/* ---- open / close ---------------------------------------------------------------- */

static int open_tables(broker_journal_t *j)
{
    static const char *const names[] = {"docs", "dead", "done", "bytime", "meta"};
    MDB_dbi *dbis[] = {&j->tbl[0], &j->tbl[1], &j->done, &j->bytime, &j->meta};
    int rc = txn(j);
    for (size_t i = 0; rc == 0 && i < 5; i++) {
        int m = mdb_dbi_open(j->txn, names[i], MDB_CREATE, dbis[i]);
        if (m) {
            rc = fail(j, "open table", m);
        }
    }
    if (rc) {
        return rc;
    }
    MDB_val k = {6, "format"}, v;
    int m = mdb_get(j->txn, j->meta, &k, &v);
    if (m == MDB_NOTFOUND) {
        v = (MDB_val){strlen(FORMAT), FORMAT};
        m = mdb_put(j->txn, j->meta, &k, &v, 0);
        if (m) {
            return fail(j, "write format", m);
        }
    } else if (m) {
        return fail(j, "read format", m);
    } else if (v.mv_size != strlen(FORMAT) || memcmp(v.mv_data, FORMAT, v.mv_size) != 0) {
        snprintf(j->err, sizeof j->err, "not a %s journal (format '%.*s')", FORMAT, (int)v.mv_size,
                 (const char *)v.mv_data);
        return DS_EJOURNAL;
    }
    j->ops++;
    return broker_journal_commit(j);
}

int broker_journal_open(broker_journal_t **out, const char *dir, int64_t map_bytes, char *errstr,
                        size_t errlen)
{
    *out = NULL;
    broker_journal_t *j = ds_xcalloc(1, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s/data.mdb", dir);
    int rc = DS_EJOURNAL;
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        snprintf(j->err, sizeof j->err, "cannot create %s: %s", dir, strerror(errno));
        goto fail;
    }
    int m = mdb_env_create(&j->env);
    if (!m) {
        m = mdb_env_set_maxdbs(j->env, 8);
    }
    if (!m) {
        m = mdb_env_set_mapsize(j->env, (size_t)map_bytes);
    }
    if (!m) {
        m = mdb_env_open(j->env, dir, MDB_NOMETASYNC | MDB_NOTLS, 0640);
    }
    if (m) {
        fail(j, dir, m);
        goto fail;
    }
    if ((rc = open_tables(j)) != 0) {
        goto fail;
    }
    MDB_stat est;
    mdb_env_stat(j->env, &est);
    j->psize = est.ms_psize;
    *out = j;
    return 0;
fail:
    snprintf(errstr, errlen, "journal %s: %s", dir, j->err);
    broker_journal_close(&j);
    return rc ? rc : DS_EJOURNAL;
}

void broker_journal_close(broker_journal_t **self_p)
{
    broker_journal_t *j = *self_p;
    if (j == NULL) {
        return;
    }
    if (j->txn) {
        mdb_txn_abort(j->txn);
    }
    if (j->env) {
        mdb_env_close(j->env);
    }
    ds_buf_free(&j->scratch);
    free(j);
    *self_p = NULL;
}

/* ---- commit ------------------------------------------------------------------------ */

int broker_journal_commit(broker_journal_t *j)
{
    if (j->txn == NULL) {
        return 0;
    }
    if (j->ops == 0) {
        mdb_txn_abort(j->txn);
        j->txn = NULL;
        return 0;
    }
    int m = mdb_txn_commit(j->txn);
    j->txn = NULL;
    j->ops = 0;
    if (m) {
        return fail(j, "commit", m);
    }
    m = sync_fn(j->env, 1);
    return m ? fail(j, "sync", m) : 0;
}

bool broker_journal_dirty(const broker_journal_t *j)
{
    return j->ops > 0;
}
uint64_t broker_journal_pending_ops(const broker_journal_t *j)
{
    return j->ops;
}

/* ---- documents ----------------------------------------------------------------- */

int broker_journal_put(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen,
                       const broker_rec_t *rec, const uint8_t *map, size_t maplen)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_val k = {idlen, (void *)id}, v = {rec_size(rec, maplen), NULL};
    int m = mdb_put(j->txn, j->tbl[t], &k, &v, MDB_RESERVE);
    if (m) {
        return fail(j, "put", m);
    }
    rec_encode(v.mv_data, rec, map, maplen);
    j->ops++;
    return 0;
}

int broker_journal_get(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen, broker_rec_t *rec,
                       const uint8_t **map, size_t *maplen)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_val k = {idlen, (void *)id}, v;
    int m = mdb_get(j->txn, j->tbl[t], &k, &v);
    if (m == MDB_NOTFOUND) {
        return 0;
    }
    if (m) {
        return fail(j, "get", m);
    }
    if (!rec_decode(v.mv_data, v.mv_size, rec, map, maplen)) {
        snprintf(j->err, sizeof j->err, "record '%.*s' is corrupt or of an unknown version", (int)idlen, id);
        return DS_EJOURNAL;
    }
    return 1;
}

int broker_journal_del(broker_journal_t *j, broker_table_t t, const char *id, size_t idlen)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_val k = {idlen, (void *)id};
    int m = mdb_del(j->txn, j->tbl[t], &k, NULL);
    if (m && m != MDB_NOTFOUND) {
        return fail(j, "delete", m);
    }
    j->ops++;
    return 0;
}

int broker_journal_update(broker_journal_t *j, broker_table_t t, broker_table_t to, const char *id,
                          size_t idlen, const broker_rec_t *patch)
{
    broker_rec_t r;
    const uint8_t *map;
    size_t maplen;
    int rc = broker_journal_get(j, t, id, idlen, &r, &map, &maplen);
    if (rc <= 0) {
        return rc;
    }
    /* the map and the strings may point into the journal: copy before writing */
    ds_buf_reset(&j->scratch);
    ds_buf_append(&j->scratch, map, maplen);
    size_t off_code = j->scratch.len;
    ds_buf_append(&j->scratch, patch->code.ptr ? patch->code.ptr : "", patch->code.len);
    size_t off_err = j->scratch.len;
    ds_buf_append(&j->scratch, patch->error.ptr ? patch->error.ptr : "", patch->error.len);
    r.state = patch->state;
    r.flags = patch->flags;
    r.attempts = patch->attempts;
    r.updated_ms = patch->updated_ms;
    r.code = (ds_str_t){j->scratch.data + off_code, patch->code.len};
    r.error = (ds_str_t){j->scratch.data + off_err, patch->error.len};
    if (to != t && (rc = broker_journal_del(j, t, id, idlen)) != 0) {
        return rc;
    }
    rc = broker_journal_put(j, to, id, idlen, &r, (const uint8_t *)j->scratch.data, maplen);
    return rc ? rc : 1;
}

/* ---- finished documents (deduplication memory) --------------------------------- */

static void bytime_key(uint8_t *key, int64_t finished_ms, const char *id, size_t idlen)
{
    uint64_t t = (uint64_t)finished_ms;
    for (int i = 0; i < 8; i++) {
        key[i] = (uint8_t)(t >> (56 - 8 * i)); /* big-endian: keys sort by time */
    }
    memcpy(key + 8, id, idlen);
}

int broker_journal_put_done(broker_journal_t *j, const char *id, size_t idlen, const broker_done_t *d)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    uint8_t rec[DONE_BYTES] = {REC_VERSION, d->state};
    put_u32(rec + 4, d->attempts);
    put_u64(rec + 8, (uint64_t)d->accepted_ms);
    put_u64(rec + 16, (uint64_t)d->finished_ms);
    memcpy(rec + 24, d->digest, BROKER_DIGEST_BYTES);
    uint8_t key[8 + 256];
    bytime_key(key, d->finished_ms, id, idlen);
    MDB_val k = {idlen, (void *)id}, v = {DONE_BYTES, rec};
    MDB_val tk = {8 + idlen, key}, tv = {0, ""};
    int m = mdb_put(j->txn, j->done, &k, &v, 0);
    if (!m) {
        m = mdb_put(j->txn, j->bytime, &tk, &tv, 0);
    }
    if (m) {
        return fail(j, "put done", m);
    }
    j->ops++;
    return 0;
}

int broker_journal_get_done(broker_journal_t *j, const char *id, size_t idlen, broker_done_t *d)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_val k = {idlen, (void *)id}, v;
    int m = mdb_get(j->txn, j->done, &k, &v);
    if (m == MDB_NOTFOUND) {
        return 0;
    }
    if (m) {
        return fail(j, "get done", m);
    }
    const uint8_t *p = v.mv_data;
    if (v.mv_size != DONE_BYTES || p[0] != REC_VERSION) {
        snprintf(j->err, sizeof j->err, "done record '%.*s' is corrupt", (int)idlen, id);
        return DS_EJOURNAL;
    }
    d->state = p[1];
    d->attempts = get_u32(p + 4);
    d->accepted_ms = (int64_t)get_u64(p + 8);
    d->finished_ms = (int64_t)get_u64(p + 16);
    memcpy(d->digest, p + 24, BROKER_DIGEST_BYTES);
    return 1;
}

int broker_journal_del_done(broker_journal_t *j, const char *id, size_t idlen)
{
    broker_done_t d;
    int rc = broker_journal_get_done(j, id, idlen, &d);
    if (rc <= 0) {
        return rc;
    }
    uint8_t key[8 + 256];
    bytime_key(key, d.finished_ms, id, idlen);
    MDB_val k = {idlen, (void *)id}, tk = {8 + idlen, key};
    int m = mdb_del(j->txn, j->done, &k, NULL);
    if (!m || m == MDB_NOTFOUND) {
        m = mdb_del(j->txn, j->bytime, &tk, NULL);
    }
    if (m && m != MDB_NOTFOUND) {
        return fail(j, "delete done", m);
    }
    j->ops++;
    return 0;
}

int broker_journal_expire_done(broker_journal_t *j, int64_t cutoff_ms, size_t max, size_t *n)
{
    *n = 0;
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_cursor *c;
    int m = mdb_cursor_open(j->txn, j->bytime, &c);
    if (m) {
        return fail(j, "cursor", m);
    }
    MDB_val k, v;
    while (*n < max && (m = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
        if (k.mv_size < 8) {
            break;
        }
        const uint8_t *p = k.mv_data;
        uint64_t t = 0;
        for (int i = 0; i < 8; i++) {
            t = t << 8 | p[i];
        }
        if ((int64_t)t >= cutoff_ms) {
            break;
        }
        MDB_val id = {k.mv_size - 8, (uint8_t *)k.mv_data + 8};
        int d = mdb_del(j->txn, j->done, &id, NULL);
        if ((d && d != MDB_NOTFOUND) || (d = mdb_cursor_del(c, 0)) != 0) {
            m = d;
            break;
        }
        (*n)++;
        j->ops++;
    }
    mdb_cursor_close(c);
    return (m && m != MDB_NOTFOUND) ? fail(j, "expire done", m) : 0;
}

/* ---- iteration and sizes ---------------------------------------------------------- */

int broker_journal_each(broker_journal_t *j, broker_table_t t, const char *after, size_t afterlen,
                        size_t limit, broker_journal_each_fn fn, void *arg)
{
    int rc = txn(j);
    if (rc) {
        return rc;
    }
    MDB_cursor *c;
    int m = mdb_cursor_open(j->txn, j->tbl[t], &c);
    if (m) {
        return fail(j, "cursor", m);
    }
    MDB_val k = {afterlen, (void *)after}, v;
    m = mdb_cursor_get(c, &k, &v, after ? MDB_SET_RANGE : MDB_FIRST);
    if (m == 0 && after && k.mv_size == afterlen && memcmp(k.mv_data, after, afterlen) == 0) {
        m = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    size_t seen = 0;
    for (; m == 0 && (limit == 0 || seen < limit); m = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        broker_rec_t rec;
        size_t maplen;
        if (!rec_decode(v.mv_data, v.mv_size, &rec, NULL, &maplen)) {
            snprintf(j->err, sizeof j->err, "record '%.*s' is corrupt", (int)k.mv_size,
                     (const char *)k.mv_data);
            mdb_cursor_close(c);
            return DS_EJOURNAL;
        }
        seen++;
        if (fn(arg, k.mv_data, k.mv_size, &rec, maplen) != 0) {
            break;
        }
    }
    mdb_cursor_close(c);
    return (m && m != MDB_NOTFOUND) ? fail(j, "iterate", m) : 0;
}

static uint64_t table_pages(MDB_txn *t, MDB_dbi dbi, uint64_t *entries)
{
    MDB_stat st;
    if (mdb_stat(t, dbi, &st) != 0) {
        return 0;
    }
    if (entries) {
        *entries = st.ms_entries;
    }
    return st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
}

void broker_journal_usage(broker_journal_t *j, uint64_t *used_bytes, uint64_t *map_bytes)
{
    MDB_envinfo info;
    mdb_env_info(j->env, &info);
    *used_bytes = (uint64_t)(info.me_last_pgno + 1) * j->psize;
    *map_bytes = info.me_mapsize;
}

void broker_journal_stats(broker_journal_t *j, broker_journal_stats_t *st)
{
    memset(st, 0, sizeof *st);
    MDB_envinfo info;
    MDB_stat est;
    mdb_env_info(j->env, &info);
    mdb_env_stat(j->env, &est);
    st->map_bytes = info.me_mapsize;
    st->used_bytes = (uint64_t)(info.me_last_pgno + 1) * est.ms_psize;
    struct stat fs;
    if (stat(j->path, &fs) == 0) {
        st->file_bytes = (uint64_t)fs.st_size;
    }
    if (txn(j) != 0) {
        return;
    }
    uint64_t pages = 2; /* the two meta pages */
    pages += table_pages(j->txn, j->tbl[BROKER_TBL_DOCS], &st->docs);
    pages += table_pages(j->txn, j->tbl[BROKER_TBL_DEAD], &st->dead);
    pages += table_pages(j->txn, j->done, &st->done);
    pages += table_pages(j->txn, j->bytime, NULL);
    pages += table_pages(j->txn, j->meta, NULL);
    st->live_bytes = pages * est.ms_psize;
}
