/* check_client_e2e.c: the producer and consumer tools against the whole real stack: a
 * real redis-server, dossier-broker on tcp://127.0.0.1:* (a real LMDB journal) and
 * dossier-worker, all started per test.  Covers `dossier submit` of every input kind
 * with --wait, re-submission (duplicates), a broker killed and restarted in the middle
 * of a submit (nothing lost, nothing duplicated), Ctrl-C with documents unconfirmed,
 * status/stats/dlq against the real broker, the C example and the Python producer and
 * consumer.
 */
#include "../support/ds_test.h"
#include "ds_buf.h"

#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct {
    ds_test_redis_t *redis;
    char *dir;
    char journal[512];
    char endpoint[256];
    pid_t broker;
    pid_t worker;
} st;

static bool endpoint_written(void *arg)
{
    (void)arg;
    char path[600];
    snprintf(path, sizeof path, "%s/broker.endpoint", st.dir);
    char *ep = ds_test_read_file(path, NULL);
    bool ok = ep && strlen(ep) > 6;
    if (ok) {
        snprintf(st.endpoint, sizeof st.endpoint, "%.*s", (int)strcspn(ep, "\r\n"), ep);
    }
    free(ep);
    return ok;
}

/* Starts the broker on bind ("tcp://127.0.0.1:*" first, its own endpoint after a kill). */
static void start_broker(const char *bind)
{
    char epfile[600], log[600];
    snprintf(epfile, sizeof epfile, "%s/broker.endpoint", st.dir);
    snprintf(log, sizeof log, "%s/broker.log", st.dir);
    unlink(epfile);
    char *bin = ds_test_bin("dossier-broker");
    char *argv[] = {bin, "--bind", (char *)bind, "--journal", st.journal, "--endpoint-file", epfile, NULL};
    st.broker = ds_test_spawn(argv, log);
    free(bin);
    if (!ds_test_eventually(endpoint_written, NULL, 10000)) {
        /* a failed fixture skips teardown: stop what runs, so nothing outlives the test */
        char *log_text = ds_test_read_file(log, NULL);
        ds_test_stop(st.broker, SIGKILL, 5000);
        ds_test_stop(st.worker, SIGKILL, 5000);
        ds_test_redis_stop(&st.redis);
        ck_abort_msg("broker wrote no endpoint file; its log: %.300s", log_text ? log_text : "");
    }
}

static void setup(void)
{
    st.redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(st.redis);
    st.dir = ds_test_tmpdir("client-e2e");
    snprintf(st.journal, sizeof st.journal, "%s/journal", st.dir);
    mkdir(st.journal, 0755);
    start_broker("tcp://127.0.0.1:*");
    char log[600];
    snprintf(log, sizeof log, "%s/worker.log", st.dir);
    char *bin = ds_test_bin("dossier-worker");
    char *argv[] = {bin, "--broker",       st.endpoint, "--redis", st.redis->url, "--concurrency",
                    "2", "--heartbeat-ms", "500",       NULL};
    st.worker = ds_test_spawn(argv, log);
    free(bin);
}

static void teardown(void)
{
    ds_test_stop(st.worker, SIGTERM, 5000);
    ds_test_stop(st.broker, SIGTERM, 5000);
    ds_test_redis_stop(&st.redis);
    ds_test_rmtree(st.dir);
    free(st.dir);
}

static int dossier(ds_buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int dossier(ds_buf_t *out, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *bin = ds_test_bin("dossier");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && DOSSIER_BROKER='%s' DOSSIER_REDIS='%s' %s %s", st.dir, st.endpoint,
             st.redis->url, bin, args);
    free(bin);
    ds_buf_reset(out);
    return ds_test_run(cmd, out, 90000);
}

static void write_file(const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", st.dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0755);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static int redis_int(const char *args)
{
    char *s = ds_test_redis_cli(st.redis, args);
    int v = atoi(s);
    free(s);
    return v;
}

/* n articles in DIR, each distinct. */
static void make_corpus(const char *dir, int n)
{
    for (int i = 0; i < n; i++) {
        char rel[256], text[512];
        snprintf(rel, sizeof rel, "%s/a%04d.txt", dir, i);
        snprintf(text, sizeof text,
                 "Article %d\n\nDelegates from Iran and the United States met for round %d "
                 "of talks in Baghdad on Monday.\n",
                 i, i);
        write_file(rel, text);
    }
}

START_TEST(test_submit_every_input_kind_and_wait)
{
    write_file("in/a.txt", "Plain text article\n\nThe minister spoke in Tehran on Monday.\n");
    write_file("in/b.html",
               "<html><body><h1>An HTML article</h1><p>Talks resumed in Geneva.</p></body></html>");
    write_file("in/c.json",
               "{\"id\":\"json-1\",\"text\":\"A JSON article about talks.\",\"title\":\"Given title\","
               "\"meta\":{\"feed\":\"test\",\"rank\":3}}");
    write_file("in/sub/d.jsonl", "{\"id\":\"line-1\",\"text\":\"First line article.\"}\n\n"
                                 "{\"id\":\"line-2\",\"text\":\"Second line article.\",\"lang\":\"en\"}\n");
    write_file("in/.hidden.txt", "never read");
    write_file("in/notes.csv", "never read");
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, "submit in --wait --wait-timeout 60000 2>&1"), 0);
    const char *s = ds_buf_str(&out);
    ck_assert_int_eq(count(s, "\"status\":\"accepted\""), 5);
    ck_assert_int_eq(count(s, "\"status\":\"done\""), 5);
    ck_assert_ptr_nonnull(strstr(s, "\"origin\":\"in/sub/d.jsonl:3\",\"id\":\"line-2\""));
    ck_assert_ptr_null(strstr(s, "hidden"));
    ck_assert_int_eq(dossier(&out, "get json-1 --field meta.title"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "Given title\n");
    ck_assert_int_eq(dossier(&out, "status line-2"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "done"));
    /* the same folder again: every document is a duplicate, nothing new in Redis */
    ck_assert_int_eq(dossier(&out, "submit in"), 0);
    ck_assert_int_eq(count(ds_buf_str(&out), "\"status\":\"duplicate\""), 5);
    ck_assert_int_eq(redis_int("XLEN dossier:results"), 5);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_submit_reports_rejections_and_exits_65)
{
    write_file("bad/empty.txt", "   \n");
    write_file("bad/ok.txt", "A fine article.\n");
    write_file("bad/x.jsonl", "{\"text\": 42}\nnot json\n");
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, "submit bad 2>/dev/null"), 65);
    const char *s = ds_buf_str(&out);
    ck_assert_int_eq(count(s, "\"status\":\"rejected\""), 3);
    ck_assert_int_eq(count(s, "\"status\":\"accepted\""), 1);
    ck_assert_ptr_nonnull(strstr(s, "field 'text' is empty"));
    ck_assert_ptr_nonnull(strstr(s, "invalid JSON"));
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_stdin_status_stats_and_dlq_against_the_broker)
{
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, "submit - < /dev/null 2>&1"), 65);
    ck_assert_int_eq(
        dossier(&out,
                "submit --stdin-format jsonl - <<'EOF'\n{\"id\":\"s-1\",\"text\":\"From stdin.\"}\nEOF"),
        0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"id\":\"s-1\",\"status\":\"accepted\""));
    ck_assert_int_eq(dossier(&out, "stats --json"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"accepted\":"));
    ck_assert_int_eq(dossier(&out, "stats"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "accepted "));
    ck_assert_int_eq(dossier(&out, "status never-submitted"), 66);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "unknown"));
    ck_assert_int_eq(dossier(&out, "dlq list --json"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "{"));
    ck_assert_int_eq(dossier(&out, "dlq frobnicate 2>/dev/null"), 64);
    ds_buf_free(&out);
}
END_TEST

static bool lines_at_least(void *arg)
{
    const int *want = arg;
    char path[600];
    snprintf(path, sizeof path, "%s/submit.out", st.dir);
    char *s = ds_test_read_file(path, NULL);
    int n = s ? count(s, "\n") : 0;
    free(s);
    return n >= *want;
}

static bool all_done(void *arg)
{
    return redis_int("XLEN dossier:results") >= *(int *)arg;
}

START_TEST(test_broker_restart_in_the_middle_of_submit_loses_and_duplicates_nothing)
{
    enum { N = 300 };
    make_corpus("corpus", N);
    char outpath[600], errpath[600];
    snprintf(outpath, sizeof outpath, "%s/submit.out", st.dir);
    snprintf(errpath, sizeof errpath, "%s/submit.err", st.dir);
    char cmd[2048];
    char *bin = ds_test_bin("dossier");
    snprintf(cmd, sizeof cmd,
             "cd '%s' && exec %s submit corpus --window 8 --timeout 400 --broker '%s' >'%s' 2>'%s'", st.dir,
             bin, st.endpoint, outpath, errpath);
    free(bin);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    pid_t submit = ds_test_spawn(argv, NULL);
    int some = 40;
    ck_assert(ds_test_eventually(lines_at_least, &some, 30000));
    char endpoint[256];
    snprintf(endpoint, sizeof endpoint, "%s", st.endpoint);
    ds_test_stop(st.broker, SIGKILL, 5000);
    usleep(300 * 1000);
    start_broker(endpoint); /* same port, same journal */
    int status = ds_test_wait(submit, 60000);
    ck_assert_msg(status != -1, "submit did not finish after the broker came back");
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    char *out = ds_test_read_file(outpath, NULL);
    ck_assert_int_eq(count(out, "\n"), N);
    ck_assert_int_eq(count(out, "\"status\":\"accepted\"") + count(out, "\"status\":\"duplicate\""), N);
    for (int i = 0; i < N; i += 37) {
        char origin[64];
        snprintf(origin, sizeof origin, "\"origin\":\"corpus/a%04d.txt\"", i);
        ck_assert_int_eq(count(out, origin), 1);
    }
    free(out);
    int n = N;
    ck_assert_msg(ds_test_eventually(all_done, &n, 60000), "not every document reached Redis");
    ck_assert_int_eq(redis_int("EVAL \"return #redis.call('keys', 'dossier:doc:*')\" 0"), N);
    ds_test_wait(submit, 0);
}
END_TEST

START_TEST(test_ctrl_c_lists_unconfirmed_documents)
{
    make_corpus("many", 2000);
    char outpath[600], errpath[600], cmd[2048];
    snprintf(outpath, sizeof outpath, "%s/submit.out", st.dir);
    snprintf(errpath, sizeof errpath, "%s/submit.err", st.dir);
    char *bin = ds_test_bin("dossier");
    snprintf(cmd, sizeof cmd,
             "cd '%s' && exec %s submit many --window 4 --timeout 60000 --broker '%s' >'%s' 2>'%s'", st.dir,
             bin, st.endpoint, outpath, errpath);
    free(bin);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    pid_t submit = ds_test_spawn(argv, NULL);
    int some = 10;
    ck_assert(ds_test_eventually(lines_at_least, &some, 30000));
    kill(st.broker, SIGSTOP); /* answers nothing more: what is in flight stays unconfirmed */
    kill(submit, SIGINT);
    int status = ds_test_wait(submit, 20000);
    kill(st.broker, SIGCONT);
    ck_assert_int_ne(status, -1);
    ck_assert_int_eq(WEXITSTATUS(status), 130);
    char *err = ds_test_read_file(errpath, NULL);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "interrupted:"));
    ck_assert_ptr_nonnull(strstr(err, "not confirmed"));
    ck_assert_ptr_nonnull(strstr(err, "not sent: the documents after many/a"));
    free(err);
    char *out = ds_test_read_file(outpath, NULL);
    ck_assert_int_lt(count(out, "\n"), 2000);
    free(out);
}
END_TEST

START_TEST(test_c_example_producer)
{
    write_file("c/one.txt", "The first article for the C example.\n");
    write_file("c/two.txt", "The second article for the C example.\n");
    char *bin = ds_test_bin("examples/producer");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' c/one.txt c/two.txt", st.dir, bin, st.endpoint);
    free(bin);
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(ds_test_run(cmd, &out, 30000), 0);
    ck_assert_int_eq(count(ds_buf_str(&out), " accepted"), 2);
    ds_buf_free(&out);
}
END_TEST

static char *example(const char *name)
{
    const char *dirs[] = {"examples/python", "../examples/python", "../../examples/python"};
    char path[1024];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        if (access(path, R_OK) == 0) {
            return realpath(path, NULL);
        }
    }
    return NULL;
}

START_TEST(test_python_producer_and_consumer)
{
    char *producer = example("producer.py");
    char *consumer = example("consumer.py");
    ck_assert_ptr_nonnull(producer);
    ck_assert_ptr_nonnull(consumer);
    make_corpus("py", 5);
    write_file("py/x.json", "{\"id\":\"py-json\",\"text\":\"George Bush met Tony Blair in London.\"}");
    char cmd[4096];
    ds_buf_t out = DS_BUF_INIT;
    snprintf(cmd, sizeof cmd, "cd '%s' && /usr/bin/python3 %s --broker '%s' py", st.dir, producer,
             st.endpoint);
    ck_assert_int_eq(ds_test_run(cmd, &out, 30000), 0);
    ck_assert_int_eq(count(ds_buf_str(&out), "  accepted  "), 6);
    ck_assert_int_eq(ds_test_run(cmd, &out, 30000), 0);
    ck_assert_int_eq(count(ds_buf_str(&out), "  duplicate  "), 6);
    ds_buf_reset(&out);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s --redis 'unix://%s' --from-start --count 6", consumer,
             st.redis->sock);
    ck_assert_int_eq(ds_test_run(cmd, &out, 60000), 0);
    ck_assert_int_eq(count(ds_buf_str(&out), "\n"), 6);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "Article 0"));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "people:"));
    free(producer);
    free(consumer);
    ds_buf_free(&out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("client_e2e");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, test_submit_every_input_kind_and_wait);
    tcase_add_test(tc, test_submit_reports_rejections_and_exits_65);
    tcase_add_test(tc, test_stdin_status_stats_and_dlq_against_the_broker);
    tcase_add_test(tc, test_broker_restart_in_the_middle_of_submit_loses_and_duplicates_nothing);
    tcase_add_test(tc, test_ctrl_c_lists_unconfirmed_documents);
    tcase_add_test(tc, test_c_example_producer);
    tcase_add_test(tc, test_python_producer_and_consumer);
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
