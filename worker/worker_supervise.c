/* worker_supervise.c: the prefork parent; see worker_supervise.h. */
#include "worker_supervise.h"

#include "ds_clock.h"
#include "ds_log.h"
#include "worker_child.h"
#include "worker_pool.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    const worker_opts_t *o;
    engine_t *engine;
    worker_pool_t *pool;
    sigset_t sigs;      /* the signals taken with sigtimedwait */
    int64_t kill_at_ms; /* drain deadline, 0 when not draining */
    int status;         /* exit status of the parent */
    bool fork_failed;   /* back off a little before forking again */
} super_t;

static void on_chld(int sig)
{
    (void)sig;
}

static void block_signals(super_t *s)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld; /* SIGCHLD must not be "ignored" to stay pending */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&s->sigs);
    sigaddset(&s->sigs, SIGCHLD);
    sigaddset(&s->sigs, SIGTERM);
    sigaddset(&s->sigs, SIGINT);
    sigaddset(&s->sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &s->sigs, NULL);
}

static bool spawn(super_t *s, int slot)
{
    pid_t pid = fork();
    if (pid < 0) {
        /* try again after a short wait */
        ds_log(DS_LOG_ERR, "msg=\"fork failed\" error=\"%s\"", strerror(errno));
        s->fork_failed = true;
        return false;
    }
    if (pid == 0) {
        int status = worker_child_main(s->o, s->engine, slot);
        exit(status);
    }
    worker_pool_started(s->pool, slot, pid, ds_now_ms());
    ds_log(DS_LOG_INFO, "msg=\"child started\" slot=%d pid=%d", slot, (int)pid);
    return true;
}

static void start_drain(super_t *s, const char *why)
{
    if (worker_pool_draining(s->pool)) {
        return;
    }
    ds_log(DS_LOG_NOTICE, "msg=\"draining\" reason=%s children=%d", why, worker_pool_running(s->pool));
    worker_pool_drain(s->pool);
    s->kill_at_ms = ds_now_ms() + s->o->drain_timeout_ms;
    for (int i = 0; i < worker_pool_size(s->pool); i++) {
        pid_t pid = worker_pool_pid(s->pool, i);
        if (pid > 0) {
            kill(pid, SIGTERM);
        }
    }
}

static void log_exit(pid_t pid, int slot, int ws, int64_t delay_ms)
{
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
        ds_log(DS_LOG_INFO, "msg=\"child exited\" pid=%d slot=%d status=0", (int)pid, slot);
    } else if (WIFEXITED(ws)) {
        ds_log(DS_LOG_WARNING, "msg=\"child exited\" pid=%d slot=%d status=%d%s restart_ms=%lld", (int)pid,
               slot, WEXITSTATUS(ws), WEXITSTATUS(ws) == WORKER_EXIT_CPU ? " reason=cpu-budget" : "",
               (long long)delay_ms);
    } else {
        ds_log(DS_LOG_WARNING, "msg=\"child killed\" pid=%d slot=%d signal=%d restart_ms=%lld", (int)pid,
               slot, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, (long long)delay_ms);
    }
}

static void reap(super_t *s)
{
    int ws;
    pid_t pid;
    while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
        bool clean = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
        int64_t delay = 0;
        int slot = worker_pool_exited(s->pool, pid, clean ? WORKER_EXIT_CLEAN : WORKER_EXIT_CRASHED,
                                      ds_now_ms(), &delay);
        if (slot < 0) {
            continue;
        }
        log_exit(pid, slot, ws, delay);
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == WORKER_EXIT_CONFIG) {
            ds_log(DS_LOG_ERR, "msg=\"a child could not start with these settings; stopping\"");
            s->status = WORKER_EXIT_CONFIG;
            start_drain(s, "config");
        }
    }
}

/* How long to wait for the next signal. */
static int64_t wait_ms(const super_t *s, int64_t now)
{
    if (worker_pool_draining(s->pool)) {
        int64_t left = s->kill_at_ms - now;
        return left > 0 ? (left < 1000 ? left : 1000) : 100;
    }
    int64_t t = worker_pool_timeout_ms(s->pool, now);
    if (s->fork_failed) {
        return 100;
    }
    return (t < 0 || t > 1000) ? 1000 : t;
}

static void kill_stragglers(super_t *s)
{
    for (int i = 0; i < worker_pool_size(s->pool); i++) {
        pid_t pid = worker_pool_pid(s->pool, i);
        if (pid > 0) {
            ds_log(DS_LOG_WARNING, "msg=\"child did not drain in time, killing\" pid=%d", (int)pid);
            kill(pid, SIGKILL);
        }
    }
}

static void step(super_t *s)
{
    int64_t now = ds_now_ms();
    int slot;
    s->fork_failed = false;
    while ((slot = worker_pool_due(s->pool, now)) >= 0 && spawn(s, slot)) {
    }
    int64_t ms = wait_ms(s, now);
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(&s->sigs, NULL, &ts);
    if (sig == SIGTERM || sig == SIGINT) {
        start_drain(s, sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    reap(s); /* also after a timeout: a SIGCHLD may have been merged */
    if (worker_pool_draining(s->pool) && ds_now_ms() >= s->kill_at_ms && s->kill_at_ms > 0) {
        kill_stragglers(s);
        s->kill_at_ms = ds_now_ms() + 1000;
    }
}

int worker_supervise(const worker_opts_t *o, engine_t *engine)
{
    super_t s = {.o = o, .engine = engine, .status = 0};
    block_signals(&s);
    worker_pool_opts_t po = WORKER_POOL_OPTS_DEFAULT;
    s.pool = worker_pool_new(o->concurrency, &po, ds_now_ms());
    ds_log(DS_LOG_NOTICE, "msg=\"dossier-worker started\" children=%d broker=%s", o->concurrency, o->broker);
    while (!worker_pool_draining(s.pool) || worker_pool_running(s.pool) > 0) {
        step(&s);
    }
    ds_log(DS_LOG_NOTICE, "msg=\"dossier-worker stopped\"");
    worker_pool_destroy(&s.pool);
    return s.status;
}
