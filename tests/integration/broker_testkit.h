/* broker_testkit.h: helpers shared by the broker's integration suites
 * (tests/integration/check_broker_*.c include it; it is not compiled alone).
 *
 *   - bk_broker_*: start the real dossier-broker on tcp://127.0.0.1:* with a journal in
 *     a temp dir, read the bound endpoint from --endpoint-file, stop or kill it.
 *   - bk_submit / bk_call: msgpack bodies over the raw RFC 7 client of ds_test.h, and
 *     bk_field() to read a string or integer field of a reply.
 *   - bk_worker_spawn: a tiny MDP worker for dossier.analyze written here with czmq, so
 *     these tests do not depend on dossier-worker.  It records every request in a file
 *     ("got ID ATTEMPT", "done ID ATTEMPT", "dead ID CODE") and behaves per mode:
 *       "done"   reply done            "fail"   reply failed, retryable
 *       "fatal"  failed, not retryable "hang"   take one request and go silent
 *       "crash"  _exit(1) on the first request
 *       "slow"   reply done after 1 s, heartbeating meanwhile (recorded "late ID")
 * Everything runs inside the forked Check test; every wait has a timeout.
 */
#ifndef BROKER_TESTKIT_H
#define BROKER_TESTKIT_H

#include "ds_mdp.h"
#include "ds_mem.h"
#include "ds_msg.h"
#include "../support/ds_test.h"

#include <check.h>
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BK_UNUSED __attribute__((unused))

typedef struct {
    pid_t pid;
    char *dir;
    char journal[512];
    char epfile[512];
    char log[512];
    char endpoint[256];
} bk_broker_t;

static bool bk_file_exists(void *path)
{
    return access(path, R_OK) == 0;
}

/* ---- processes that cannot outlive the test --------------------------------------
 * Check (CK_FORK) does not run a checked teardown after a failed assertion, so every
 * process started here is killed when the test process dies (PR_SET_PDEATHSIG) and,
 * for a failed assertion, by an atexit handler as well. */

#define BK_MAX_TRACKED 32
static pid_t bk_tracked[BK_MAX_TRACKED];

static void bk_kill_tracked(void)
{
    for (int i = 0; i < BK_MAX_TRACKED; i++) {
        if (bk_tracked[i] > 0) {
            kill(bk_tracked[i], SIGKILL);
            waitpid(bk_tracked[i], NULL, 0);
            bk_tracked[i] = 0;
        }
    }
}

static BK_UNUSED void bk_untrack(pid_t pid)
{
    for (int i = 0; i < BK_MAX_TRACKED; i++) {
        if (bk_tracked[i] == pid) {
            bk_tracked[i] = 0;
        }
    }
}

/* Like ds_test_spawn, but the child dies with this process. */
static BK_UNUSED pid_t bk_spawn(char *const argv[], const char *logpath)
{
    static bool registered;
    if (!registered) {
        atexit(bk_kill_tracked);
        registered = true;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(0);
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
    for (int i = 0; pid > 0 && i < BK_MAX_TRACKED; i++) {
        if (bk_tracked[i] == 0) {
            bk_tracked[i] = pid;
            break;
        }
    }
    return pid;
}

/* Stops a process started by bk_spawn (sig, then SIGKILL after timeout_ms). */
static BK_UNUSED int bk_stop(pid_t pid, int sig, int timeout_ms)
{
    int status = ds_test_stop(pid, sig, timeout_ms);
    bk_untrack(pid);
    return status;
}

/* Starts the broker with extra flags (NULL-terminated list, may be NULL).  The same
 * dir (journal) is reused when b->dir is already set (restart). */
static BK_UNUSED void bk_broker_start(bk_broker_t *b, const char *const *extra)
{
    if (b->dir == NULL) {
        b->dir = ds_test_tmpdir("broker");
        ck_assert_ptr_nonnull(b->dir);
        snprintf(b->journal, sizeof b->journal, "%s/journal", b->dir);
        snprintf(b->epfile, sizeof b->epfile, "%s/endpoint", b->dir);
        snprintf(b->log, sizeof b->log, "%s/broker.log", b->dir);
    }
    unlink(b->epfile);
    char *bin = ds_test_bin("dossier-broker");
    const char *argv[48] = {bin,         "--bind",      "tcp://127.0.0.1:*",
                            "--journal", b->journal,    "--endpoint-file",
                            b->epfile,   "--log-level", "debug"};
    int n = 9;
    for (int i = 0; extra && extra[i] && n < 46; i++) {
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    b->pid = bk_spawn((char *const *)argv, b->log);
    free(bin);
    ck_assert_msg(ds_test_eventually(bk_file_exists, b->epfile, 10000),
                  "broker wrote no endpoint file (see %s)", b->log);
    size_t len = 0;
    char *ep = ds_test_read_file(b->epfile, &len);
    ck_assert_ptr_nonnull(ep);
    while (len && (ep[len - 1] == '\n' || ep[len - 1] == '\r')) {
        ep[--len] = '\0';
    }
    snprintf(b->endpoint, sizeof b->endpoint, "%s", ep);
    free(ep);
}

/* Stops with sig (SIGTERM drains, SIGKILL crashes); returns the wait status. */
static BK_UNUSED int bk_broker_stop(bk_broker_t *b, int sig)
{
    int status = bk_stop(b->pid, sig, 15000);
    b->pid = 0;
    return status;
}

static BK_UNUSED void bk_broker_cleanup(bk_broker_t *b)
{
    if (b->pid > 0) {
        bk_broker_stop(b, SIGKILL);
    }
    if (getenv("BK_KEEP") == NULL) {
        ds_test_rmtree(b->dir);
    }
    free(b->dir);
    b->dir = NULL;
}

/* ---- bodies and replies -------------------------------------------------------- */

/* A body {id?, text} (id may be NULL). */
static BK_UNUSED void bk_doc(ds_buf_t *out, const char *id, const char *text)
{
    ds_pack_t pk;
    ds_pack_init(&pk, out);
    ds_pack_map(&pk, id ? 2 : 1);
    if (id) {
        ds_pack_kv_str(&pk, "id", id);
    }
    ds_pack_kv_str(&pk, "text", text);
}

/* Calls service with body; fails the test on timeout unless allow_timeout. */
static BK_UNUSED int bk_call(const char *endpoint, const char *service, const ds_buf_t *body, ds_buf_t *reply,
                             int timeout_ms)
{
    ds_buf_reset(reply);
    return ds_test_mdp_request(endpoint, service, body->data ? body->data : "", body->len, reply, timeout_ms);
}

static BK_UNUSED void bk_submit(const char *endpoint, const char *id, const char *text, ds_buf_t *reply)
{
    ds_buf_t body = DS_BUF_INIT;
    bk_doc(&body, id, text);
    ck_assert_int_eq(bk_call(endpoint, DS_SVC_SUBMIT, &body, reply, 10000), 0);
    ds_buf_free(&body);
}

/* Field `key` of a reply map as text (strings as is, integers in decimal, booleans
 * true/false); "" when absent or the reply is not a map.  Returns a static buffer. */
static BK_UNUSED const char *bk_field(const ds_buf_t *reply, const char *key)
{
    static char out[1024];
    out[0] = '\0';
    ds_body_t b;
    char err[128];
    if (ds_body_parse(&b, (const uint8_t *)reply->data, reply->len, err, sizeof err) != 0) {
        return out;
    }
    const msgpack_object *o = NULL;
    if (ds_body_obj(&b, key, &o)) {
        if (o->type == MSGPACK_OBJECT_STR) {
            snprintf(out, sizeof out, "%.*s", (int)o->via.str.size, o->via.str.ptr);
        } else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
            snprintf(out, sizeof out, "%llu", (unsigned long long)o->via.u64);
        } else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
            snprintf(out, sizeof out, "%lld", (long long)o->via.i64);
        } else if (o->type == MSGPACK_OBJECT_BOOLEAN) {
            snprintf(out, sizeof out, "%s", o->via.boolean ? "true" : "false");
        }
    }
    ds_body_free(&b);
    return out;
}

/* An integer field (booleans read as 1 and 0). */
static BK_UNUSED long bk_field_int(const ds_buf_t *reply, const char *key)
{
    const char *v = bk_field(reply, key);
    return strcmp(v, "true") == 0 ? 1 : atol(v);
}

/* {status} of dossier.status for id. */
static BK_UNUSED const char *bk_status(const char *endpoint, const char *id, ds_buf_t *reply)
{
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, 1);
    ds_pack_kv_str(&pk, "id", id);
    int rc = bk_call(endpoint, DS_SVC_STATUS, &body, reply, 10000);
    ds_buf_free(&body);
    return rc == 0 ? bk_field(reply, "status") : "";
}

/* One counter or gauge of dossier.stats (-1 when the call failed). */
static BK_UNUSED long bk_stat(const char *endpoint, const char *key)
{
    ds_buf_t body = DS_BUF_INIT, reply = DS_BUF_INIT;
    ds_buf_append(&body, "\x80", 1);
    long v = bk_call(endpoint, DS_SVC_STATS, &body, &reply, 10000) == 0 ? bk_field_int(&reply, key) : -1;
    ds_buf_free(&body);
    ds_buf_free(&reply);
    return v;
}

/* ---- the test worker ------------------------------------------------------------ */

/* Appends one line to path (one write, O_APPEND: lines from several workers never mix). */
static BK_UNUSED void bk_record(const char *path, const char *what, const char *id, const char *extra)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%s %s %s\n", what, id, extra);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, line, (size_t)n);
        (void)w;
        close(fd);
    }
}

static BK_UNUSED void bk_worker_cmd(zsock_t *s, int cmd, const char *option, zframe_t **addr,
                                    const ds_buf_t *body)
{
    zmsg_t *m = zmsg_new();
    zmsg_addmem(m, "", 0);
    zmsg_addstr(m, MDPW_WORKER);
    uint8_t c = (uint8_t)cmd;
    zmsg_addmem(m, &c, 1);
    if (option) {
        zmsg_addstr(m, option);
    }
    if (addr) {
        zmsg_append(m, addr);
        zmsg_addmem(m, "", 0);
        zmsg_addmem(m, body->data, body->len);
    }
    zmsg_send(&m, s);
}

static BK_UNUSED void bk_worker_reply(zsock_t *s, zframe_t **addr, const char *status, const char *id,
                                      bool retryable)
{
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    bool failed = strcmp(status, "failed") == 0;
    ds_pack_map(&pk, failed ? 6 : 3);
    ds_pack_kv_str(&pk, "status", status);
    ds_pack_kv_str(&pk, "id", id);
    char key[256];
    snprintf(key, sizeof key, "dossier:doc:%s", id);
    ds_pack_kv_str(&pk, "key", key);
    if (failed) {
        ds_pack_kv_str(&pk, "code", "analysis");
        ds_pack_kv_str(&pk, "error", "test worker failure");
        ds_pack_kv_bool(&pk, "retryable", retryable);
    }
    bk_worker_cmd(s, MDPW_REPLY, NULL, addr, &body);
    ds_buf_free(&body);
}

/* Handles one REQUEST body per mode; returns false when the worker should go silent. */
static BK_UNUSED bool bk_worker_handle(zsock_t *s, const char *mode, const char *record, zframe_t **addr,
                                       zframe_t *bodyf)
{
    ds_body_t b;
    char err[256];
    char id[256] = "?", attempt[32] = "0", code[64] = "";
    if (ds_body_parse(&b, zframe_data(bodyf), zframe_size(bodyf), err, sizeof err) == 0) {
        ds_str_t v;
        int64_t a = 0;
        bool dead = false;
        if (ds_body_str(&b, "id", &v, err, sizeof err) == 1) {
            snprintf(id, sizeof id, "%.*s", (int)v.len, v.ptr);
        }
        if (ds_body_int(&b, "attempt", &a, err, sizeof err) == 1) {
            snprintf(attempt, sizeof attempt, "%lld", (long long)a);
        }
        if (ds_body_str(&b, "code", &v, err, sizeof err) == 1) {
            snprintf(code, sizeof code, "%.*s", (int)v.len, v.ptr);
        }
        (void)ds_body_bool(&b, "dead", &dead, err, sizeof err);
        ds_body_free(&b);
        if (dead) {
            bk_record(record, "dead", id, code);
            bk_worker_reply(s, addr, "done", id, false);
            return true;
        }
    }
    bk_record(record, "got", id, attempt);
    if (strcmp(mode, "crash") == 0) {
        _exit(1);
    }
    if (strcmp(mode, "hang") == 0 || strcmp(mode, "slow") == 0) {
        return false;
    }
    if (strcmp(mode, "fail") == 0 || strcmp(mode, "fatal") == 0) {
        bk_worker_reply(s, addr, "failed", id, strcmp(mode, "fail") == 0);
        return true;
    }
    bk_record(record, "done", id, attempt);
    bk_worker_reply(s, addr, "done", id, false);
    return true;
}

/* main() of a test worker: argv = prog --bk-worker ENDPOINT MODE RECORD HEARTBEAT_MS */
static BK_UNUSED int bk_worker_main(int argc, char **argv)
{
    if (argc < 6) {
        return 2;
    }
    zsys_handler_set(NULL);
    const char *mode = argv[3], *record = argv[4];
    int hb = atoi(argv[5]);
    pid_t parent = getppid();
    zsock_t *s = zsock_new(ZMQ_DEALER);
    zsock_set_linger(s, 0);
    zsock_set_rcvtimeo(s, hb / 2 > 0 ? hb / 2 : 1);
    if (zsock_connect(s, "%s", argv[2]) != 0) {
        return 3;
    }
    bk_worker_cmd(s, MDPW_READY, DS_SVC_ANALYZE, NULL, NULL);
    int64_t next_hb = zclock_mono() + hb;
    bool silent = false, slow = strcmp(mode, "slow") == 0;
    int64_t reply_at = 0;
    zframe_t *held = NULL;
    char held_id[256] = "";
    while (getppid() == parent) {
        zmsg_t *m = zmsg_recv(s);
        if ((!silent || slow) && zclock_mono() >= next_hb) {
            bk_worker_cmd(s, MDPW_HEARTBEAT, NULL, NULL, NULL);
            next_hb = zclock_mono() + hb;
        }
        if (held && zclock_mono() >= reply_at) {
            bk_record(record, "late", held_id, "slow");
            bk_worker_reply(s, &held, "done", held_id, false);
            zframe_destroy(&held);
            silent = false;
        }
        if (m == NULL || silent) {
            zmsg_destroy(&m);
            continue;
        }
        zframe_t *cmd = NULL;
        if (zmsg_size(m) >= 3) {
            zmsg_first(m);
            zmsg_next(m);
            cmd = zmsg_next(m);
        }
        if (cmd && zframe_size(cmd) == 1 && zframe_data(cmd)[0] == MDPW_DISCONNECT) {
            zmsg_destroy(&m);
            break;
        }
        if (cmd && zframe_size(cmd) == 1 && zframe_data(cmd)[0] == MDPW_REQUEST && zmsg_size(m) == 6) {
            zframe_t *addr = zframe_dup(zmsg_next(m));
            zmsg_next(m);
            zframe_t *bodyf = zmsg_next(m);
            silent = !bk_worker_handle(s, mode, record, &addr, bodyf);
            if (silent && slow) {
                ds_body_t b;
                char err[64];
                ds_str_t v = {0};
                if (ds_body_parse(&b, zframe_data(bodyf), zframe_size(bodyf), err, sizeof err) == 0) {
                    (void)ds_body_str(&b, "id", &v, err, sizeof err);
                    snprintf(held_id, sizeof held_id, "%.*s", (int)v.len, v.ptr ? v.ptr : "");
                    ds_body_free(&b);
                }
                held = addr;
                addr = NULL;
                reply_at = zclock_mono() + 1000;
            }
            zframe_destroy(&addr);
        }
        zmsg_destroy(&m);
    }
    zframe_destroy(&held);
    zsock_destroy(&s);
    return 0;
}

/* Starts a test worker (a fresh process: this test binary re-executed). */
static BK_UNUSED pid_t bk_worker_spawn(const char *endpoint, const char *mode, const char *record, int hb_ms)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = '\0';
    char hb[32];
    snprintf(hb, sizeof hb, "%d", hb_ms);
    char *argv[] = {self, "--bk-worker", (char *)endpoint, (char *)mode, (char *)record, hb, NULL};
    return bk_spawn(argv, NULL);
}

/* Lines of the record file that start with "what id " (what: got, done, dead). */
static BK_UNUSED int bk_count(const char *record, const char *what, const char *id)
{
    size_t len = 0;
    char *all = ds_test_read_file(record, &len);
    if (all == NULL) {
        return 0;
    }
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s %s ", what, id);
    int n = 0;
    for (char *line = all; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(all);
    return n;
}

/* Lines starting with "what " (any id). */
static BK_UNUSED int bk_count_all(const char *record, const char *what)
{
    size_t len = 0;
    char *all = ds_test_read_file(record, &len);
    if (all == NULL) {
        return 0;
    }
    int n = 0;
    size_t wl = strlen(what);
    for (char *line = all; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, what, wl) == 0 && line[wl] == ' ') {
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(all);
    return n;
}

#endif
