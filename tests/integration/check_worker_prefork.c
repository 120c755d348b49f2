/* check_worker_prefork.c: dossier-worker's prefork supervisor with the real binary,
 * the in-test RFC 7 broker and a real redis-server: children are started, replaced
 * when killed, retired after --max-jobs, killed when a document overruns the CPU
 * budget, and drained on SIGTERM (finishing their document or giving it back). */
#include "check_worker_support.h"

#include <sys/wait.h>

static ds_test_redis_t *redis;

static void redis_up(void)
{
    redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(redis);
}

static void redis_down(void)
{
    ds_test_redis_stop(&redis);
}

typedef struct {
    tb_t *b;
    pid_t worker;
    redisContext *rc;
    char *dir;
    char log[512];
} world_t;

static void world_start(world_t *w, int children, const char *const *extra)
{
    memset(w, 0, sizeof *w);
    w->rc = tr_connect(redis);
    freeReplyObject(redisCommand(w->rc, "FLUSHALL"));
    w->b = tb_new();
    w->dir = ds_test_tmpdir("wpre");
    snprintf(w->log, sizeof w->log, "%s/worker.log", w->dir);
    char n[16];
    snprintf(n, sizeof n, "%d", children);
    const char *args[24] = {"--concurrency", n, "--analysis", "counts"};
    int k = 4;
    for (int i = 0; extra && extra[i]; i++) {
        args[k++] = extra[i];
    }
    args[k] = NULL;
    w->worker = tw_start(w->b->endpoint, redis->url, w->log, args);
    ck_assert_msg(tb_wait_ready(w->b, children, 10000), "not every child sent READY");
}

static void world_stop(world_t *w)
{
    if (w->worker > 0) {
        ds_test_stop(w->worker, SIGTERM, 10000);
    }
    tb_destroy(&w->b);
    redisFree(w->rc);
    ds_test_rmtree(w->dir);
    free(w->dir);
}

static const char *const TEXT =
    "Budget Talks Resume\n\nLawmakers met again today and talked about the budget.\n";

static void expect_done(world_t *w, const char *id)
{
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, id, TEXT, 1);
    ck_assert_msg(tb_request(w->b, body.data, body.len), "no idle worker for %s", id);
    zframe_t *reply = tb_reply(w->b, 15000);
    ck_assert_msg(reply != NULL, "no reply for %s", id);
    char v[64];
    tb_field(reply, "status", v, sizeof v);
    ck_assert_str_eq(v, "done");
    tb_field(reply, "id", v, sizeof v);
    ck_assert_str_eq(v, id);
    zframe_destroy(&reply);
    ds_buf_free(&body);
}

/* Polls the test broker (it answers heartbeats) for ms. */
static void pump(world_t *w, int ms)
{
    int64_t until = ds_now_ms() + ms;
    while (ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *body = tb_poll(w->b, 50, &from);
        ck_assert_msg(body == NULL, "unexpected REPLY");
        zframe_destroy(&from);
    }
}

static int children(const world_t *w, pid_t *out)
{
    return tw_children(w->worker, out, 64);
}

static bool has_pid(const pid_t *pids, int n, pid_t p)
{
    for (int i = 0; i < n; i++) {
        if (pids[i] == p) {
            return true;
        }
    }
    return false;
}

START_TEST(test_concurrency_3_starts_3_children_each_ready)
{
    world_t w;
    world_start(&w, 3, NULL);
    pid_t kids[64];
    ck_assert_int_eq(children(&w, kids), 3);
    ck_assert_int_eq(w.b->readies, 3);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "c3-%d", i);
        expect_done(&w, id);
    }
    world_stop(&w);
}
END_TEST

START_TEST(test_killed_child_is_replaced)
{
    world_t w;
    world_start(&w, 3, NULL);
    pid_t before[64], after[64];
    ck_assert_int_eq(children(&w, before), 3);
    kill(before[1], SIGKILL);
    ck_assert_msg(tb_wait_ready(w.b, 4, 5000), "no READY from a replacement child");
    pump(&w, 200);
    ck_assert_int_eq(children(&w, after), 3);
    ck_assert(!has_pid(after, 3, before[1]));
    ck_assert(has_pid(after, 3, before[0]) && has_pid(after, 3, before[2]));
    /* the pool still serves (tb_request skips the dead child's identity) */
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "after-%d", i);
        expect_done(&w, id);
    }
    world_stop(&w);
}
END_TEST

START_TEST(test_max_jobs_retires_a_child_and_a_new_one_takes_over)
{
    world_t w;
    const char *extra[] = {"--max-jobs", "2", NULL};
    world_start(&w, 1, extra);
    pid_t first[64], later[64];
    ck_assert_int_eq(children(&w, first), 1);
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "mj-%d", i);
        if (w.b->n_idle == 0) {
            ck_assert_msg(tb_wait_ready(w.b, w.b->readies + 1, 5000), "no READY after retirement");
        }
        expect_done(&w, id);
        pump(&w, 100);
    }
    ck_assert_int_ge(w.b->disconnects, 2); /* retired twice, each with DISCONNECT */
    ck_assert_int_ge(w.b->readies, 3);
    ck_assert_int_eq(children(&w, later), 1);
    ck_assert_int_ne(first[0], later[0]);
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:results"), 5);
    world_stop(&w);
}
END_TEST

START_TEST(test_document_over_cpu_budget_kills_the_child_which_is_replaced)
{
    world_t w;
    const char *extra[] = {"--analysis", "full", "--cpu-budget-ms", "1", NULL};
    world_start(&w, 1, extra);
    /* 600 KB of prose takes far more than 1 ms of CPU to analyse */
    ds_buf_t text = DS_BUF_INIT;
    while (text.len < 600 * 1024) {
        ds_buf_puts(&text, "The minister said the talks in Vienna would resume on Monday. ");
    }
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "heavy", text.data, 1);
    ck_assert(tb_request(w.b, body.data, body.len));
    ck_assert_msg(tb_wait_ready(w.b, 2, 10000), "no replacement child after the budget kill");
    ck_assert_int_eq(tr_int(w.rc, "EXISTS %s", "dossier:doc:heavy"), 0);
    char *log = ds_test_read_file(w.log, NULL);
    ck_assert_msg(log && strstr(log, "reason=cpu-budget"), "log: %s", log ? log : "(none)");
    free(log);
    ds_buf_free(&text);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

/* --prefetch 2: the CPU budget is still per document (armed for each one of a batch). */
START_TEST(test_prefetch_2_document_over_cpu_budget_kills_the_child_which_is_replaced)
{
    world_t w;
    const char *extra[] = {"--analysis", "full", "--cpu-budget-ms", "1", "--prefetch", "2", NULL};
    world_start(&w, 1, extra);
    ck_assert_int_eq(w.b->last_credit, 2);
    ds_buf_t text = DS_BUF_INIT;
    while (text.len < 600 * 1024) {
        ds_buf_puts(&text, "The minister said the talks in Vienna would resume on Monday. ");
    }
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "heavy", text.data, 1);
    ck_assert(tb_request(w.b, body.data, body.len));
    ck_assert_msg(tb_wait_ready(w.b, 2, 10000), "no replacement child after the budget kill");
    ck_assert_int_eq(w.b->last_credit, 2);
    ck_assert_int_eq(tr_int(w.rc, "EXISTS %s", "dossier:doc:heavy"), 0);
    char *log = ds_test_read_file(w.log, NULL);
    ck_assert_msg(log && strstr(log, "reason=cpu-budget"), "log: %s", log ? log : "(none)");
    free(log);
    ds_buf_free(&text);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_sigterm_drains_every_child_with_disconnect)
{
    world_t w;
    world_start(&w, 2, NULL);
    expect_done(&w, "before-drain");
    kill(w.worker, SIGTERM);
    int64_t until = ds_now_ms() + 10000;
    while (w.b->disconnects < 2 && ds_now_ms() < until) {
        pump(&w, 100);
    }
    ck_assert_int_eq(w.b->disconnects, 2);
    int status = ds_test_wait(w.worker, 10000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    w.worker = 0;
    world_stop(&w);
}
END_TEST

START_TEST(test_sigterm_while_redis_is_paused_gives_the_document_back)
{
    world_t w;
    const char *extra[] = {"--redis-timeout-ms", "200", NULL};
    world_start(&w, 1, extra);
    freeReplyObject(redisCommand(w.rc, "CLIENT PAUSE 20000 WRITE"));
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "given-back", TEXT, 1);
    ck_assert(tb_request(w.b, body.data, body.len));
    pump(&w, 800); /* the child is now retrying its write */
    kill(w.worker, SIGTERM);
    int64_t until = ds_now_ms() + 10000;
    while (w.b->disconnects < 1 && ds_now_ms() < until) {
        pump(&w, 100); /* asserts that no REPLY comes */
    }
    ck_assert_int_eq(w.b->disconnects, 1);
    int status = ds_test_wait(w.worker, 10000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    w.worker = 0;
    freeReplyObject(redisCommand(w.rc, "CLIENT UNPAUSE"));
    ck_assert_int_eq(tr_int(w.rc, "EXISTS %s", "dossier:doc:given-back"), 0);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

/* --prefetch 3: SIGTERM while Redis is paused gives all 3 documents back (in the batch
 * or still waiting): no REPLY, DISCONNECT, nothing written. */
START_TEST(test_prefetch_3_sigterm_while_redis_is_paused_gives_the_batch_back)
{
    world_t w;
    const char *extra[] = {"--redis-timeout-ms", "200", "--prefetch", "3", NULL};
    world_start(&w, 1, extra);
    ck_assert_int_eq(w.b->last_credit, 3);
    freeReplyObject(redisCommand(w.rc, "CLIENT PAUSE 20000 WRITE"));
    ds_buf_t body = DS_BUF_INIT;
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "back-%d", i);
        ds_buf_reset(&body);
        tb_doc(&body, id, TEXT, 1);
        ck_assert(tb_request(w.b, body.data, body.len));
    }
    pump(&w, 800); /* the child is now retrying the batch's write */
    kill(w.worker, SIGTERM);
    int64_t until = ds_now_ms() + 10000;
    while (w.b->disconnects < 1 && ds_now_ms() < until) {
        pump(&w, 100); /* asserts that no REPLY comes */
    }
    pump(&w, 300);
    ck_assert_int_eq(w.b->disconnects, 1);
    int status = ds_test_wait(w.worker, 10000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    w.worker = 0;
    freeReplyObject(redisCommand(w.rc, "CLIENT UNPAUSE"));
    ck_assert_int_eq(tr_int(w.rc, "EXISTS %s", "dossier:results"), 0);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_redis_outage_longer_than_give_up_replies_failed_retryable)
{
    world_t w;
    const char *extra[] = {"--redis-timeout-ms", "200", "--redis-give-up-ms", "800", NULL};
    world_start(&w, 1, extra);
    freeReplyObject(redisCommand(w.rc, "CLIENT PAUSE 5000 WRITE"));
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "later", TEXT, 1);
    ck_assert(tb_request(w.b, body.data, body.len));
    zframe_t *reply = tb_reply(w.b, 10000);
    ck_assert_ptr_nonnull(reply);
    char v[256];
    tb_field(reply, "status", v, sizeof v);
    ck_assert_str_eq(v, "failed");
    tb_field(reply, "code", v, sizeof v);
    ck_assert_str_eq(v, "redis");
    ck_assert(tb_flag(reply, "retryable"));
    zframe_destroy(&reply);
    freeReplyObject(redisCommand(w.rc, "CLIENT UNPAUSE"));
    expect_done(&w, "later"); /* the broker's retry then succeeds */
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_prefork");
    TCase *tc = tcase_create("prefork");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, redis_up, redis_down);
    tcase_add_test(tc, test_concurrency_3_starts_3_children_each_ready);
    tcase_add_test(tc, test_killed_child_is_replaced);
    tcase_add_test(tc, test_max_jobs_retires_a_child_and_a_new_one_takes_over);
    tcase_add_test(tc, test_document_over_cpu_budget_kills_the_child_which_is_replaced);
    tcase_add_test(tc, test_prefetch_2_document_over_cpu_budget_kills_the_child_which_is_replaced);
    tcase_add_test(tc, test_sigterm_drains_every_child_with_disconnect);
    tcase_add_test(tc, test_sigterm_while_redis_is_paused_gives_the_document_back);
    tcase_add_test(tc, test_redis_outage_longer_than_give_up_replies_failed_retryable);
    tcase_add_test(tc, test_prefetch_3_sigterm_while_redis_is_paused_gives_the_batch_back);
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
