/* check_broker_e2e.c: the durable broker with the real dossier-worker and a real
 * redis-server: 200 documents accepted with no worker running survive kill -9 of the
 * broker and end up in Redis exactly once (one dossier:results entry each); a
 * document the worker refuses ends dead, recorded in Redis by a worker
 * (dossier:doc:{id} status dead and one dossier:dead entry).
 */
#include "broker_testkit.h"

/* broker and worker must agree on the heartbeat interval (SPEC: liveness) */
#define HB "500"
static const char *const BROKER_FLAGS[] = {"--heartbeat-ms", HB, NULL};

static bk_broker_t B;
static ds_test_redis_t *R;
static pid_t W;

/* One redis-server per TCase, started and stopped by the runner (unchecked fixture):
 * it is stopped even when a test fails, which skips the checked teardown.  Each test
 * starts from an empty Redis. */
static void redis_up(void)
{
    R = ds_test_redis_start(NULL);
}

static void redis_down(void)
{
    ds_test_redis_stop(&R);
}

static void setup(void)
{
    memset(&B, 0, sizeof B);
    ck_assert_ptr_nonnull(R);
    free(ds_test_redis_cli(R, "FLUSHALL"));
    W = 0;
}

static void teardown(void)
{
    if (W > 0) {
        bk_stop(W, SIGTERM, 10000);
    }
    bk_broker_cleanup(&B);
}

static void start_worker_hb(const char *max_doc, const char *interval)
{
    char *bin = ds_test_bin("dossier-worker");
    char log[600];
    snprintf(log, sizeof log, "%s/worker.log", B.dir);
    char *argv[] = {bin,
                    "--broker",
                    B.endpoint,
                    "--redis",
                    R->url,
                    "--concurrency",
                    "2",
                    "--heartbeat-ms",
                    (char *)interval,
                    "--max-doc-bytes",
                    (char *)max_doc,
                    "--analysis",
                    "counts",
                    NULL};
    W = bk_spawn(argv, log);
    free(bin);
}

static void start_worker(const char *max_doc)
{
    start_worker_hb(max_doc, HB);
}

static long redis_int(const char *args)
{
    char *out = ds_test_redis_cli(R, args);
    long v = out ? atol(out) : -1;
    free(out);
    return v;
}

typedef struct {
    const char *args;
    long want;
} rwait_t;

static bool redis_is(void *arg)
{
    rwait_t *w = arg;
    int status;
    if (W > 0 && waitpid(W, &status, WNOHANG) == W) {
        bk_untrack(W);
        W = 0;
        ck_abort_msg("dossier-worker exited with status %d (see %s/worker.log)", status, B.dir);
    }
    return redis_int(w->args) == w->want;
}

/* Lines of `out` equal to `line`. */
static int count_lines(const char *out, const char *line)
{
    int n = 0;
    size_t len = strlen(line);
    for (const char *p = out; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l == len && memcmp(p, line, len) == 0) {
            n++;
        }
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

START_TEST(test_200_documents_survive_kill_9_and_reach_redis_exactly_once)
{
    bk_broker_start(&B, BROKER_FLAGS);
    char id[32], text[128];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "e2e-%03d", i);
        snprintf(text, sizeof text, "Report %d: the ministers met in Vienna and agreed on nothing.", i);
        ds_buf_t r = DS_BUF_INIT;
        bk_submit(B.endpoint, id, text, &r);
        ck_assert_str_eq(bk_field(&r, "status"), "accepted");
        ds_buf_free(&r);
    }
    ck_assert_int_eq(WTERMSIG(bk_broker_stop(&B, SIGKILL)), SIGKILL);
    bk_broker_start(&B, BROKER_FLAGS);
    start_worker("1M");
    rwait_t w = {"XLEN dossier:results", 200};
    ck_assert_msg(ds_test_eventually(redis_is, &w, 30000), "results stream has %ld entries",
                  redis_int("XLEN dossier:results"));
    /* wait until the broker holds nothing more that could be delivered again */
    for (int i = 0; i < 300 && bk_stat(B.endpoint, "queue_depth") != 0; i++) {
        usleep(50000);
    }
    ck_assert_int_eq(bk_stat(B.endpoint, "queue_depth"), 0);
    char *all = ds_test_redis_cli(R, "XRANGE dossier:results - +");
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "e2e-%03d", i);
        ck_assert_msg(count_lines(all, id) == 1, "%s appears %d times in dossier:results", id,
                      count_lines(all, id));
    }
    free(all);
    ck_assert_int_eq(redis_int("XLEN dossier:results"), 200);
    char *st = ds_test_redis_cli(R, "HGET dossier:doc:e2e-123 status");
    ck_assert_ptr_nonnull(strstr(st, "done"));
    free(st);
}
END_TEST

START_TEST(test_document_the_worker_refuses_is_recorded_dead_in_redis)
{
    bk_broker_start(&B, BROKER_FLAGS);
    start_worker("100"); /* this worker takes at most 100 bytes of text */
    char text[300];
    memset(text, 'z', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    text[150] = ' ';
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "refused-1", text, &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    rwait_t w = {"XLEN dossier:dead", 1};
    ck_assert_msg(ds_test_eventually(redis_is, &w, 30000), "no dossier:dead entry");
    char *st = ds_test_redis_cli(R, "HGET dossier:doc:refused-1 status");
    ck_assert_ptr_nonnull(strstr(st, "dead"));
    free(st);
    ck_assert_str_eq(bk_status(B.endpoint, "refused-1", &r), "dead");
    ck_assert_int_eq(bk_field_int(&r, "attempts"), 1);
    ck_assert_str_eq(bk_field(&r, "code"), "too_large");
    ds_buf_free(&r);
    for (int i = 0; i < 300 && bk_stat(B.endpoint, "dead_recorded") != 1; i++) {
        usleep(20000);
    }
    ck_assert_int_eq(bk_stat(B.endpoint, "dead_recorded"), 1);
    ck_assert_int_eq(redis_int("XLEN dossier:dead"), 1);
    /* the dead record also announces itself on the results stream, as dead */
    char *res = ds_test_redis_cli(R, "XRANGE dossier:results - +");
    ck_assert_int_eq(count_lines(res, "refused-1"), redis_int("XLEN dossier:results"));
    free(res);
}
END_TEST

START_TEST(test_worker_with_a_shorter_heartbeat_keeps_its_connection)
{
    const char *flags[] = {"--heartbeat-ms", "2000", NULL};
    bk_broker_start(&B, flags);
    start_worker_hb("1M", "200"); /* silent broker, for this worker: 600 ms */
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "hb-1", "Heartbeats agree.", &r);
    rwait_t w = {"XLEN dossier:results", 1};
    ck_assert(ds_test_eventually(redis_is, &w, 30000));
    usleep(1500000); /* well past the worker's 600 ms */
    bk_submit(B.endpoint, "hb-2", "Still connected.", &r);
    w.want = 2;
    ck_assert(ds_test_eventually(redis_is, &w, 30000));
    char log[600];
    snprintf(log, sizeof log, "%s/worker.log", B.dir);
    size_t len = 0;
    char *text = ds_test_read_file(log, &len);
    ck_assert_msg(text == NULL || strstr(text, "reconnecting") == NULL, "the worker reconnected:\n%s", text);
    free(text);
    ck_assert_int_eq(bk_stat(B.endpoint, "lost_leases"), 0);
    ds_buf_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("broker_e2e");
    TCase *tc = tcase_create("e2e");
    tcase_add_unchecked_fixture(tc, redis_up, redis_down);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_200_documents_survive_kill_9_and_reach_redis_exactly_once);
    tcase_add_test(tc, test_document_the_worker_refuses_is_recorded_dead_in_redis);
    tcase_add_test(tc, test_worker_with_a_shorter_heartbeat_keeps_its_connection);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--bk-worker") == 0) {
        return bk_worker_main(argc, argv);
    }
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
