/* ds_test.c: see ds_test.h. */
#include "ds_test.h"

#include "ds_mdp.h"
#include "ds_mem.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

char *ds_test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/dossier-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (mkdtemp(tmpl) == NULL) {
        return NULL;
    }
    return ds_xstrdup(tmpl);
}

void ds_test_rmtree(const char *path)
{
    if (path == NULL || strlen(path) < 8) {
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) {
        fprintf(stderr, "ds_test: could not remove %s\n", path);
    }
}

char *ds_test_bin(const char *name)
{
    const char *dir = getenv("DS_BIN");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "bin", name);
    return ds_xstrdup(path);
}

char *ds_test_sample(const char *name)
{
    const char *dirs[] = {getenv("DS_SHARED"), "../shared", "../../shared", "/work/shared"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (dirs[i] == NULL) {
            continue;
        }
        char path[1024];
        snprintf(path, sizeof path, "%s/samples/%s", dirs[i], name);
        if (access(path, R_OK) == 0) {
            return ds_xstrdup(path);
        }
    }
    return NULL;
}

char *ds_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    ds_buf_t b = DS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ds_buf_append(&b, chunk, n);
    }
    fclose(f);
    return ds_buf_detach(&b, len);
}

pid_t ds_test_spawn(char *const argv[], const char *logpath)
{
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
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
    /* Check's CK_FORK skips teardown after a failed assertion: die with the test
     * process rather than outlive it (and hold the runner's output pipe). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) {
        _exit(127); /* the test already died between fork and prctl */
    }
    execv(argv[0], argv);
    fprintf(stderr, "ds_test: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int ds_test_wait(pid_t pid, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return status;
        }
        if (r < 0) {
            return -1;
        }
        sleep_ms(10);
    }
    return -1;
}

int ds_test_stop(pid_t pid, int sig, int timeout_ms)
{
    if (pid <= 0) {
        return -1;
    }
    kill(pid, sig);
    int status = ds_test_wait(pid, timeout_ms);
    if (status == -1) {
        kill(pid, SIGKILL);
        status = ds_test_wait(pid, 5000);
    }
    return status;
}

int ds_test_run(const char *cmdline, ds_buf_t *out, int timeout_ms)
{
    /* timeout(1) bounds the command; the command line is single-quoted for sh -c */
    ds_buf_t cmd = DS_BUF_INIT;
    ds_buf_printf(&cmd, "timeout -s KILL %d sh -c '", (timeout_ms + 999) / 1000);
    for (const char *c = cmdline; *c; c++) {
        if (*c == '\'') {
            ds_buf_puts(&cmd, "'\\''");
        } else {
            ds_buf_putc(&cmd, *c);
        }
    }
    ds_buf_putc(&cmd, '\'');
    FILE *p = popen(ds_buf_str(&cmd), "r");
    ds_buf_free(&cmd);
    if (p == NULL) {
        return -1;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (out) {
            ds_buf_append(out, chunk, n);
        }
    }
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool redis_ping(const char *sock)
{
    struct timeval tv = {0, 200000};
    redisContext *c = redisConnectUnixWithTimeout(sock, tv);
    bool ok = false;
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "PING");
        ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
    }
    if (c) {
        redisFree(c);
    }
    return ok;
}

ds_test_redis_t *ds_test_redis_start(const char *extra_args)
{
    ds_test_redis_t *r = ds_xcalloc(1, sizeof *r);
    r->dir = ds_test_tmpdir("redis");
    char buf[1024];
    snprintf(buf, sizeof buf, "%s/redis.sock", r->dir);
    r->sock = ds_xstrdup(buf);
    snprintf(buf, sizeof buf, "unix://%s", r->sock);
    r->url = ds_xstrdup(buf);
    char conf[1024];
    snprintf(conf, sizeof conf, "%s/redis.conf", r->dir);
    FILE *f = fopen(conf, "w");
    if (f == NULL) {
        ds_test_redis_stop(&r);
        return NULL;
    }
    fprintf(f,
            "port 0\nunixsocket %s\nunixsocketperm 700\nsave \"\"\nappendonly no\ndir %s\n"
            "daemonize no\nlogfile %s/redis.log\nenable-debug-command local\n%s\n",
            r->sock, r->dir, r->dir, extra_args ? extra_args : "");
    fclose(f);
    char *argv[] = {"/usr/bin/redis-server", conf, NULL};
    r->pid = ds_test_spawn(argv, NULL);
    for (int i = 0; i < 500; i++) {
        if (access(r->sock, F_OK) == 0 && redis_ping(r->sock)) {
            return r;
        }
        sleep_ms(10);
    }
    ds_test_redis_stop(&r);
    return NULL;
}

void ds_test_redis_stop(ds_test_redis_t **self_p)
{
    ds_test_redis_t *r = *self_p;
    if (r == NULL) {
        return;
    }
    if (r->pid > 0) {
        ds_test_stop(r->pid, SIGTERM, 3000);
    }
    ds_test_rmtree(r->dir);
    free(r->dir);
    free(r->sock);
    free(r->url);
    free(r);
    *self_p = NULL;
}

char *ds_test_redis_cli(const ds_test_redis_t *r, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "redis-cli -s '%s' %s 2>&1", r->sock, args);
    ds_buf_t out = DS_BUF_INIT;
    ds_test_run(cmd, &out, 10000);
    return ds_buf_detach(&out, NULL);
}

int ds_test_raw_request(const char *endpoint, const void *const *frames, const size_t *lens, int n,
                        ds_buf_t *out, int timeout_ms)
{
    zsock_t *s = zsock_new_dealer(endpoint);
    if (s == NULL) {
        return 0;
    }
    zsock_set_rcvtimeo(s, timeout_ms);
    zsock_set_linger(s, 0);
    zmsg_t *m = zmsg_new();
    for (int i = 0; i < n; i++) {
        zmsg_addmem(m, frames[i], lens[i]);
    }
    zmsg_send(&m, s);
    zmsg_t *r = zmsg_recv(s);
    int got = 0;
    if (r) {
        got = (int)zmsg_size(r);
        for (zframe_t *f = zmsg_first(r); f; f = zmsg_next(r)) {
            if (out->len) {
                ds_buf_putc(out, '|');
            }
            ds_buf_append(out, zframe_data(f), zframe_size(f));
        }
        zmsg_destroy(&r);
    }
    zsock_destroy(&s);
    return got;
}

int ds_test_mdp_request(const char *endpoint, const char *service, const void *body, size_t len,
                        ds_buf_t *reply, int timeout_ms)
{
    zsock_t *s = zsock_new_dealer(endpoint);
    if (s == NULL) {
        return -1;
    }
    zsock_set_rcvtimeo(s, timeout_ms);
    zsock_set_linger(s, 0);
    zmsg_t *m = zmsg_new();
    zmsg_addmem(m, "", 0);
    zmsg_addstr(m, MDPC_CLIENT);
    zmsg_addstr(m, service);
    zmsg_addmem(m, body, len);
    zmsg_send(&m, s);
    zmsg_t *r = zmsg_recv(s);
    int rc = -1;
    if (r && zmsg_size(r) == 4) {
        zframe_t *empty = zmsg_first(r);
        zframe_t *proto = zmsg_next(r);
        zframe_t *svc = zmsg_next(r);
        zframe_t *b = zmsg_next(r);
        if (zframe_size(empty) == 0 && ds_frame_is(proto, MDPC_CLIENT) && ds_frame_is(svc, service)) {
            ds_buf_append(reply, zframe_data(b), zframe_size(b));
            rc = 0;
        }
    }
    zmsg_destroy(&r);
    zsock_destroy(&s);
    return rc;
}

bool ds_test_eventually(bool (*fn)(void *), void *arg, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        if (fn(arg)) {
            return true;
        }
        if (waited >= timeout_ms) {
            return false;
        }
        sleep_ms(20);
    }
}
