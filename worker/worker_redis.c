/* worker_redis.c: Redis address parsing, the connection, and the store retry loop;
 * see worker_redis.h.
 *
 * Invariant: r->c is NULL or a connected context with no error; after any error the
 * context is freed, because hiredis cannot resynchronise a connection whose command
 * timed out (the reply may still arrive).  Re-running the script after such a timeout
 * is safe: the script is idempotent (worker_script.h).
 *
 * Logging: one warning when Redis becomes unreachable and one notice when it is back,
 * never one line per retry.
 */
#include "worker_redis.h"

#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mem.h"

#include <errno.h>
#include <hiredis.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct worker_redis {
    worker_redis_addr_t addr;
    worker_redis_opts_t o;
    redisContext *c;
    char sha[41];
    worker_wait_fn wait;
    void *wait_arg;
    int64_t down_since_ms; /* 0 when the last eval succeeded */
    worker_args_t many;    /* the combined call of a batch (worker_script.c "many") */
    ds_buf_t resp;         /* that call framed as RESP */
};

/* ---- URL ------------------------------------------------------------------------ */

static int parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
    if (n == 0 || n > 9) {
        return DS_ECONFIG;
    }
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return DS_ECONFIG;
        }
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi) {
        return DS_ECONFIG;
    }
    *out = v;
    return 0;
}

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) {
        return DS_ECONFIG;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

static int parse_userinfo(const char *s, size_t n, worker_redis_addr_t *a);

static int parse_unix(const char *rest, worker_redis_addr_t *a, char *errstr, size_t errlen)
{
    const char *at = strchr(rest, '@'); /* unix://[user:password@]/path */
    const char *slash = strchr(rest, '/');
    if (at && slash && at < slash) {
        if (parse_userinfo(rest, (size_t)(at - rest), a) != 0) {
            snprintf(errstr, errlen, "redis URL: user or password too long");
            return DS_ECONFIG;
        }
        rest = at + 1;
    }
    const char *q = strchr(rest, '?');
    size_t n = q ? (size_t)(q - rest) : strlen(rest);
    a->is_unix = true;
    if (n == 0 || rest[0] != '/' || copy_part(a->path, sizeof a->path, rest, n) != 0) {
        snprintf(errstr, errlen, "redis URL: unix:// needs an absolute socket path");
        return DS_ECONFIG;
    }
    if (q && (strncmp(q, "?db=", 4) != 0 || parse_int(q + 4, strlen(q + 4), 0, 65535, &a->db) != 0)) {
        snprintf(errstr, errlen, "redis URL: after the socket path only ?db=N is allowed");
        return DS_ECONFIG;
    }
    return 0;
}

static int parse_userinfo(const char *s, size_t n, worker_redis_addr_t *a)
{
    const char *colon = memchr(s, ':', n);
    if (colon == NULL) {
        return copy_part(a->password, sizeof a->password, s, n); /* redis://secret@host */
    }
    size_t ulen = (size_t)(colon - s);
    if (copy_part(a->user, sizeof a->user, s, ulen) != 0) {
        return DS_ECONFIG;
    }
    return copy_part(a->password, sizeof a->password, colon + 1, n - ulen - 1);
}

static int parse_hostport(const char *s, size_t n, worker_redis_addr_t *a)
{
    const char *colon = NULL;
    if (n > 0 && s[0] == '[') { /* [ipv6]:port */
        const char *end = memchr(s, ']', n);
        if (end == NULL || copy_part(a->host, sizeof a->host, s + 1, (size_t)(end - s - 1)) != 0) {
            return DS_ECONFIG;
        }
        colon = (end + 1 < s + n && end[1] == ':') ? end + 1 : NULL;
    } else {
        colon = memchr(s, ':', n);
        size_t hlen = colon ? (size_t)(colon - s) : n;
        if (hlen == 0 || copy_part(a->host, sizeof a->host, s, hlen) != 0) {
            return DS_ECONFIG;
        }
    }
    if (colon) {
        return parse_int(colon + 1, (size_t)(s + n - colon - 1), 1, 65535, &a->port);
    }
    return 0;
}

static int parse_tcp(const char *rest, worker_redis_addr_t *a, char *errstr, size_t errlen)
{
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *at = memchr(rest, '@', n);
    const char *hp = at ? at + 1 : rest;
    if (at && parse_userinfo(rest, (size_t)(at - rest), a) != 0) {
        snprintf(errstr, errlen, "redis URL: user or password too long");
        return DS_ECONFIG;
    }
    if (parse_hostport(hp, (size_t)(rest + n - hp), a) != 0) {
        snprintf(errstr, errlen, "redis URL: expected redis://[user:password@]host[:port][/db]");
        return DS_ECONFIG;
    }
    if (slash && slash[1] != '\0' && parse_int(slash + 1, strlen(slash + 1), 0, 65535, &a->db) != 0) {
        snprintf(errstr, errlen, "redis URL: the database after '/' must be a number");
        return DS_ECONFIG;
    }
    return 0;
}

int worker_redis_parse_url(const char *url, worker_redis_addr_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->port = 6379;
    if (url == NULL) {
        url = "";
    }
    if (strncmp(url, "unix://", 7) == 0) {
        return parse_unix(url + 7, out, errstr, errlen);
    }
    if (strncmp(url, "redis://", 8) == 0) {
        return parse_tcp(url + 8, out, errstr, errlen);
    }
    snprintf(errstr, errlen, "redis URL must start with redis:// or unix:// (got '%.40s')", url);
    return DS_ECONFIG;
}

/* ---- connection ----------------------------------------------------------------- */

static struct timeval tv_ms(int64_t ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};
    return tv;
}

static bool default_wait(void *arg, int64_t ms)
{
    (void)arg;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return true;
}

worker_redis_t *worker_redis_new(const worker_redis_addr_t *addr, const worker_redis_opts_t *o)
{
    worker_redis_t *r = ds_xcalloc(1, sizeof *r);
    r->addr = *addr;
    r->o = *o;
    memset(r->sha, '0', 40);
    r->wait = default_wait;
    return r;
}

static void drop(worker_redis_t *r)
{
    if (r->c) {
        redisFree(r->c);
        r->c = NULL;
    }
}

void worker_redis_destroy(worker_redis_t **self_p)
{
    worker_redis_t *r = *self_p;
    if (r) {
        drop(r);
        worker_args_free(&r->many);
        ds_buf_free(&r->resp);
        memset(r->addr.password, 0, sizeof r->addr.password);
        free(r);
        *self_p = NULL;
    }
}

void worker_redis_set_wait(worker_redis_t *r, worker_wait_fn fn, void *arg)
{
    r->wait = fn ? fn : default_wait;
    r->wait_arg = fn ? arg : NULL;
}

const char *worker_redis_sha(const worker_redis_t *r)
{
    return r->sha;
}

/* Runs one command on the connection; NULL (and the connection dropped) on an I/O
 * error, else the reply (caller frees).  An error reply is returned as a reply. */
static redisReply *command(worker_redis_t *r, int argc, const char **argv, const size_t *lens, char *errstr,
                           size_t errlen)
{
    redisReply *rep = redisCommandArgv(r->c, argc, argv, lens);
    if (rep == NULL) {
        snprintf(errstr, errlen, "%s", r->c->errstr[0] ? r->c->errstr : "connection lost");
        drop(r);
    }
    return rep;
}

/* Runs the command in a, framed as RESP here rather than by hiredis's
 * printf-style formatter (a batch's call has thousands of arguments); NULL on an
 * I/O error as command(). */
static redisReply *command_resp(worker_redis_t *r, const worker_args_t *a, char *errstr, size_t errlen)
{
    ds_buf_t *b = &r->resp;
    ds_buf_reset(b);
    ds_buf_reserve(b, a->bytes.len + 16 * a->n + 16);
    char num[24];
    ds_buf_append(b, num, (size_t)snprintf(num, sizeof num, "*%zu\r\n", a->n));
    for (size_t i = 0; i < a->n; i++) {
        ds_buf_append(b, num, (size_t)snprintf(num, sizeof num, "$%zu\r\n", a->len[i]));
        ds_buf_append(b, a->bytes.data + a->off[i], a->len[i]);
        ds_buf_append(b, "\r\n", 2);
    }
    redisReply *rep = NULL;
    if (redisAppendFormattedCommand(r->c, b->data, b->len) != REDIS_OK ||
        redisGetReply(r->c, (void **)&rep) != REDIS_OK || rep == NULL) {
        snprintf(errstr, errlen, "%s", r->c->errstr[0] ? r->c->errstr : "connection lost");
        if (rep) {
            freeReplyObject(rep);
        }
        drop(r);
        return NULL;
    }
    if (b->cap > ((size_t)4 << 20)) {
        ds_buf_free(b); /* a huge batch once: do not keep its buffer */
    }
    return rep;
}

/* Sends argv and accepts only a +OK style answer (AUTH, SELECT). */
static int simple(worker_redis_t *r, int argc, const char **argv, char *errstr, size_t errlen)
{
    size_t lens[3];
    for (int i = 0; i < argc; i++) {
        lens[i] = strlen(argv[i]);
    }
    redisReply *rep = command(r, argc, argv, lens, errstr, errlen);
    if (rep == NULL) {
        return DS_EREDIS;
    }
    int rc = 0;
    if (rep->type == REDIS_REPLY_ERROR) {
        snprintf(errstr, errlen, "%s: %s", argv[0], rep->str);
        rc = DS_EREDIS;
    }
    freeReplyObject(rep);
    return rc;
}

static redisContext *open_context(const worker_redis_t *r)
{
    struct timeval tv = tv_ms(r->o.timeout_ms);
    return r->addr.is_unix ? redisConnectUnixWithTimeout(r->addr.path, tv)
                           : redisConnectWithTimeout(r->addr.host, r->addr.port, tv);
}

int worker_redis_connect(worker_redis_t *r, char *errstr, size_t errlen)
{
    if (r->c) {
        return 0;
    }
    r->c = open_context(r);
    if (r->c == NULL || r->c->err) {
        snprintf(errstr, errlen, "connect to %s: %s", r->addr.is_unix ? r->addr.path : r->addr.host,
                 r->c ? r->c->errstr : "out of memory");
        drop(r);
        return DS_EREDIS;
    }
    if (redisSetTimeout(r->c, tv_ms(r->o.timeout_ms)) != REDIS_OK) {
        snprintf(errstr, errlen, "cannot set the command timeout");
        drop(r);
        return DS_EREDIS;
    }
    if (!r->addr.is_unix) {
        (void)redisEnableKeepAlive(r->c);
    }
    char db[16];
    snprintf(db, sizeof db, "%d", r->addr.db);
    const char *auth1[] = {"AUTH", r->addr.password};
    const char *auth2[] = {"AUTH", r->addr.user, r->addr.password};
    const char *sel[] = {"SELECT", db};
    if ((r->addr.password[0] && (r->addr.user[0] ? simple(r, 3, auth2, errstr, errlen)
                                                 : simple(r, 2, auth1, errstr, errlen)) != 0) ||
        (r->addr.db != 0 && simple(r, 2, sel, errstr, errlen) != 0)) {
        drop(r);
        return DS_EREDIS;
    }
    return 0;
}

/* SCRIPT LOAD: learns the SHA-1 (also after SCRIPT FLUSH or a failover). */
static int load_script(worker_redis_t *r, char *errstr, size_t errlen)
{
    const char *argv[] = {"SCRIPT", "LOAD", worker_script_lua};
    size_t lens[] = {6, 4, strlen(worker_script_lua)};
    redisReply *rep = command(r, 3, argv, lens, errstr, errlen);
    if (rep == NULL) {
        return DS_EREDIS;
    }
    int rc = 0;
    if (rep->type == REDIS_REPLY_STRING && rep->len == 40) {
        memcpy(r->sha, rep->str, 40);
    } else {
        snprintf(errstr, errlen, "SCRIPT LOAD: %s",
                 rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
        rc = DS_EREDIS;
    }
    freeReplyObject(rep);
    return rc;
}

/* Reads {stored, status, duplicate_of}. */
static int outcome(const redisReply *rep, worker_outcome_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
        rep->element[0]->type != REDIS_REPLY_INTEGER || rep->element[1]->type != REDIS_REPLY_STRING ||
        rep->element[2]->type != REDIS_REPLY_STRING) {
        snprintf(errstr, errlen, "store script: unexpected reply");
        return DS_EREDIS;
    }
    out->stored = rep->element[0]->integer == 1;
    snprintf(out->status, sizeof out->status, "%.*s", (int)rep->element[1]->len, rep->element[1]->str);
    snprintf(out->duplicate_of, sizeof out->duplicate_of, "%.*s", (int)rep->element[2]->len,
             rep->element[2]->str);
    return 0;
}

/* One try: connect if needed, EVALSHA, and on NOSCRIPT load the script and EVALSHA once
 * more.  Returns 0 or DS_EREDIS. */
static int try_once(worker_redis_t *r, worker_args_t *args, worker_outcome_t *out, char *errstr,
                    size_t errlen)
{
    for (int round = 0; round < 2; round++) {
        if (worker_redis_connect(r, errstr, errlen) != 0) {
            return DS_EREDIS;
        }
        worker_args_set_sha(args, r->sha);
        const char **argv = worker_args_argv(args);
        redisReply *rep = command(r, (int)args->n, argv, args->len, errstr, errlen);
        if (rep == NULL) {
            return DS_EREDIS;
        }
        bool noscript = rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, "NOSCRIPT", 8) == 0;
        int rc = 0;
        if (rep->type == REDIS_REPLY_ERROR && !noscript) {
            snprintf(errstr, errlen, "%s", rep->str);
            rc = DS_EREDIS;
        } else if (!noscript) {
            rc = outcome(rep, out, errstr, errlen);
        }
        freeReplyObject(rep);
        if (!noscript) {
            return rc;
        }
        if (load_script(r, errstr, errlen) != 0) {
            return DS_EREDIS;
        }
    }
    snprintf(errstr, errlen, "NOSCRIPT right after SCRIPT LOAD");
    return DS_EREDIS;
}

int worker_redis_eval(worker_redis_t *r, worker_args_t *args, worker_outcome_t *out, char *errstr,
                      size_t errlen)
{
    int64_t start = ds_now_ms();
    int64_t backoff = r->o.backoff_min_ms;
    for (;;) {
        if (try_once(r, args, out, errstr, errlen) == 0) {
            if (r->down_since_ms) {
                ds_log(DS_LOG_NOTICE, "msg=\"redis is back\" down_ms=%lld",
                       (long long)(ds_now_ms() - r->down_since_ms));
                r->down_since_ms = 0;
            }
            return 0;
        }
        int64_t now = ds_now_ms();
        if (r->down_since_ms == 0) {
            r->down_since_ms = now;
            ds_log(DS_LOG_WARNING, "msg=\"redis write failed, retrying\" error=\"%s\"", errstr);
        }
        int64_t left = r->o.give_up_ms - (now - start);
        if (left <= 0) {
            return DS_EREDIS;
        }
        if (!r->wait(r->wait_arg, backoff < left ? backoff : left)) {
            return DS_EDRAINING;
        }
        backoff = backoff * 2 < r->o.backoff_max_ms ? backoff * 2 : r->o.backoff_max_ms;
    }
}

/* ---- pipelined batches ---------------------------------------------------------- */

/* Sends the EVALSHA of every item not yet stored, as one pipeline.  0 or DS_EREDIS
 * (the connection is then dropped and err says why). */
static int send_pending(worker_redis_t *r, worker_redis_item_t *items, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc == 0) {
            continue;
        }
        worker_args_set_sha(items[i].args, r->sha);
        const char **argv = worker_args_argv(items[i].args);
        if (redisAppendCommandArgv(r->c, (int)items[i].args->n, argv, items[i].args->len) != REDIS_OK) {
            snprintf(err, errlen, "%s", r->c->errstr[0] ? r->c->errstr : "out of memory");
            drop(r);
            return DS_EREDIS;
        }
    }
    return 0;
}

/* Reads one pending item's answer: 0, 1 for NOSCRIPT, or DS_EREDIS (an error reply:
 * the item stays pending; or an I/O error: the connection is dropped). */
static int read_one(worker_redis_t *r, worker_redis_item_t *it)
{
    redisReply *rep = NULL;
    if (redisGetReply(r->c, (void **)&rep) != REDIS_OK || rep == NULL) {
        snprintf(it->err, sizeof it->err, "%s", r->c->errstr[0] ? r->c->errstr : "connection lost");
        drop(r);
        return DS_EREDIS;
    }
    int rc = DS_EREDIS;
    if (rep->type == REDIS_REPLY_ERROR) {
        snprintf(it->err, sizeof it->err, "%s", rep->str);
        rc = strncmp(rep->str, "NOSCRIPT", 8) == 0 ? 1 : DS_EREDIS;
    } else if (outcome(rep, &it->out, it->err, sizeof it->err) == 0) {
        it->rc = rc = 0;
    }
    freeReplyObject(rep);
    return rc;
}

/* The number of keys of an EVALSHA argument vector (its third argument), or -1. */
static long nkeys_of(const worker_args_t *a)
{
    if (a->n < 3 || a->len[2] == 0 || a->len[2] > 6) {
        return -1;
    }
    long k = 0;
    const char *p = a->bytes.data + a->off[2];
    for (size_t i = 0; i < a->len[2]; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        k = k * 10 + (p[i] - '0');
    }
    return 3 + (size_t)k <= a->n ? k : -1;
}

/* Builds in r->many one EVALSHA of the store script in "many" mode from the pending
 * items' own argument vectors; false when an item's vector is not one. */
static bool build_many(worker_redis_t *r, worker_redis_item_t *items, size_t n, size_t npending)
{
    worker_args_t *m = &r->many;
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        long k = items[i].rc == 0 ? 0 : nkeys_of(items[i].args);
        if (k < 0) {
            return false;
        }
        total += k;
    }
    worker_args_reset(m);
    worker_args_adds(m, "EVALSHA");
    worker_args_adds(m, r->sha);
    worker_args_addi(m, total);
    for (size_t i = 0; i < n; i++) { /* every document's KEYS */
        const worker_args_t *a = items[i].args;
        for (size_t j = 3; items[i].rc != 0 && j < 3 + (size_t)nkeys_of(a); j++) {
            worker_args_add(m, a->bytes.data + a->off[j], a->len[j]);
        }
    }
    worker_args_adds(m, "many");
    worker_args_addi(m, (int64_t)npending);
    for (size_t i = 0; i < n; i++) { /* (nkeys nargs) of each */
        if (items[i].rc != 0) {
            long k = nkeys_of(items[i].args);
            worker_args_addi(m, k);
            worker_args_addi(m, (int64_t)(items[i].args->n - 3 - (size_t)k));
        }
    }
    for (size_t i = 0; i < n; i++) { /* every document's ARGV */
        const worker_args_t *a = items[i].args;
        for (size_t j = 3 + (size_t)(items[i].rc != 0 ? nkeys_of(a) : 0); items[i].rc != 0 && j < a->n; j++) {
            worker_args_add(m, a->bytes.data + a->off[j], a->len[j]);
        }
    }
    return true;
}

/* One try of the pending items as one script call ("many").  Returns 0 when every
 * answer was read (each item's rc set from its own answer), 1 for NOSCRIPT, 2 when
 * the call as a whole failed with an error reply (the caller then tries the items one
 * by one, which tells which of them fails), or DS_EREDIS on an I/O error (the
 * connection is dropped and every pending item's err says why). */
static int try_combined(worker_redis_t *r, worker_redis_item_t *items, size_t n, size_t npending)
{
    if (!build_many(r, items, n, npending)) {
        return 2;
    }
    char err[256];
    redisReply *rep = command_resp(r, &r->many, err, sizeof err);
    if (rep == NULL) {
        for (size_t i = 0; i < n; i++) {
            if (items[i].rc != 0) {
                snprintf(items[i].err, sizeof items[i].err, "%s", err);
            }
        }
        return DS_EREDIS;
    }
    int rc = 0;
    if (rep->type == REDIS_REPLY_ERROR) {
        rc = strncmp(rep->str, "NOSCRIPT", 8) == 0 ? 1 : 2;
    } else if (rep->type != REDIS_REPLY_ARRAY || rep->elements != npending) {
        rc = 2;
    } else {
        for (size_t i = 0, e = 0; i < n; i++) {
            if (items[i].rc != 0 &&
                outcome(rep->element[e++], &items[i].out, items[i].err, sizeof items[i].err) == 0) {
                items[i].rc = 0;
            }
        }
    }
    freeReplyObject(rep);
    return rc;
}

/* One try for the pending items; NOSCRIPT loads the script and sends once more.
 * Two or more pending items go as one script call, and one by one (pipelined) only
 * when that call fails as a whole.  Returns the number of items still pending. */
static size_t try_many(worker_redis_t *r, worker_redis_item_t *items, size_t n)
{
    size_t pending = 0;
    for (size_t i = 0; i < n; i++) {
        pending += items[i].rc != 0;
    }
    for (int round = 0; pending >= 2 && round < 2; round++) {
        char err[256];
        if (worker_redis_connect(r, err, sizeof err) != 0) {
            for (size_t i = 0; i < n; i++) {
                snprintf(items[i].err, sizeof items[i].err, "%s", err);
            }
            return pending;
        }
        int rc = try_combined(r, items, n, pending);
        if (rc == DS_EREDIS) {
            return pending;
        }
        if (rc == 0) {
            pending = 0;
            for (size_t i = 0; i < n; i++) {
                pending += items[i].rc != 0;
            }
            return pending;
        }
        if (rc == 2 || load_script(r, err, sizeof err) != 0) {
            break; /* one by one: each item gets its own answer */
        }
    }
    pending = 0;
    for (int round = 0; round < 2; round++) {
        char err[256];
        bool noscript = false;
        pending = 0;
        if (worker_redis_connect(r, err, sizeof err) != 0 ||
            send_pending(r, items, n, err, sizeof err) != 0) {
            for (size_t i = 0; i < n; i++) {
                snprintf(items[i].err, sizeof items[i].err, "%s", err);
                pending += items[i].rc != 0;
            }
            return pending;
        }
        for (size_t i = 0; i < n; i++) {
            if (items[i].rc == 0) {
                continue;
            }
            if (r->c == NULL) { /* an earlier answer broke the connection */
                snprintf(items[i].err, sizeof items[i].err, "connection lost");
                pending++;
                continue;
            }
            int rc = read_one(r, &items[i]);
            noscript |= rc == 1;
            pending += rc != 0;
        }
        if (!noscript || r->c == NULL || load_script(r, err, sizeof err) != 0) {
            return pending;
        }
    }
    return pending;
}

/* Sets rc of every item still pending; returns rc. */
static int settle(worker_redis_item_t *items, size_t n, int rc)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc != 0) {
            items[i].rc = rc;
        }
    }
    return rc == DS_EDRAINING ? rc : 0;
}

int worker_redis_eval_many(worker_redis_t *r, worker_redis_item_t *items, size_t n)
{
    int64_t start = ds_now_ms();
    int64_t backoff = r->o.backoff_min_ms;
    for (size_t i = 0; i < n; i++) {
        items[i].rc = DS_EREDIS;
        items[i].err[0] = '\0';
    }
    for (;;) {
        size_t pending = try_many(r, items, n);
        int64_t now = ds_now_ms();
        if (pending == 0) {
            if (r->down_since_ms) {
                ds_log(DS_LOG_NOTICE, "msg=\"redis is back\" down_ms=%lld",
                       (long long)(now - r->down_since_ms));
                r->down_since_ms = 0;
            }
            return 0;
        }
        if (r->down_since_ms == 0) {
            r->down_since_ms = now;
            for (size_t i = 0; i < n; i++) {
                if (items[i].rc != 0) {
                    ds_log(DS_LOG_WARNING, "msg=\"redis write failed, retrying\" error=\"%s\"", items[i].err);
                    break;
                }
            }
        }
        int64_t left = r->o.give_up_ms - (now - start);
        if (left <= 0) {
            return settle(items, n, DS_EREDIS);
        }
        if (!r->wait(r->wait_arg, backoff < left ? backoff : left)) {
            return settle(items, n, DS_EDRAINING);
        }
        backoff = backoff * 2 < r->o.backoff_max_ms ? backoff * 2 : r->o.backoff_max_ms;
    }
}
