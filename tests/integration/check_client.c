/* check_client.c: the `dossier` binary against a real redis-server (one per TCase, on a
 * unix socket): get, search, watch, analyze --local, and the actionable errors for an
 * unreachable broker or Redis.  Redis content is written with redis-cli in the layout
 * SPEC.md section 8 fixes, so these tests do not depend on a worker; the whole stack
 * is tested in check_client_e2e.c.
 */
#include "ds_buf.h"
#include "../support/ds_test.h"

#include <check.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static ds_test_redis_t *redis;
static char *tmp;

static void redis_up(void)
{
    redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(redis);
    tmp = ds_test_tmpdir("client");
}

static void redis_down(void)
{
    ds_test_redis_stop(&redis);
    ds_test_rmtree(tmp);
    free(tmp);
}

/* Runs `dossier ARGS --redis URL` (stderr into stdout when both), returns the exit code. */
static int dossier(ds_buf_t *out, bool with_stderr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int dossier(ds_buf_t *out, bool with_stderr, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *bin = ds_test_bin("dossier");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "DOSSIER_REDIS='%s' %s %s %s", redis ? redis->url : "", bin, args,
             with_stderr ? "2>&1" : "2>/dev/null");
    free(bin);
    ds_buf_reset(out);
    return ds_test_run(cmd, out, 30000);
}

static void cli(const char *args)
{
    free(ds_test_redis_cli(redis, args));
}

static void flush(void)
{
    cli("FLUSHALL");
}

static const char *RESULT_IRAN =
    "{\"id\":\"doc-1\",\"meta\":{\"title\":\"Talks in Baghdad\",\"published\":\"2007-05-28\"},"
    "\"entities\":[{\"name\":\"Iran\",\"type\":\"LOCATION\",\"salience\":0.9},"
    "{\"name\":\"Ryan Crocker\",\"type\":\"PERSON\",\"salience\":0.5}],"
    "\"countries\":[{\"code\":\"IR\"},{\"code\":\"US\"}],\"tone\":{\"score\":-1.25}}";

/* Two documents: doc-1 (Iran, NUCLEAR, 2007-05-28) and doc-2 (Iran, ECONOMY, 2008-01-10). */
static void seed(void)
{
    flush();
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "HSET dossier:doc:doc-1 id doc-1 status done title 'Talks in Baghdad' "
             "published 2007-05-28 result '%s'",
             RESULT_IRAN);
    cli(cmd);
    cli("HSET dossier:doc:doc-2 id doc-2 status done title 'Oil prices' published 2008-01-10 "
        "result '{\"id\":\"doc-2\",\"meta\":{\"title\":\"Oil prices\"},\"entities\":[],\"countries\":[]}'");
    cli("HSET dossier:doc:doc-3 id doc-3 status dead error 'analysis failed' attempts 3");
    cli("ZADD dossier:idx:entity:LOCATION:iran 1180310400000 doc-1 1199923200000 doc-2");
    cli("ZADD dossier:idx:entity:PERSON:ryan_crocker 1180310400000 doc-1");
    cli("ZADD dossier:idx:theme:NUCLEAR 1180310400000 doc-1");
    cli("ZADD dossier:idx:theme:ECONOMY 1199923200000 doc-2");
    cli("ZADD dossier:idx:country:IR 1180310400000 doc-1 1199923200000 doc-2");
}

START_TEST(test_get_prints_stored_result)
{
    seed();
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, false, "get doc-1"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"title\":\"Talks in Baghdad\""));
    ck_assert_int_eq(dossier(&out, false, "get doc-1 --field meta.title,tone.score,entities.*.name,status"),
                     0);
    ck_assert_str_eq(ds_buf_str(&out), "Talks in Baghdad\n-1.25\n[\"Iran\",\"Ryan Crocker\"]\ndone\n");
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_get_missing_and_dead_documents_explain_themselves)
{
    seed();
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, true, "get nope"), 66);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "no document nope"));
    ck_assert_int_eq(dossier(&out, true, "get doc-3"), 65);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "dead: analysis failed"));
    ck_assert_int_eq(dossier(&out, true, "get doc-1 --field meta.nothing"), 65);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_search_intersects_entity_and_theme)
{
    seed();
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, false, "search --entity Iran --theme nuclear"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "2007-05-28  doc-1  Talks in Baghdad\n");
    ck_assert_int_eq(dossier(&out, false, "search --entity iran"), 0);
    ck_assert_str_eq(ds_buf_str(&out),
                     "2008-01-10  doc-2  Oil prices\n2007-05-28  doc-1  Talks in Baghdad\n");
    ck_assert_int_eq(dossier(&out, false, "search --entity 'Ryan  Crocker' --type person --country IR"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "2007-05-28  doc-1  Talks in Baghdad\n");
    /* no temporary keys are left behind */
    char *keys = ds_test_redis_cli(redis, "--scan --pattern 'dossier:tmp:*'");
    ck_assert_str_eq(keys, "");
    free(keys);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_search_dates_limit_and_json)
{
    seed();
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, false, "search --country ir --since 2008-01-01"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "2008-01-10  doc-2  Oil prices\n");
    ck_assert_int_eq(dossier(&out, false, "search --country IR --until 2007-05-28"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "2007-05-28  doc-1  Talks in Baghdad\n");
    ck_assert_int_eq(dossier(&out, false, "search --country IR --limit 1 --json"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"id\":\"doc-2\""));
    ck_assert_ptr_null(strstr(ds_buf_str(&out), "doc-1"));
    ck_assert_int_eq(dossier(&out, false, "search --theme NUCLEAR --theme ECONOMY --entity nobody"), 0);
    ck_assert_str_eq(ds_buf_str(&out), "");
    ck_assert_int_eq(dossier(&out, false, "search"), 64);
    ck_assert_int_eq(dossier(&out, false, "search --country IR --since yesterday"), 64);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_watch_prints_lines_and_acknowledges)
{
    seed();
    cli("XADD dossier:results '*' id doc-1 status done");
    cli("XADD dossier:results '*' id doc-3 status dead");
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, false, "watch --from-start --count 2 --group g1"), 0);
    const char *s = ds_buf_str(&out);
    ck_assert_ptr_nonnull(
        strstr(s, "2007-05-28  Talks in Baghdad  | Iran, Ryan Crocker | IR US | tone -1.2"));
    ck_assert_ptr_nonnull(strstr(s, "dead doc-3: analysis failed"));
    char *pending = ds_test_redis_cli(redis, "XPENDING dossier:results g1");
    ck_assert_int_eq(atoi(pending), 0);
    free(pending);
    /* a second group sees everything again, as JSON */
    ck_assert_int_eq(dossier(&out, false, "watch --from-start --count 1 --group g2 --json"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"status\":\"done\""));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"title\":\"Talks in Baghdad\""));
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_watch_new_group_starts_at_the_end)
{
    seed();
    cli("XADD dossier:results '*' id doc-1 status done");
    ds_buf_t out = DS_BUF_INIT;
    /* --count 1 with nothing new: the watcher blocks until timeout kills it */
    char *bin = ds_test_bin("dossier");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "DOSSIER_REDIS='%s' timeout 2 %s watch --count 1 --group fresh", redis->url,
             bin);
    free(bin);
    ds_test_run(cmd, &out, 10000);
    ck_assert_str_eq(ds_buf_str(&out), "");
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_unreachable_redis_names_address_and_fix)
{
    ds_buf_t out = DS_BUF_INIT;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "get x --redis unix://%s/none.sock", tmp);
    ck_assert_int_eq(dossier(&out, true, "%s", cmd), 69);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "none.sock"));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "--redis"));
    ck_assert_int_eq(dossier(&out, true, "search --country IR --redis http://x"), 64);
    ds_buf_free(&out);
}
END_TEST

/* A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

START_TEST(test_unreachable_broker_names_address_and_fix)
{
    char file[1024];
    snprintf(file, sizeof file, "%s/a.txt", tmp);
    FILE *f = fopen(file, "w");
    fputs("A short article.\n", f);
    fclose(f);
    int port = free_port();
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, true, "submit --broker tcp://127.0.0.1:%d --timeout 300 %s", port, file),
                     69);
    char want[64];
    snprintf(want, sizeof want, "tcp://127.0.0.1:%d", port);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), want));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "--broker"));
    ck_assert_int_eq(dossier(&out, true, "stats --broker tcp://127.0.0.1:%d --timeout 300", port), 69);
    ck_assert_int_eq(dossier(&out, true, "submit --broker nonsense %s", file), 64);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_analyze_local_prints_result_json)
{
    char *sample = ds_test_sample("us-iran-relations-2007.txt");
    ck_assert_ptr_nonnull(sample);
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_int_eq(dossier(&out, false, "analyze --local %s", sample), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"counts\":{"));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"words\":"));
    ck_assert_int_eq(dossier(&out, false, "analyze --local - < %s", sample), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "\"schema_version\""));
    ck_assert_int_eq(dossier(&out, true, "analyze --local %s/missing.txt", tmp), 66);
    ck_assert_int_eq(dossier(&out, true, "analyze --local - < /dev/null"), 65);
    ck_assert_int_eq(dossier(&out, false, "--version"), 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "dossier "));
    ck_assert_int_eq(dossier(&out, false, "nosuchcommand"), 64);
    free(sample);
    ds_buf_free(&out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("redis");
    tcase_add_unchecked_fixture(tc, redis_up, redis_down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_get_prints_stored_result);
    tcase_add_test(tc, test_get_missing_and_dead_documents_explain_themselves);
    tcase_add_test(tc, test_search_intersects_entity_and_theme);
    tcase_add_test(tc, test_search_dates_limit_and_json);
    tcase_add_test(tc, test_watch_prints_lines_and_acknowledges);
    tcase_add_test(tc, test_watch_new_group_starts_at_the_end);
    tcase_add_test(tc, test_unreachable_redis_names_address_and_fix);
    tcase_add_test(tc, test_unreachable_broker_names_address_and_fix);
    tcase_add_test(tc, test_analyze_local_prints_result_json);
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
