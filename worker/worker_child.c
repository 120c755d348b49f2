/* worker_child.c: one prefork child; see worker_child.h. */
#include "worker_child.h"

#include "ds_log.h"
#include "ds_mdp.h"
#include "worker_batch.h"
#include "worker_cpu.h"
#include "worker_job.h"
#include "worker_mdp.h"
#include "worker_redis.h"

#include <czmq.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t child_stop;

static void on_term(int sig)
{
    (void)sig;
    child_stop = 1;
}

/* Own signal handling: czmq's is disabled before its first socket so SIGTERM only
 * sets our flag; the child also dies with its parent. */
static void child_signals(void)
{
    zsys_handler_set(NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static worker_mdp_opts_t mdp_opts(const worker_opts_t *o)
{
    return (worker_mdp_opts_t){
        .endpoint = o->broker,
        .service = DS_SVC_ANALYZE,
        .heartbeat_ms = o->heartbeat_ms,
        .liveness = DS_HEARTBEAT_LIVENESS,
        .reconnect_ms = o->heartbeat_ms < 1000 ? o->heartbeat_ms : 1000,
        .max_msg_bytes = o->max_doc_bytes + 256 * 1024,
        .credit = 1,
        .stop = &child_stop,
    };
}

static worker_mdp_t *open_mdp(const worker_opts_t *o)
{
    worker_mdp_opts_t mo = mdp_opts(o);
    char err[256];
    worker_mdp_t *m = worker_mdp_new(&mo, err, sizeof err);
    if (m == NULL) {
        ds_log(DS_LOG_ERR, "msg=\"%s\"", err);
    }
    return m;
}

static worker_redis_t *open_redis(const worker_opts_t *o)
{
    worker_redis_addr_t addr;
    char err[256];
    if (worker_redis_parse_url(o->redis, &addr, err, sizeof err) != 0) {
        ds_log(DS_LOG_ERR, "msg=\"%s\"", err); /* checked by main.c already */
        return NULL;
    }
    int64_t bmax = o->redis_give_up_ms / 4 < 2000 ? o->redis_give_up_ms / 4 : 2000;
    worker_redis_opts_t ro = {o->redis_timeout_ms, o->redis_give_up_ms, 50, bmax > 50 ? bmax : 50};
    worker_redis_t *r = worker_redis_new(&addr, &ro);
    if (worker_redis_connect(r, err, sizeof err) != 0) {
        /* not fatal: every document retries, and replies failed/retryable at worst */
        ds_log(DS_LOG_WARNING, "msg=\"redis not reachable yet\" error=\"%s\"", err);
    }
    return r;
}

/* Takes requests until drained or retired; returns the number handled. */
static int64_t serve(const worker_opts_t *o, worker_mdp_t *m, worker_job_t *job)
{
    int64_t handled = 0;
    zframe_t *body = NULL;
    while ((o->max_jobs == 0 || handled < o->max_jobs) && worker_mdp_recv(m, &body) == 1) {
        const ds_buf_t *reply = NULL;
        int rc = worker_job_run(job, zframe_data(body), zframe_size(body), &reply);
        zframe_destroy(&body);
        if (rc == DS_EDRAINING) {
            ds_log(DS_LOG_NOTICE, "msg=\"draining: giving the document back\"");
            break;
        }
        if (worker_mdp_reply(m, reply->data, reply->len) != 0) {
            ds_log(DS_LOG_WARNING, "msg=\"could not send a reply\"");
        }
        handled++;
    }
    return handled;
}

/* --prefetch K > 1: K MDP workers in this child (worker_batch.c). */
static int batch_main(const worker_opts_t *o, engine_t *engine, worker_redis_t *redis, int slot)
{
    worker_mdp_opts_t mo = mdp_opts(o);
    worker_job_opts_t jo = {
        (size_t)o->max_doc_bytes, o->counts_only, {o->prefix, o->results_maxlen, o->result_ttl_s, o->dedup}};
    ds_log(DS_LOG_INFO, "msg=\"child ready\" slot=%d broker=%s prefetch=%d", slot, o->broker, o->prefetch);
    worker_batch_stats_t st = {0, 0};
    int64_t handled = worker_batch_serve(o, &mo, &jo, engine, redis, &st);
    if (handled < 0) {
        return WORKER_EXIT_CONFIG;
    }
    ds_log(DS_LOG_INFO, "msg=\"child exits\" slot=%d documents=%lld reconnects=%llu malformed=%llu %s", slot,
           (long long)handled, (unsigned long long)st.reconnects, (unsigned long long)st.malformed,
           child_stop ? "reason=drain" : "reason=max-jobs");
    return WORKER_EXIT_OK;
}

int worker_child_main(const worker_opts_t *o, engine_t *engine, int slot)
{
    child_signals();
    if (worker_cpu_init(o->cpu_budget_ms) != 0) {
        ds_log(DS_LOG_ERR, "msg=\"cannot create the CPU budget timer\"");
        return WORKER_EXIT_SOFTWARE;
    }
    int status = WORKER_EXIT_SOFTWARE;
    worker_redis_t *redis = open_redis(o);
    if (redis && o->prefetch > 1) {
        status = batch_main(o, engine, redis, slot);
        worker_redis_destroy(&redis);
        return status;
    }
    worker_mdp_t *m = redis ? open_mdp(o) : NULL;
    if (m == NULL) {
        status = WORKER_EXIT_CONFIG;
        goto done;
    }
    worker_redis_set_wait(redis, worker_mdp_wait, m);
    worker_job_opts_t jo = {
        (size_t)o->max_doc_bytes, o->counts_only, {o->prefix, o->results_maxlen, o->result_ttl_s, o->dedup}};
    worker_job_t *job = worker_job_new(engine, redis, &jo);
    ds_log(DS_LOG_INFO, "msg=\"child ready\" slot=%d broker=%s", slot, o->broker);
    int64_t handled = serve(o, m, job);
    worker_mdp_stats_t st = worker_mdp_stats(m);
    ds_log(DS_LOG_INFO, "msg=\"child exits\" slot=%d documents=%lld reconnects=%llu malformed=%llu %s", slot,
           (long long)handled, (unsigned long long)st.reconnects, (unsigned long long)st.malformed,
           child_stop ? "reason=drain" : "reason=max-jobs");
    worker_job_destroy(&job);
    status = WORKER_EXIT_OK;
done:
    worker_mdp_destroy(&m);
    worker_redis_destroy(&redis);
    return status;
}
