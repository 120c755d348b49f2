/* check_worker_support.h: helpers shared by the dossier-worker suites (included by
 * check_worker_*.c only; static so each suite is one self-contained binary).
 *
 *  - a tiny Majordomo broker written from RFC 7 in the test process: a ROUTER socket
 *    on tcp://127.0.0.1:* that takes READY, sends REQUESTs, collects REPLYs and sends
 *    HEARTBEATs while it waits, so the worker can be tested without dossier-broker;
 *  - starting dossier-worker against it and a per-TCase redis-server;
 *  - a hiredis connection for assertions on what the worker wrote.
 * Every wait has a timeout.  Make all of this inside the forked test (CK_FORK).
 */
#ifndef CHECK_WORKER_SUPPORT_H
#define CHECK_WORKER_SUPPORT_H

#include "ds_buf.h"
#include "ds_clock.h"
#include "ds_mdp.h"
#include "ds_msg.h"
#include "../support/ds_test.h"

#include <check.h>
#include <czmq.h>
#include <fcntl.h>
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define TB_MAX_WORKERS 256

typedef struct {
    zsock_t *router;
    char endpoint[256];
    zframe_t *idle[TB_MAX_WORKERS]; /* one entry per free slot: a worker with credit K
                                       that holds nothing is there K times */
    int n_idle;
    zframe_t *known[TB_MAX_WORKERS]; /* every identity seen READY (heartbeats go to these) */
    int n_known;
    int readies;     /* READY commands seen in total */
    int last_credit; /* the credit of the last READY (1 without the credit frame) */
    int disconnects; /* DISCONNECT commands seen */
    int64_t hb_at;
} tb_t;

static inline tb_t *tb_new(void)
{
    tb_t *b = calloc(1, sizeof *b);
    b->router = zsock_new(ZMQ_ROUTER);
    zsock_set_linger(b->router, 0);
    zsock_set_router_mandatory(b->router, 1);
    /* port 0: the kernel picks a random free port.  czmq's ":*" would take the
     * lowest free one from 49152 up, where workers orphaned by other runs may still be
     * trying to reconnect. */
    ck_assert_int_eq(zsock_bind(b->router, "tcp://127.0.0.1:0"), 0);
    char *ep = zsock_last_endpoint(b->router);
    ck_assert_ptr_nonnull(ep);
    snprintf(b->endpoint, sizeof b->endpoint, "%s", ep);
    free(ep);
    return b;
}

static inline void tb_destroy(tb_t **bp)
{
    tb_t *b = *bp;
    for (int i = 0; i < b->n_idle; i++) {
        zframe_destroy(&b->idle[i]);
    }
    for (int i = 0; i < b->n_known; i++) {
        zframe_destroy(&b->known[i]);
    }
    zsock_destroy(&b->router);
    free(b);
    *bp = NULL;
}

/* false when the worker has gone away (ROUTER_MANDATORY says EHOSTUNREACH) */
static inline bool tb_send(tb_t *b, zframe_t *who, int cmd, zmsg_t **body_p)
{
    zmsg_t *m = ds_mdpw_msg(cmd, NULL, body_p);
    zmsg_pushmem(m, zframe_data(who), zframe_size(who));
    if (zmsg_send(&m, b->router) != 0) {
        zmsg_destroy(&m);
        return false;
    }
    return true;
}

static inline void tb_heartbeat(tb_t *b)
{
    if (ds_now_ms() < b->hb_at) {
        return;
    }
    for (int i = 0; i < b->n_known; i++) {
        tb_send(b, b->known[i], MDPW_HEARTBEAT, NULL);
    }
    b->hb_at = ds_now_ms() + 300;
}

/* Removes id from a list of identities. */
static inline void tb_forget(zframe_t **list, int *n, zframe_t *id)
{
    for (int i = 0; i < *n; i++) {
        if (zframe_eq(list[i], id)) {
            zframe_destroy(&list[i]);
            memmove(&list[i], &list[i + 1], (size_t)(*n - i - 1) * sizeof list[0]);
            (*n)--;
            i--;
        }
    }
}

/* Receives one worker message (up to timeout_ms); handles READY/HEARTBEAT/DISCONNECT.
 * Returns a REPLY's body (caller frees) with the sender in *from (caller frees), or
 * NULL. */
static inline zframe_t *tb_poll(tb_t *b, int timeout_ms, zframe_t **from)
{
    tb_heartbeat(b);
    zsock_set_rcvtimeo(b->router, timeout_ms);
    zmsg_t *m = zmsg_recv(b->router);
    if (m == NULL) {
        return NULL;
    }
    zframe_t *id = zmsg_pop(m), *empty = zmsg_pop(m), *proto = zmsg_pop(m), *cmd = zmsg_pop(m);
    zframe_t *body = NULL;
    ck_assert_msg(empty && zframe_size(empty) == 0 && ds_frame_is(proto, MDPW_WORKER) && cmd &&
                      zframe_size(cmd) == 1,
                  "worker sent a malformed MDP message");
    int c = zframe_data(cmd)[0];
    if (c == MDPW_READY) {
        ck_assert(zmsg_size(m) == 1 || zmsg_size(m) == 2);
        char *svc = zmsg_popstr(m);
        ck_assert_str_eq(svc, DS_SVC_ANALYZE);
        free(svc);
        int64_t credit = 1;
        zframe_t *cf = zmsg_pop(m);
        if (cf) { /* the credit frame: {"credit": K}, sent only for K > 1 */
            ds_body_t cb;
            char err[128];
            ck_assert_int_eq(ds_body_parse(&cb, zframe_data(cf), zframe_size(cf), err, sizeof err), 0);
            ck_assert_int_eq(ds_body_int(&cb, "credit", &credit, err, sizeof err), 1);
            ck_assert_int_gt(credit, 1);
            ds_body_free(&cb);
            zframe_destroy(&cf);
        }
        b->readies++;
        b->last_credit = (int)credit;
        if (b->n_known < TB_MAX_WORKERS) {
            b->known[b->n_known++] = zframe_dup(id);
        }
        for (int64_t k = 0; k < credit && b->n_idle < TB_MAX_WORKERS; k++) {
            b->idle[b->n_idle++] = zframe_dup(id);
        }
    } else if (c == MDPW_REPLY) {
        ck_assert_int_eq((int)zmsg_size(m), 3);
        zframe_t *client = zmsg_pop(m), *e2 = zmsg_pop(m);
        ck_assert(ds_frame_is(client, "client-1") && zframe_size(e2) == 0);
        body = zmsg_pop(m);
        zframe_destroy(&client);
        zframe_destroy(&e2);
        *from = zframe_dup(id);
    } else if (c == MDPW_DISCONNECT) {
        b->disconnects++;
        tb_forget(b->idle, &b->n_idle, id);
        tb_forget(b->known, &b->n_known, id);
    } else {
        ck_assert_int_eq(c, MDPW_HEARTBEAT);
    }
    zframe_destroy(&id);
    zframe_destroy(&empty);
    zframe_destroy(&proto);
    zframe_destroy(&cmd);
    zmsg_destroy(&m);
    return body;
}

/* Waits (up to timeout_ms) until `n` READYs have been seen. */
static inline bool tb_wait_ready(tb_t *b, int n, int timeout_ms)
{
    int64_t until = ds_now_ms() + timeout_ms;
    while (b->readies < n && ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *body = tb_poll(b, 100, &from);
        zframe_destroy(&body);
        zframe_destroy(&from);
    }
    return b->readies >= n;
}

/* Sends a REQUEST to the least recently idle worker that is still connected; false
 * when none is. */
static inline bool tb_request(tb_t *b, const void *body, size_t len)
{
    while (b->n_idle > 0) {
        zframe_t *w = b->idle[0];
        memmove(&b->idle[0], &b->idle[1], (size_t)(b->n_idle - 1) * sizeof b->idle[0]);
        b->n_idle--;
        zmsg_t *m = zmsg_new();
        zmsg_addstr(m, "client-1");
        zmsg_addmem(m, "", 0);
        zmsg_addmem(m, body, len);
        bool sent = tb_send(b, w, MDPW_REQUEST, &m);
        zmsg_destroy(&m);
        zframe_destroy(&w);
        if (sent) {
            return true;
        }
    }
    return false;
}

/* Waits for one REPLY; the replying worker becomes idle again.  Returns the body
 * (caller frees) or NULL on timeout. */
static inline zframe_t *tb_reply(tb_t *b, int timeout_ms)
{
    int64_t until = ds_now_ms() + timeout_ms;
    while (ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *body = tb_poll(b, 100, &from);
        if (body) {
            if (b->n_idle < TB_MAX_WORKERS) {
                b->idle[b->n_idle++] = from;
            } else {
                zframe_destroy(&from);
            }
            return body;
        }
    }
    return NULL;
}

/* ---- documents and replies ------------------------------------------------------- */

static inline void tb_doc(ds_buf_t *out, const char *id, const char *text, int attempt)
{
    ds_buf_reset(out);
    ds_pack_t p;
    ds_pack_init(&p, out);
    ds_pack_map(&p, (id ? 1 : 0) + 1 + (attempt ? 1 : 0));
    if (id) {
        ds_pack_kv_str(&p, "id", id);
    }
    ds_pack_kv_str(&p, "text", text);
    if (attempt) {
        ds_pack_kv_int(&p, "attempt", attempt);
    }
}

/* Reads a string field of a reply body into out ("" when absent). */
static inline void tb_field(zframe_t *reply, const char *key, char *out, size_t cap)
{
    ds_body_t b;
    char err[256];
    ck_assert_int_eq(ds_body_parse(&b, zframe_data(reply), zframe_size(reply), err, sizeof err), 0);
    ds_str_t s;
    out[0] = '\0';
    if (ds_body_str(&b, key, &s, err, sizeof err) == 1) {
        snprintf(out, cap, "%.*s", (int)s.len, s.ptr);
    }
    ds_body_free(&b);
}

static inline bool tb_flag(zframe_t *reply, const char *key)
{
    ds_body_t b;
    char err[256];
    ck_assert_int_eq(ds_body_parse(&b, zframe_data(reply), zframe_size(reply), err, sizeof err), 0);
    bool v = false;
    int rc = ds_body_bool(&b, key, &v, err, sizeof err);
    ds_body_free(&b);
    return rc == 1 && v;
}

/* ---- the worker process ---------------------------------------------------------- */

/* Like ds_test_spawn, but the process is SIGKILLed when the test process ends, so a
 * failing test (which exits without its cleanup) leaves no orphan behind. */
static inline pid_t tw_spawn(char *const argv[], const char *logpath)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127);
    }
    if (logpath) {
        int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
    }
    setpgid(0, 0);
    execv(argv[0], argv);
    _exit(127);
}

/* Starts dossier-worker with --broker ep --redis url plus extra (NULL-terminated). */
static inline pid_t tw_start(const char *ep, const char *redis_url, const char *log, const char *const *extra)
{
    char *bin = ds_test_bin("dossier-worker");
    const char *argv[48] = {bin, "--broker", ep, "--redis", redis_url, "--heartbeat-ms", "500"};
    int n = 7;
    for (int i = 0; extra && extra[i] && n < 46; i++) {
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    pid_t pid = tw_spawn((char *const *)argv, log);
    free(bin);
    return pid;
}

/* Pids of the children of pid (up to cap); returns how many. */
static inline int tw_children(pid_t pid, pid_t *out, int cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    int n = 0;
    if (f == NULL) {
        return 0;
    }
    int v;
    while (n < cap && fscanf(f, "%d", &v) == 1) {
        out[n++] = v;
    }
    fclose(f);
    return n;
}

/* ---- Redis assertions -------------------------------------------------------------- */

static inline redisContext *tr_connect(const ds_test_redis_t *r)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectUnixWithTimeout(r->sock, tv);
    ck_assert_msg(c && !c->err, "cannot connect to the test redis");
    redisSetTimeout(c, tv);
    return c;
}

/* HGET as a string (caller frees; NULL when absent). */
static inline char *tr_hget(redisContext *c, const char *key, const char *field)
{
    redisReply *r = redisCommand(c, "HGET %s %s", key, field);
    ck_assert_ptr_nonnull(r);
    char *v = r->type == REDIS_REPLY_STRING ? strndup(r->str, r->len) : NULL;
    freeReplyObject(r);
    return v;
}

static inline long long tr_int(redisContext *c, const char *fmt, const char *arg)
{
    redisReply *r = redisCommand(c, fmt, arg);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->type == REDIS_REPLY_INTEGER, "expected an integer reply");
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

#endif
