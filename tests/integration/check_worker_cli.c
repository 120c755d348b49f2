/* check_worker_cli.c: dossier-worker's command line: --help, --version, the settings
 * table against deploy/worker.conf (every key documented, with its default), the
 * precedence of config file < environment < flags, and sysexits codes for start-up
 * errors. */
#include "check_worker_support.h"

#include <sys/wait.h>
#include <sysexits.h>

static char *run(const char *args, int *status)
{
    char *bin = ds_test_bin("dossier-worker");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "env -u DOSSIER_BROKER -u DOSSIER_REDIS -u DOSSIER_CONFIG %s %s 2>&1", bin,
             args);
    free(bin);
    ds_buf_t out = DS_BUF_INIT;
    *status = ds_test_run(cmd, &out, 20000);
    return ds_buf_detach(&out, NULL);
}

START_TEST(test_help_and_version)
{
    int st;
    char *out = run("--help", &st);
    ck_assert_int_eq(st, 0);
    const char *want[] = {"--broker",        "--redis",      "--concurrency",    "--prefix",
                          "--max-jobs",      "--result-ttl", "--results-maxlen", "--max-doc-bytes",
                          "--cpu-budget-ms", "--data",       "--analysis",       "--log-level",
                          "DOSSIER_BROKER",  "DOSSIER_REDIS"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_msg(strstr(out, want[i]) != NULL, "--help does not mention %s", want[i]);
    }
    free(out);
    out = run("--version", &st);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strncmp(out, "dossier-worker ", 15) == 0, "version: %s", out);
    free(out);
}
END_TEST

/* The keys of "key = value" lines of a config text, in order, joined by spaces. */
static void keys_of(const char *text, ds_buf_t *keys)
{
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        const char *eq = memchr(line, '=', n);
        if (line[0] != '#' && eq) {
            size_t k = (size_t)(eq - line);
            while (k > 0 && line[k - 1] == ' ') {
                k--;
            }
            ds_buf_append(keys, line, k);
            ds_buf_putc(keys, ' ');
        }
        line = end ? end + 1 : NULL;
    }
}

START_TEST(test_deploy_worker_conf_documents_every_setting_with_its_default)
{
    int st;
    char *dump = run("--dump-config", &st);
    ck_assert_int_eq(st, 0);
    size_t len = 0;
    char *conf = ds_test_read_file("deploy/worker.conf", &len);
    ck_assert_msg(conf != NULL, "deploy/worker.conf not found (run from the repository root)");
    ds_buf_t a = DS_BUF_INIT, b = DS_BUF_INIT;
    keys_of(dump, &a);
    keys_of(conf, &b);
    ck_assert_str_eq(ds_buf_str(&b), ds_buf_str(&a));
    /* loading the file changes nothing: every value in it is the default */
    char *with = run("--config deploy/worker.conf --dump-config", &st);
    ck_assert_int_eq(st, 0);
    ck_assert_str_eq(with, dump);
    free(with);
    free(dump);
    free(conf);
    ds_buf_free(&a);
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_environment_overrides_file_and_flags_override_environment)
{
    char *dir = ds_test_tmpdir("wcli");
    char path[600];
    snprintf(path, sizeof path, "%s/w.conf", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "redis = redis://file:1/0\nbroker = tcp://file:1\nprefix = fromfile\n");
    fclose(f);
    char *bin = ds_test_bin("dossier-worker");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "env DOSSIER_CONFIG=%s DOSSIER_REDIS=redis://env:2/0 DOSSIER_BROKER=tcp://env:2 %s "
             "--broker tcp://flag:3 --dump-config",
             path, bin);
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(ds_test_run(cmd, &out, 10000), 0);
    const char *o = ds_buf_str(&out);
    ck_assert_msg(strstr(o, "\nbroker = tcp://flag:3\n"), "%s", o);
    ck_assert_msg(strstr(o, "\nredis = redis://env:2/0\n"), "%s", o);
    ck_assert_msg(strstr(o, "\nprefix = fromfile\n"), "%s", o);
    ds_buf_free(&out);
    free(bin);
    ds_test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_start_up_errors_exit_with_sysexits_codes_and_one_line)
{
    const struct {
        const char *args;
        int status;
        const char *says;
    } cases[] = {
        {"--no-such-flag", EX_USAGE, "unknown option"},
        {"--concurrency", EX_USAGE, "needs a value"},
        {"--redis http://x", EX_CONFIG, "redis URL"},
        {"--broker 127.0.0.1:5555", EX_CONFIG, "--broker"},
        {"--analysis deep", EX_CONFIG, "--analysis"},
        {"--log-level loud", EX_CONFIG, "--log-level"},
        {"--concurrency -1", EX_CONFIG, "out of range"},
        {"--data /nonexistent/dossier-data", EX_CONFIG, "dossier-worker:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st;
        char *out = run(cases[i].args, &st);
        ck_assert_msg(st == cases[i].status, "%s: exit %d, output %s", cases[i].args, st, out);
        ck_assert_msg(strstr(out, cases[i].says) != NULL, "%s: said %s", cases[i].args, out);
        free(out);
    }
}
END_TEST

START_TEST(test_unreachable_broker_and_redis_do_not_stop_the_worker)
{
    /* nothing listens on either: children keep reconnecting, the supervisor keeps
     * running, and SIGTERM still drains it cleanly */
    char *dir = ds_test_tmpdir("wcli");
    char log[600], sock[600];
    snprintf(log, sizeof log, "%s/worker.log", dir);
    snprintf(sock, sizeof sock, "unix://%s/none.sock", dir);
    tb_t *b = tb_new(); /* a port nobody else uses; we never read it */
    char ep[256];
    snprintf(ep, sizeof ep, "%s", b->endpoint);
    tb_destroy(&b);
    const char *extra[] = {"--concurrency", "2", NULL};
    pid_t pid = tw_start(ep, sock, log, extra);
    struct timespec ts = {2, 0};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(ds_test_wait(pid, 0), -1); /* still running */
    pid_t kids[8];
    ck_assert_int_eq(tw_children(pid, kids, 8), 2);
    int status = ds_test_stop(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    ds_test_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_deploy_worker_conf_documents_every_setting_with_its_default);
    tcase_add_test(tc, test_environment_overrides_file_and_flags_override_environment);
    tcase_add_test(tc, test_start_up_errors_exit_with_sysexits_codes_and_one_line);
    tcase_add_test(tc, test_unreachable_broker_and_redis_do_not_stop_the_worker);
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
