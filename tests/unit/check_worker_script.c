/* check_worker_script.c: the pure parts of the worker's Redis side: the --redis URL
 * parser and the store script's argument builders (key names, field list, counts). */
#include "worker_redis.h"
#include "worker_script.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_redis_urls_parse)
{
    worker_redis_addr_t a;
    char err[256];
    ck_assert_int_eq(worker_redis_parse_url("redis://127.0.0.1:6379/0", &a, err, sizeof err), 0);
    ck_assert(!a.is_unix);
    ck_assert_str_eq(a.host, "127.0.0.1");
    ck_assert_int_eq(a.port, 6379);
    ck_assert_int_eq(a.db, 0);
    ck_assert_int_eq(worker_redis_parse_url("redis://cache.example:7000/3", &a, err, sizeof err), 0);
    ck_assert_str_eq(a.host, "cache.example");
    ck_assert_int_eq(a.port, 7000);
    ck_assert_int_eq(a.db, 3);
    ck_assert_int_eq(worker_redis_parse_url("redis://redis-host", &a, err, sizeof err), 0);
    ck_assert_int_eq(a.port, 6379);
    ck_assert_int_eq(worker_redis_parse_url("redis://dossier:s3cret@10.0.0.5:6380/2", &a, err, sizeof err),
                     0);
    ck_assert_str_eq(a.user, "dossier");
    ck_assert_str_eq(a.password, "s3cret");
    ck_assert_str_eq(a.host, "10.0.0.5");
    ck_assert_int_eq(worker_redis_parse_url("redis://:pw@h/1", &a, err, sizeof err), 0);
    ck_assert_str_eq(a.user, "");
    ck_assert_str_eq(a.password, "pw");
    ck_assert_int_eq(worker_redis_parse_url("redis://[::1]:6390", &a, err, sizeof err), 0);
    ck_assert_str_eq(a.host, "::1");
    ck_assert_int_eq(a.port, 6390);
    ck_assert_int_eq(worker_redis_parse_url("unix:///run/redis/redis.sock", &a, err, sizeof err), 0);
    ck_assert(a.is_unix);
    ck_assert_str_eq(a.path, "/run/redis/redis.sock");
    ck_assert_int_eq(worker_redis_parse_url("unix:///tmp/r.sock?db=5", &a, err, sizeof err), 0);
    ck_assert_str_eq(a.path, "/tmp/r.sock");
    ck_assert_int_eq(a.db, 5);
    ck_assert_int_eq(worker_redis_parse_url("unix://worker:pw@/tmp/r.sock", &a, err, sizeof err), 0);
    ck_assert_str_eq(a.user, "worker");
    ck_assert_str_eq(a.password, "pw");
    ck_assert_str_eq(a.path, "/tmp/r.sock");
}
END_TEST

START_TEST(test_bad_redis_urls_are_config_errors_that_hide_passwords)
{
    const char *bad[] = {"",
                         "http://h",
                         "redis://",
                         "redis://h:0",
                         "redis://h:99999",
                         "redis://h:x",
                         "redis://h/db",
                         "unix://",
                         "unix://rel.sock",
                         "unix:///s?db=x",
                         "unix:///s?x=1",
                         "redis://[::1",
                         "127.0.0.1:6379",
                         "tcp://127.0.0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        worker_redis_addr_t a;
        char err[256] = "";
        ck_assert_msg(worker_redis_parse_url(bad[i], &a, err, sizeof err) == DS_ECONFIG, "accepted '%s'",
                      bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for '%s'", bad[i]);
    }
    worker_redis_addr_t a;
    char err[256] = "";
    ck_assert_int_eq(worker_redis_parse_url("redis://u:topsecret@h:notaport", &a, err, sizeof err),
                     DS_ECONFIG);
    ck_assert_ptr_null(strstr(err, "topsecret"));
}
END_TEST

/* Index of the first argument equal to s at or after from, or -1. */
static int find_arg(worker_args_t *a, size_t from, const char *s)
{
    const char **argv = worker_args_argv(a);
    for (size_t i = from; i < a->n; i++) {
        if (a->len[i] == strlen(s) && memcmp(argv[i], s, a->len[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void expect_arg(worker_args_t *a, size_t i, const char *s)
{
    const char **argv = worker_args_argv(a);
    ck_assert_msg(i < a->n, "argument %zu missing", i);
    ck_assert_msg(a->len[i] == strlen(s) && memcmp(argv[i], s, a->len[i]) == 0,
                  "argument %zu is '%.*s', not '%s'", i, (int)a->len[i], argv[i], s);
}

static const engine_entity_key_t ENTS[] = {{"PERSON", "condoleezza_rice"}, {"ORG", "un"}, {"", "skipped"}};
static const char *const CCS[] = {"IR", "US"};
static const char *const THEMES[] = {"DIPLOMACY"};

static engine_summary_t summary(void)
{
    engine_summary_t s = {"Talks Resume",
                          "2007-05-28",
                          1180310400000LL,
                          "en",
                          15,
                          -1.25,
                          0x0123456789abcdefULL,
                          ENTS,
                          3,
                          CCS,
                          2,
                          THEMES,
                          1};
    return s;
}

START_TEST(test_done_arguments_name_every_key_and_field)
{
    worker_args_t a;
    worker_args_init(&a);
    engine_summary_t s = summary();
    worker_store_t st = {"dx", 5000, 3600, true};
    worker_done_t d = {"doc-1", "ab", 2, 1700000000123LL, "{\"x\":1}", 7, &s};
    worker_script_done_args(&a, "0000000000000000000000000000000000000000", &st, &d);
    expect_arg(&a, 0, "EVALSHA");
    expect_arg(&a, 2, "13"); /* doc results dead + exact + 4 bands + 2 entities + 2 countries + 1 theme */
    expect_arg(&a, 3, "dx:doc:doc-1");
    expect_arg(&a, 4, "dx:results");
    expect_arg(&a, 5, "dx:dead");
    expect_arg(&a, 6, "dx:simhash:exact");
    expect_arg(&a, 7, "dx:simhash:0:0123");
    expect_arg(&a, 10, "dx:simhash:3:cdef");
    expect_arg(&a, 11, "dx:idx:entity:PERSON:condoleezza_rice");
    expect_arg(&a, 12, "dx:idx:entity:ORG:un");
    expect_arg(&a, 13, "dx:idx:country:IR");
    expect_arg(&a, 15, "dx:idx:theme:DIPLOMACY");
    expect_arg(&a, 16, "done");
    expect_arg(&a, 17, "doc-1");
    expect_arg(&a, 18, "5000");
    expect_arg(&a, 19, "3600");
    expect_arg(&a, 20, "1180310400000"); /* score: publication time */
    expect_arg(&a, 21, "0123456789abcdef");
    expect_arg(&a, 22, "4");
    expect_arg(&a, 23, "5");
    const char *fields[] = {"id",   "status", "title",    "published",   "lang",   "words",
                            "tone", "digest", "attempts", "analyzed_at", "result", "simhash"};
    size_t at = 24;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++, at += 2) {
        expect_arg(&a, at, fields[i]);
    }
    ck_assert_int_eq((int)a.n, (int)at);
    int i = find_arg(&a, 24, "tone");
    expect_arg(&a, (size_t)i + 1, "-1.25");
    i = find_arg(&a, 24, "analyzed_at");
    expect_arg(&a, (size_t)i + 1, "2023-11-14T22:13:20.123Z");
    i = find_arg(&a, 24, "result");
    expect_arg(&a, (size_t)i + 1, "{\"x\":1}");

    worker_args_set_sha(&a, "1111111111111111111111111111111111111111");
    expect_arg(&a, 1, "1111111111111111111111111111111111111111");
    worker_args_free(&a);
}
END_TEST

START_TEST(test_without_dedup_or_publication_time_there_are_no_bands_and_score_is_now)
{
    worker_args_t a;
    worker_args_init(&a);
    engine_summary_t s = summary();
    s.published_ms = -1;
    s.n_entities = 0;
    s.n_countries = 0;
    s.n_themes = 0;
    worker_store_t st = {"dossier", 0, 0, false};
    worker_done_t d = {"d", "ab", 1, 42, "{}", 2, &s};
    worker_script_done_args(&a, "0000000000000000000000000000000000000000", &st, &d);
    expect_arg(&a, 2, "3");
    expect_arg(&a, 6, "done");
    expect_arg(&a, 10, "42");
    expect_arg(&a, 11, "");
    expect_arg(&a, 12, "0");
    expect_arg(&a, 13, "0");
    ck_assert_int_eq(find_arg(&a, 14, "simhash"), -1);
    worker_args_free(&a);
}
END_TEST

START_TEST(test_index_keys_are_capped)
{
    enum { N = WORKER_MAX_INDEX_KEYS + 50 };
    static engine_entity_key_t many[N];
    for (int i = 0; i < N; i++) {
        many[i].type = "MISC";
        many[i].norm = "x";
    }
    worker_args_t a;
    worker_args_init(&a);
    engine_summary_t s = summary();
    s.entities = many;
    s.n_entities = N;
    s.simhash = 0;
    worker_store_t st = {"dossier", 0, 0, true};
    worker_done_t d = {"d", "ab", 1, 42, "{}", 2, &s};
    worker_script_done_args(&a, "0000000000000000000000000000000000000000", &st, &d);
    char want[16];
    snprintf(want, sizeof want, "%d", 3 + WORKER_MAX_INDEX_KEYS);
    expect_arg(&a, 2, want);
    worker_args_free(&a);
}
END_TEST

START_TEST(test_dead_arguments)
{
    worker_args_t a;
    worker_args_init(&a);
    worker_store_t st = {"dossier", 100, 0, true};
    worker_dead_t d = {"bad-1", "", "analysis timed out", "timeout", 5, 0};
    /* reuse after a larger build must not leak old arguments */
    engine_summary_t s = summary();
    worker_done_t done = {"doc-1", "ab", 2, 1, "{}", 2, &s};
    worker_script_done_args(&a, "0000000000000000000000000000000000000000", &st, &done);
    worker_script_dead_args(&a, "0000000000000000000000000000000000000000", &st, &d);
    const char *want[] = {"EVALSHA",
                          "0000000000000000000000000000000000000000",
                          "3",
                          "dossier:doc:bad-1",
                          "dossier:results",
                          "dossier:dead",
                          "dead",
                          "bad-1",
                          "100",
                          "0",
                          "analysis timed out",
                          "timeout",
                          "5",
                          "1970-01-01T00:00:00.000Z",
                          ""};
    ck_assert_int_eq((int)a.n, (int)(sizeof want / sizeof want[0]));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        expect_arg(&a, i, want[i]);
    }
    worker_args_free(&a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_script");
    TCase *url = tcase_create("url");
    tcase_set_timeout(url, 10);
    tcase_add_test(url, test_redis_urls_parse);
    tcase_add_test(url, test_bad_redis_urls_are_config_errors_that_hide_passwords);
    suite_add_tcase(s, url);
    TCase *args = tcase_create("arguments");
    tcase_set_timeout(args, 10);
    tcase_add_test(args, test_done_arguments_name_every_key_and_field);
    tcase_add_test(args, test_without_dedup_or_publication_time_there_are_no_bands_and_score_is_now);
    tcase_add_test(args, test_index_keys_are_capped);
    tcase_add_test(args, test_dead_arguments);
    suite_add_tcase(s, args);
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
