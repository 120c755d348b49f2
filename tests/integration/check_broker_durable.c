/* check_broker_durable.c: the guarantees of the durable broker, with the real binary,
 * kill -9, restarts on the same journal, and test workers that succeed, fail, hang,
 * reply late or crash: nothing accepted is lost, nothing is done twice, poison
 * documents end dead, duplicates and conflicts are recognised, backpressure answers
 * busy, status/stats/dlq tell the truth, SIGTERM drains, and a failed sync never
 * lets an `accepted` out.
 */
#include "broker.h"
#include "broker_journal.h"
#include "broker_testkit.h"

#include <errno.h>
#include <lmdb.h>
#include <sysexits.h>

static bk_broker_t B;
static char REC[600];

static void start(const char *const *extra)
{
    bk_broker_start(&B, extra);
    snprintf(REC, sizeof REC, "%s/record", B.dir);
}

static void setup(void)
{
    memset(&B, 0, sizeof B);
}
static void teardown(void)
{
    bk_broker_cleanup(&B);
}

static pid_t worker(const char *mode)
{
    return bk_worker_spawn(B.endpoint, mode, REC, 100);
}

typedef struct {
    const char *what, *id;
    int n;
} seen_t;

static bool seen(void *arg)
{
    seen_t *s = arg;
    return (s->id ? bk_count(REC, s->what, s->id) : bk_count_all(REC, s->what)) >= s->n;
}

static void wait_seen(const char *what, const char *id, int n)
{
    seen_t s = {what, id, n};
    ck_assert_msg(ds_test_eventually(seen, &s, 15000), "never saw %d x '%s %s' (log %s)", n, what,
                  id ? id : "*", B.log);
}

typedef struct {
    const char *id, *state;
} state_t;

static bool in_state(void *arg)
{
    state_t *s = arg;
    ds_buf_t r = DS_BUF_INIT;
    bool ok = strcmp(bk_status(B.endpoint, s->id, &r), s->state) == 0;
    ds_buf_free(&r);
    return ok;
}

static void wait_state(const char *id, const char *state)
{
    state_t s = {id, state};
    ck_assert_msg(ds_test_eventually(in_state, &s, 15000), "%s never became %s (log %s)", id, state, B.log);
}

typedef struct {
    const char *key;
    long v;
} stat_t;

static bool stat_is(void *arg)
{
    stat_t *s = arg;
    return bk_stat(B.endpoint, s->key) == s->v;
}

static void wait_stat(const char *key, long v)
{
    stat_t s = {key, v};
    ck_assert_msg(ds_test_eventually(stat_is, &s, 15000), "stat %s never became %ld (is %ld)", key, v,
                  bk_stat(B.endpoint, key));
}

static void submit_ok(const char *id, const char *text, const char *expect)
{
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, id, text, &r);
    ck_assert_msg(strcmp(bk_field(&r, "status"), expect) == 0, "%s: %s, expected %s (%s)", id,
                  bk_field(&r, "status"), expect, bk_field(&r, "error"));
    ds_buf_free(&r);
}

START_TEST(test_200_documents_survive_kill_9_and_are_done_exactly_once)
{
    const char *flags[] = {"--heartbeat-ms", "100", NULL};
    start(flags);
    char id[32], text[64];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "k9-%03d", i);
        snprintf(text, sizeof text, "Document number %d of the batch.", i);
        submit_ok(id, text, "accepted");
    }
    ck_assert_int_eq(WTERMSIG(bk_broker_stop(&B, SIGKILL)), SIGKILL);
    start(flags);
    ck_assert_int_eq(bk_stat(B.endpoint, "replayed"), 200);
    ck_assert_int_eq(bk_stat(B.endpoint, "queue_depth"), 200);
    pid_t w = worker("done");
    wait_stat("queue_depth", 0);
    wait_seen("done", NULL, 200);
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "k9-%03d", i);
        ck_assert_int_eq(bk_count(REC, "done", id), 1);
    }
    ck_assert_int_eq(bk_count_all(REC, "done"), 200);
    ck_assert_int_eq(bk_stat(B.endpoint, "done"), 200);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_worker_killed_mid_job_its_document_is_done_exactly_once)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--retry-base-ms", "10", NULL};
    start(flags);
    pid_t hang = worker("hang");
    submit_ok("mid-1", "A document whose first worker dies.", "accepted");
    wait_seen("got", "mid-1", 1);
    wait_state("mid-1", "running");
    bk_stop(hang, SIGKILL, 5000);
    pid_t w = worker("done");
    wait_state("mid-1", "done");
    ck_assert_int_eq(bk_count(REC, "done", "mid-1"), 1);
    ck_assert_int_eq(bk_count(REC, "got", "mid-1"), 2);
    ck_assert_int_ge(bk_stat(B.endpoint, "lost_leases"), 1);
    ds_buf_t r = DS_BUF_INIT;
    bk_status(B.endpoint, "mid-1", &r);
    ck_assert_int_eq(bk_field_int(&r, "attempts"), 2);
    ds_buf_free(&r);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_lease_overrun_is_retried_and_the_late_reply_ignored)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--lease-ms", "300", "--retry-base-ms", "10", NULL};
    start(flags);
    pid_t slow = worker("slow");
    submit_ok("late-1", "The first worker is too slow.", "accepted");
    wait_seen("got", "late-1", 1);
    pid_t w = worker("done");
    wait_seen("done", "late-1", 1);
    wait_seen("late", "late-1", 1);
    wait_stat("late_replies", 1);
    wait_state("late-1", "done");
    ck_assert_int_eq(bk_stat(B.endpoint, "done"), 1);
    ck_assert_int_eq(bk_count(REC, "done", "late-1"), 1);
    bk_stop(w, SIGKILL, 5000);
    bk_stop(slow, SIGKILL, 5000);
}
END_TEST

START_TEST(test_poison_document_is_dead_after_max_attempts_and_recorded_once)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--max-attempts", "3", "--retry-base-ms", "10", NULL};
    start(flags);
    pid_t w = worker("fail");
    submit_ok("poison-1", "This document always fails.", "accepted");
    wait_seen("dead", "poison-1", 1);
    wait_stat("queue_depth", 0);
    ck_assert_int_eq(bk_count(REC, "got", "poison-1"), 3);
    ck_assert_int_eq(bk_count(REC, "dead", "poison-1"), 1);
    ds_buf_t r = DS_BUF_INIT;
    ck_assert_str_eq(bk_status(B.endpoint, "poison-1", &r), "dead");
    ck_assert_int_eq(bk_field_int(&r, "attempts"), 3);
    ck_assert_str_eq(bk_field(&r, "code"), "analysis");
    ck_assert_str_eq(bk_field(&r, "error"), "test worker failure");
    ck_assert_int_eq(bk_stat(B.endpoint, "dead"), 1);
    ck_assert_int_eq(bk_stat(B.endpoint, "dlq"), 1);
    ck_assert_int_eq(bk_stat(B.endpoint, "retried"), 2);
    /* resubmitting it creates no new job */
    submit_ok("poison-1", "This document always fails.", "duplicate");
    ck_assert_int_eq(bk_stat(B.endpoint, "queue_depth"), 0);
    ds_buf_free(&r);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_non_retryable_failure_is_dead_after_one_attempt)
{
    const char *flags[] = {"--heartbeat-ms", "100", NULL};
    start(flags);
    pid_t w = worker("fatal");
    submit_ok("bad-doc", "The engine cannot analyse this.", "accepted");
    wait_seen("dead", "bad-doc", 1);
    wait_state("bad-doc", "dead");
    ck_assert_int_eq(bk_count(REC, "got", "bad-doc"), 1);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

static void dlq(const char *op, const char *id, ds_buf_t *r)
{
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, id ? 2 : 1);
    ds_pack_kv_str(&pk, "op", op);
    if (id) {
        ds_pack_kv_str(&pk, "id", id);
    }
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_DLQ, &body, r, 10000), 0);
    ds_buf_free(&body);
}

START_TEST(test_dlq_lists_requeues_and_purges_dead_documents)
{
    const char *flags[] = {"--heartbeat-ms", "100", NULL};
    start(flags);
    pid_t w = worker("fatal");
    submit_ok("dlq-a", "First dead one.", "accepted");
    submit_ok("dlq-b", "Second dead one.", "accepted");
    wait_seen("dead", NULL, 2);
    wait_stat("queue_depth", 0);
    bk_stop(w, SIGKILL, 5000);
    ds_buf_t r = DS_BUF_INIT;
    dlq("list", NULL, &r);
    ck_assert_str_eq(bk_field(&r, "status"), "ok");
    ck_assert_int_eq(bk_field_int(&r, "dlq"), 2);
    ck_assert_str_eq(bk_field(&r, "more"), "false");
    ck_assert_ptr_nonnull(memmem(r.data, r.len, "dlq-a", 5));
    ck_assert_ptr_nonnull(memmem(r.data, r.len, "dlq-b", 5));
    w = worker("done");
    dlq("requeue", "dlq-a", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "ok");
    ck_assert_int_eq(bk_field_int(&r, "count"), 1);
    wait_state("dlq-a", "done");
    dlq("purge", "dlq-b", &r);
    ck_assert_int_eq(bk_field_int(&r, "count"), 1);
    ck_assert_str_eq(bk_status(B.endpoint, "dlq-b", &r), "unknown");
    dlq("purge", "dlq-b", &r);
    ck_assert_str_eq(bk_field(&r, "code"), "not_found");
    dlq("explode", NULL, &r);
    ck_assert_str_eq(bk_field(&r, "code"), "bad_field");
    ck_assert_int_eq(bk_stat(B.endpoint, "dlq"), 0);
    /* a purged id is forgotten: it may be submitted again */
    submit_ok("dlq-b", "Second dead one, fixed.", "accepted");
    wait_state("dlq-b", "done");
    ds_buf_free(&r);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_duplicates_and_conflicts_are_recognised_across_restarts)
{
    start(NULL);
    submit_ok("dup-1", "Same text.", "accepted");
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "dup-1", "Same text.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "duplicate");
    ck_assert_str_eq(bk_field(&r, "state"), "queued");
    bk_submit(B.endpoint, "dup-1", "Other text.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "rejected");
    ck_assert_str_eq(bk_field(&r, "code"), "conflict");
    ck_assert_int_eq(bk_stat(B.endpoint, "queue_depth"), 1);
    pid_t w = worker("done");
    wait_state("dup-1", "done");
    bk_stop(w, SIGKILL, 5000);
    /* a drained restart keeps what was finished */
    ck_assert_int_eq(WEXITSTATUS(bk_broker_stop(&B, SIGTERM)), 0);
    start(NULL);
    bk_submit(B.endpoint, "dup-1", "Same text.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "duplicate");
    ck_assert_str_eq(bk_field(&r, "state"), "done");
    bk_submit(B.endpoint, "dup-1", "Other text.", &r);
    ck_assert_str_eq(bk_field(&r, "code"), "conflict");
    ck_assert_int_eq(bk_stat(B.endpoint, "queue_depth"), 0);
    ck_assert_int_eq(bk_count(REC, "got", "dup-1"), 1);
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_finished_ids_are_forgotten_after_dedup_days)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--dedup-days", "0", "--dedup-sweep-ms", "50", NULL};
    start(flags);
    pid_t w = worker("done");
    submit_ok("forget-1", "Remember me briefly.", "accepted");
    wait_seen("done", "forget-1", 1);
    wait_state("forget-1", "unknown");
    submit_ok("forget-1", "Remember me briefly.", "accepted");
    wait_seen("done", "forget-1", 2);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_busy_past_max_queue_and_max_queue_bytes)
{
    const char *flags[] = {"--max-queue", "3", "--max-queue-bytes", "1000", "--busy-retry-ms", "1234", NULL};
    start(flags);
    submit_ok("q1", "one", "accepted");
    submit_ok("q2", "two", "accepted");
    submit_ok("q3", "three", "accepted");
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "q4", "four", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "busy");
    ck_assert_str_eq(bk_field(&r, "code"), "busy");
    ck_assert_str_eq(bk_field(&r, "id"), "q4");
    ck_assert_int_eq(bk_field_int(&r, "retry_after_ms"), 1234);
    ck_assert_str_eq(bk_status(B.endpoint, "q4", &r), "unknown");
    /* a duplicate is still answered when full */
    bk_submit(B.endpoint, "q1", "one", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "duplicate");
    ck_assert_int_eq(bk_stat(B.endpoint, "busy"), 1);
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_busy_past_max_queue_bytes)
{
    const char *flags[] = {"--max-queue-bytes", "2000", NULL};
    start(flags);
    char text[800];
    memset(text, 'w', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    submit_ok("b1", text, "accepted");
    submit_ok("b2", text, "accepted");
    submit_ok("b3", text, "busy");
    ck_assert_int_le(bk_stat(B.endpoint, "queue_bytes"), 2000);
}
END_TEST

START_TEST(test_status_reports_state_attempts_and_last_error)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--retry-base-ms", "60000", NULL};
    start(flags);
    ds_buf_t r = DS_BUF_INIT;
    ck_assert_str_eq(bk_status(B.endpoint, "st-1", &r), "unknown");
    ck_assert_str_eq(bk_field(&r, "id"), "st-1");
    submit_ok("st-1", "Waiting.", "accepted");
    ck_assert_str_eq(bk_status(B.endpoint, "st-1", &r), "queued");
    ck_assert_int_eq(bk_field_int(&r, "attempts"), 0);
    ck_assert_int_gt(bk_field_int(&r, "accepted_ms"), 1600000000000L);
    ck_assert_uint_eq(strlen(bk_field(&r, "digest")), 64);
    pid_t w = worker("fail");
    wait_state("st-1", "failed"); /* waits a minute of backoff before attempt 2 */
    bk_status(B.endpoint, "st-1", &r);
    ck_assert_int_eq(bk_field_int(&r, "attempts"), 1);
    ck_assert_str_eq(bk_field(&r, "code"), "analysis");
    ck_assert_str_eq(bk_field(&r, "error"), "test worker failure");
    /* malformed status requests are rejected */
    ds_buf_t body = DS_BUF_INIT;
    ds_buf_append(&body, "\x80", 1);
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_STATUS, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "code"), "bad_field");
    ds_buf_free(&body);
    ds_buf_free(&r);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

START_TEST(test_stats_count_what_happened)
{
    start(NULL);
    submit_ok("s1", "one", "accepted");
    submit_ok("s1", "one", "duplicate");
    submit_ok("s1", "uno", "rejected");
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    ds_buf_append(&body, "\x80", 1);
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_STATS, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "ok");
    ck_assert_int_eq(bk_field_int(&r, "accepted"), 1);
    ck_assert_int_eq(bk_field_int(&r, "duplicate"), 1);
    ck_assert_int_eq(bk_field_int(&r, "conflict"), 1);
    ck_assert_int_eq(bk_field_int(&r, "rejected"), 1);
    ck_assert_int_eq(bk_field_int(&r, "queue_depth"), 1);
    ck_assert_int_gt(bk_field_int(&r, "queue_bytes"), 0);
    ck_assert_int_eq(bk_field_int(&r, "in_flight"), 0);
    ck_assert_int_eq(bk_field_int(&r, "workers"), 0);
    ck_assert_int_gt(bk_field_int(&r, "journal_bytes"), 0);
    ck_assert_int_ge(bk_field_int(&r, "uptime_ms"), 0);
    ck_assert_str_eq(bk_field(&r, "draining"), "false");
    ds_buf_free(&body);
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_sigterm_drains_refuses_new_work_and_keeps_the_queue)
{
    const char *flags[] = {"--heartbeat-ms", "100", "--drain-timeout-ms", "1500", NULL};
    start(flags);
    pid_t hang = worker("hang");
    submit_ok("dr-1", "Held by a worker that never answers.", "accepted");
    submit_ok("dr-2", "Still queued.", "accepted");
    wait_seen("got", "dr-1", 1);
    kill(B.pid, SIGTERM);
    wait_stat("draining", 1);
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "dr-3", "Too late.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "busy");
    ck_assert_str_eq(bk_field(&r, "code"), "draining");
    ck_assert_int_gt(bk_field_int(&r, "retry_after_ms"), 0);
    int status = ds_test_wait(B.pid, 10000);
    bk_untrack(B.pid);
    B.pid = 0;
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    bk_stop(hang, SIGKILL, 5000);
    start(flags);
    pid_t w = worker("done");
    wait_state("dr-1", "done");
    wait_state("dr-2", "done");
    ck_assert_str_eq(bk_status(B.endpoint, "dr-3", &r), "unknown");
    ds_buf_free(&r);
    bk_stop(w, SIGKILL, 5000);
}
END_TEST

/* ---- fail-stop: a broker in a child process with the sync fault seam set ----------- */

static int syncs_left;

static int flaky_sync(void *env, int force)
{
    if (syncs_left-- <= 0) {
        return EIO;
    }
    return mdb_env_sync(env, force);
}

static void run_flaky_broker(const char *journal, const char *epfile, const char *log)
{
    if (freopen(log, "a", stderr) == NULL) {
        _exit(70);
    }
    broker_config_t c = {
        .bind = "tcp://127.0.0.1:*",
        .journal = journal,
        .endpoint_file = epfile,
        .max_doc_bytes = 1 << 20,
        .max_queue = 1000,
        .max_queue_bytes = 1 << 30,
        .max_attempts = 5,
        .dedup_days = 30,
        .heartbeat_ms = 2500,
        .liveness = 3,
        .request_timeout_ms = 10000,
        .max_requests = 100,
        .max_request_bytes = 1 << 24,
        .retry_base_ms = 1000,
        .retry_max_ms = 10000,
        .lease_ms = 0,
        .busy_retry_ms = 1000,
        .batch = 256,
        .journal_max_bytes = 1 << 30,
        .drain_timeout_ms = 1000,
        .flush_ms = 200,
        .zmtp_heartbeat_ms = 0,
        .sweep_ms = 60000,
    };
    broker_t *b = NULL;
    char err[256];
    if (broker_new(&b, &c, err, sizeof err) != 0) {
        _exit(71);
    }
    syncs_left = 2; /* the next two commits sync; the third fails */
    broker_journal_set_sync_fn(flaky_sync);
    static volatile sig_atomic_t term, hup;
    broker_signals_t sig = {&term, &hup, NULL};
    int rc = broker_run(b, &sig);
    broker_destroy(&b);
    _exit(rc == DS_EJOURNAL ? EX_IOERR : 0);
}

START_TEST(test_failed_sync_stops_the_broker_before_any_accepted_leaves)
{
    B.dir = ds_test_tmpdir("broker");
    snprintf(B.journal, sizeof B.journal, "%s/journal", B.dir);
    snprintf(B.epfile, sizeof B.epfile, "%s/endpoint", B.dir);
    snprintf(B.log, sizeof B.log, "%s/broker.log", B.dir);
    pid_t child = fork();
    if (child == 0) {
        run_flaky_broker(B.journal, B.epfile, B.log);
    }
    ck_assert(ds_test_eventually(bk_file_exists, B.epfile, 10000));
    size_t len;
    char *ep = ds_test_read_file(B.epfile, &len);
    snprintf(B.endpoint, sizeof B.endpoint, "%.*s", (int)strcspn(ep, "\n"), ep);
    free(ep);
    submit_ok("fs-1", "Synced.", "accepted");
    submit_ok("fs-2", "Synced too.", "accepted");
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    bk_doc(&body, "fs-3", "Its sync fails.");
    ck_assert_int_ne(bk_call(B.endpoint, DS_SVC_SUBMIT, &body, &r, 3000), 0);
    int status = ds_test_wait(child, 10000);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), EX_IOERR);
    size_t loglen;
    char *logtext = ds_test_read_file(B.log, &loglen);
    ck_assert_ptr_nonnull(strstr(logtext, "journal failed"));
    free(logtext);
    /* what was acknowledged is there after a restart of the real binary */
    start(NULL);
    ck_assert_str_eq(bk_status(B.endpoint, "fs-1", &r), "queued");
    ck_assert_str_eq(bk_status(B.endpoint, "fs-2", &r), "queued");
    ds_buf_free(&body);
    ds_buf_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("broker_durable");
    TCase *tc = tcase_create("durable");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_200_documents_survive_kill_9_and_are_done_exactly_once);
    tcase_add_test(tc, test_worker_killed_mid_job_its_document_is_done_exactly_once);
    tcase_add_test(tc, test_lease_overrun_is_retried_and_the_late_reply_ignored);
    tcase_add_test(tc, test_poison_document_is_dead_after_max_attempts_and_recorded_once);
    tcase_add_test(tc, test_non_retryable_failure_is_dead_after_one_attempt);
    tcase_add_test(tc, test_dlq_lists_requeues_and_purges_dead_documents);
    tcase_add_test(tc, test_duplicates_and_conflicts_are_recognised_across_restarts);
    tcase_add_test(tc, test_finished_ids_are_forgotten_after_dedup_days);
    tcase_add_test(tc, test_busy_past_max_queue_and_max_queue_bytes);
    tcase_add_test(tc, test_busy_past_max_queue_bytes);
    tcase_add_test(tc, test_status_reports_state_attempts_and_last_error);
    tcase_add_test(tc, test_stats_count_what_happened);
    tcase_add_test(tc, test_sigterm_drains_refuses_new_work_and_keeps_the_queue);
    tcase_add_test(tc, test_failed_sync_stops_the_broker_before_any_accepted_leaves);
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
