/* check_worker_e2e.c: dossier-worker with the real dossier-broker and a real
 * redis-server, counting: documents submitted while children are SIGKILLed, while
 * Redis is shut down and started again, paused, or out of memory, all end up done
 * with exactly one entry each in dossier:results.  Nothing lost, nothing duplicated.
 * The same with --prefetch 4 (children holding up to 4 documents, MDP credit, storing
 * a batch with one script call): children killed holding batches, batches failing
 * in Redis.
 *
 * Each test has its own Redis (tests stop and restart it), broker and worker.
 * The producer is the raw RFC 7 client of tests/support. */
#include "check_worker_support.h"

#include <sys/wait.h>

typedef struct {
    ds_test_redis_t *redis;
    pid_t redis2; /* redis-server started again on the same socket, or 0 */
    char *dir;
    char endpoint[256];
    pid_t broker;
    pid_t worker;
    redisContext *rc;
} stack_t_;

static bool endpoint_written(void *arg)
{
    stack_t_ *s = arg;
    char path[600];
    snprintf(path, sizeof path, "%s/broker.endpoint", s->dir);
    size_t len = 0;
    char *ep = ds_test_read_file(path, &len);
    bool ok = ep && len > 6 && memchr(ep, '\n', len);
    if (ok) {
        snprintf(s->endpoint, sizeof s->endpoint, "%.*s", (int)strcspn(ep, "\r\n"), ep);
    }
    free(ep);
    return ok;
}

static void stack_start(stack_t_ *s, const char *children, const char *const *worker_extra)
{
    memset(s, 0, sizeof *s);
    signal(SIGPIPE, SIG_IGN);
    s->redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(s->redis);
    s->rc = tr_connect(s->redis);
    s->dir = ds_test_tmpdir("we2e");
    char journal[600], epfile[600], log[600];
    snprintf(journal, sizeof journal, "%s/journal", s->dir);
    snprintf(epfile, sizeof epfile, "%s/broker.endpoint", s->dir);
    snprintf(log, sizeof log, "%s/broker.log", s->dir);
    char *bin = ds_test_bin("dossier-broker");
    char *bargv[] = {bin,
                     "--bind",
                     "tcp://127.0.0.1:*",
                     "--journal",
                     journal,
                     "--endpoint-file",
                     epfile,
                     "--heartbeat-ms",
                     "500",
                     "--retry-base-ms",
                     "200",
                     "--retry-max-ms",
                     "1000",
                     "--max-attempts",
                     "20",
                     NULL};
    s->broker = tw_spawn(bargv, log);
    free(bin);
    ck_assert_msg(ds_test_eventually(endpoint_written, s, 10000), "broker wrote no endpoint file");
    snprintf(log, sizeof log, "%s/worker.log", s->dir);
    /* one document at a time (plain MDP) unless a test asks for --prefetch */
    const char *args[24] = {"--concurrency", children, "--analysis", "counts", "--prefetch", "1"};
    int k = 6;
    for (int i = 0; worker_extra && worker_extra[i]; i++) {
        args[k++] = worker_extra[i];
    }
    args[k] = NULL;
    s->worker = tw_start(s->endpoint, s->redis->url, log, args);
}

static void stack_stop(stack_t_ *s)
{
    ds_test_stop(s->worker, SIGTERM, 10000);
    ds_test_stop(s->broker, SIGTERM, 10000);
    if (s->rc) {
        redisFree(s->rc);
    }
    if (s->redis2 > 0) {
        ds_test_stop(s->redis2, SIGTERM, 5000);
    }
    ds_test_redis_stop(&s->redis);
    ds_test_rmtree(s->dir);
    free(s->dir);
}

static const char *const TEXT =
    "Ministers Meet In Vienna\n\nForeign ministers met in Vienna on Tuesday to discuss the nuclear talks. "
    "The talks will resume next week, officials said.\n";

static void submit(stack_t_ *s, int i)
{
    char id[32];
    snprintf(id, sizeof id, "e2e-%04d", i);
    ds_buf_t body = DS_BUF_INIT, reply = DS_BUF_INIT;
    char text[512];
    snprintf(text, sizeof text, "%sDocument number %d.\n", TEXT, i); /* distinct texts */
    tb_doc(&body, id, text, 0);
    ck_assert_msg(ds_test_mdp_request(s->endpoint, DS_SVC_SUBMIT, body.data, body.len, &reply, 10000) == 0,
                  "no submit reply for %s", id);
    ds_body_t b;
    char err[256];
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)reply.data, reply.len, err, sizeof err), 0);
    ds_str_t st;
    ck_assert_int_eq(ds_body_str(&b, "status", &st, err, sizeof err), 1);
    ck_assert_msg(ds_str_eq(st, "accepted"), "submit %s: %.*s", id, (int)st.len, st.ptr);
    ds_body_free(&b);
    ds_buf_free(&body);
    ds_buf_free(&reply);
}

typedef struct {
    stack_t_ *s;
    int n;
} count_t;

/* true when the results stream holds n entries (reconnecting when Redis restarted) */
static bool results_reach(void *arg)
{
    count_t *c = arg;
    redisReply *r = c->s->rc ? redisCommand(c->s->rc, "XLEN dossier:results") : NULL;
    if (r == NULL) {
        if (c->s->rc) {
            redisFree(c->s->rc);
        }
        struct timeval tv = {1, 0};
        c->s->rc = redisConnectUnixWithTimeout(c->s->redis->sock, tv);
        if (c->s->rc && c->s->rc->err) {
            redisFree(c->s->rc);
            c->s->rc = NULL;
        }
        return false;
    }
    bool ok = r->type == REDIS_REPLY_INTEGER && r->integer >= c->n;
    freeReplyObject(r);
    return ok;
}

/* Every id 0..n-1 is done and appears exactly once in dossier:results. */
static void expect_all_done_once(stack_t_ *s, int n, int timeout_ms)
{
    count_t c = {s, n};
    ck_assert_msg(ds_test_eventually(results_reach, &c, timeout_ms), "not every document reached Redis");
    struct timespec ts = {0, 500000000}; /* let any duplicate show up */
    nanosleep(&ts, NULL);
    redisReply *x = redisCommand(s->rc, "XRANGE dossier:results - +");
    ck_assert(x && x->type == REDIS_REPLY_ARRAY);
    ck_assert_int_eq((int)x->elements, n);
    char *seen = calloc((size_t)n, 1);
    for (size_t i = 0; i < x->elements; i++) {
        redisReply *f = x->element[i]->element[1];
        ck_assert(f->elements == 4);
        int k = atoi(f->element[1]->str + 4);
        ck_assert_msg(k >= 0 && k < n && !seen[k], "entry %s duplicated or unknown", f->element[1]->str);
        ck_assert_str_eq(f->element[3]->str, "done");
        seen[k] = 1;
    }
    freeReplyObject(x);
    free(seen);
    for (int i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "dossier:doc:e2e-%04d", i);
        char *v = tr_hget(s->rc, key, "status");
        ck_assert_msg(v && strcmp(v, "done") == 0, "%s status %s", key, v ? v : "(none)");
        free(v);
    }
}

static bool three_children(void *arg)
{
    stack_t_ *s = arg;
    pid_t kids[16];
    return tw_children(s->worker, kids, 16) == 3;
}

START_TEST(test_300_documents_with_children_killed_midstream_are_all_done_once)
{
    stack_t_ s;
    const char *extra[] = {"--analysis", "full", NULL};
    stack_start(&s, "3", extra);
    ck_assert(ds_test_eventually(three_children, &s, 10000));
    int kills = 0;
    for (int i = 0; i < 300; i++) {
        submit(&s, i);
        if (i % 50 == 25) {
            pid_t kids[16];
            int n = tw_children(s.worker, kids, 16);
            if (n > 0) {
                kill(kids[i % n], SIGKILL);
                kills++;
            }
        }
    }
    ck_assert_int_eq(kills, 6);
    expect_all_done_once(&s, 300, 60000);
    stack_stop(&s);
}
END_TEST

static void restart_redis(stack_t_ *s)
{
    char conf[600];
    snprintf(conf, sizeof conf, "%s/redis.conf", s->redis->dir);
    char *argv[] = {"/usr/bin/redis-server", conf, NULL};
    s->redis2 = tw_spawn(argv, NULL);
}

START_TEST(test_redis_shut_down_while_documents_are_accepted_then_restarted_all_complete)
{
    stack_t_ s;
    stack_start(&s, "2", NULL);
    submit(&s, 0);
    count_t one = {&s, 1};
    ck_assert(ds_test_eventually(results_reach, &one, 10000));
    freeReplyObject(redisCommand(s.rc, "SHUTDOWN NOSAVE")); /* data gone with it: --save "" */
    redisFree(s.rc);
    s.rc = NULL;
    for (int i = 1; i < 40; i++) {
        submit(&s, i); /* the broker accepts; workers cannot write */
    }
    struct timespec ts = {2, 0};
    nanosleep(&ts, NULL);
    restart_redis(&s);
    /* the first document's result died with Redis; the other 39 must all arrive */
    count_t c = {&s, 39};
    ck_assert(ds_test_eventually(results_reach, &c, 60000));
    redisReply *x = redisCommand(s.rc, "XRANGE dossier:results - +");
    ck_assert(x && (int)x->elements == 39);
    freeReplyObject(x);
    for (int i = 1; i < 40; i++) {
        char key[64];
        snprintf(key, sizeof key, "dossier:doc:e2e-%04d", i);
        char *v = tr_hget(s.rc, key, "status");
        ck_assert_msg(v && strcmp(v, "done") == 0, "%s status %s", key, v ? v : "(none)");
        free(v);
    }
    stack_stop(&s);
}
END_TEST

START_TEST(test_documents_during_client_pause_are_all_done_once)
{
    stack_t_ s;
    const char *extra[] = {"--redis-timeout-ms", "300", NULL};
    stack_start(&s, "2", extra);
    freeReplyObject(redisCommand(s.rc, "CLIENT PAUSE 2500 WRITE"));
    for (int i = 0; i < 30; i++) {
        submit(&s, i);
    }
    expect_all_done_once(&s, 30, 30000);
    stack_stop(&s);
}
END_TEST

START_TEST(test_documents_while_redis_is_out_of_memory_are_all_done_once)
{
    stack_t_ s;
    const char *extra[] = {"--redis-give-up-ms", "1000", NULL}; /* also exercises failed/retryable */
    stack_start(&s, "2", extra);
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory-policy noeviction"));
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory 1"));
    for (int i = 0; i < 30; i++) {
        submit(&s, i);
    }
    struct timespec ts = {2, 500000000};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(tr_int(s.rc, "EXISTS %s", "dossier:results"), 0);
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory 0"));
    expect_all_done_once(&s, 30, 30000);
    stack_stop(&s);
}
END_TEST

/* --prefetch 4: each child holds up to 4 documents and stores a batch at once.
 * Redis is paused for writes while each group is submitted, so the children hold
 * full batches waiting on Redis when one of them is killed. */
START_TEST(test_prefetch_4_children_killed_holding_batches_all_done_once)
{
    stack_t_ s;
    const char *extra[] = {"--prefetch", "4", "--redis-timeout-ms", "300", NULL};
    stack_start(&s, "3", extra);
    ck_assert(ds_test_eventually(three_children, &s, 10000));
    int kills = 0;
    for (int i = 0; i < 400; i++) {
        if (i % 50 == 0) {
            freeReplyObject(redisCommand(s.rc, "CLIENT PAUSE 700 WRITE"));
        }
        submit(&s, i);
        if (i % 50 == 30 && i < 300) {
            pid_t kids[16];
            int n = tw_children(s.worker, kids, 16);
            if (n > 0) {
                kill(kids[i % n], SIGKILL);
                kills++;
            }
        }
    }
    ck_assert_int_eq(kills, 6);
    expect_all_done_once(&s, 400, 60000);
    stack_stop(&s);
}
END_TEST

/* --prefetch 4: whole batches fail (Redis out of memory) past the give-up bound, are
 * answered failed/retryable, retried by the broker, and all end up done once. */
START_TEST(test_prefetch_4_batches_failing_in_redis_are_retried_all_done_once)
{
    stack_t_ s;
    const char *extra[] = {"--prefetch", "4", "--redis-give-up-ms", "1000", NULL};
    stack_start(&s, "2", extra);
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory-policy noeviction"));
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory 1"));
    for (int i = 0; i < 60; i++) {
        submit(&s, i);
    }
    struct timespec ts = {2, 500000000};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(tr_int(s.rc, "EXISTS %s", "dossier:results"), 0);
    freeReplyObject(redisCommand(s.rc, "CONFIG SET maxmemory 0"));
    expect_all_done_once(&s, 60, 30000);
    stack_stop(&s);
}
END_TEST

/* --prefetch 4: Redis goes away with batches in flight and comes back. */
START_TEST(test_prefetch_4_redis_restarted_with_batches_in_flight_all_complete)
{
    stack_t_ s;
    const char *extra[] = {"--prefetch", "4", NULL};
    stack_start(&s, "2", extra);
    submit(&s, 0);
    count_t one = {&s, 1};
    ck_assert(ds_test_eventually(results_reach, &one, 10000));
    freeReplyObject(redisCommand(s.rc, "SHUTDOWN NOSAVE"));
    redisFree(s.rc);
    s.rc = NULL;
    for (int i = 1; i < 60; i++) {
        submit(&s, i);
    }
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    restart_redis(&s);
    count_t c = {&s, 59};
    ck_assert(ds_test_eventually(results_reach, &c, 60000));
    redisReply *x = redisCommand(s.rc, "XRANGE dossier:results - +");
    ck_assert(x && (int)x->elements == 59);
    freeReplyObject(x);
    stack_stop(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_e2e");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_300_documents_with_children_killed_midstream_are_all_done_once);
    tcase_add_test(tc, test_redis_shut_down_while_documents_are_accepted_then_restarted_all_complete);
    tcase_add_test(tc, test_documents_during_client_pause_are_all_done_once);
    tcase_add_test(tc, test_documents_while_redis_is_out_of_memory_are_all_done_once);
    tcase_add_test(tc, test_prefetch_4_children_killed_holding_batches_all_done_once);
    tcase_add_test(tc, test_prefetch_4_batches_failing_in_redis_are_retried_all_done_once);
    tcase_add_test(tc, test_prefetch_4_redis_restarted_with_batches_in_flight_all_complete);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
