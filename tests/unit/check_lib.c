/* check_lib.c: lib/ -- the JSON writer, UTF-8 validation, the settings table. */
#include "ds_buf.h"
#include "ds_config.h"
#include "ds_digest.h"
#include "ds_json.h"
#include "ds_utf8.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_json_escapes_quotes_controls_and_keeps_utf8)
{
    ds_buf_t b = DS_BUF_INIT;
    const char in[] = "a\"b\\c\n\t\x01\x7f \xc3\xa9 plain";
    ds_json_escape(&b, in, sizeof in - 1);
    ck_assert_str_eq(ds_buf_str(&b), "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f \xc3\xa9 plain\"");
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_json_replaces_invalid_utf8_with_replacement_char)
{
    ds_buf_t b = DS_BUF_INIT;
    ds_json_escape(&b, "x\xffy\xc3", 4);
    ck_assert_str_eq(ds_buf_str(&b), "\"x\xef\xbf\xbdy\xef\xbf\xbd\"");
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_json_writer_places_commas_and_numbers)
{
    ds_buf_t b = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &b);
    ds_json_obj_open(&j);
    ds_json_key(&j, "a");
    ds_json_arr_open(&j);
    ds_json_int(&j, -3);
    ds_json_double(&j, 2.50, 3);
    ds_json_double(&j, 1.0 / 0.0, 3);
    ds_json_bool(&j, true);
    ds_json_null(&j);
    ds_json_arr_close(&j);
    ds_json_key(&j, "b");
    ds_json_str(&j, "x");
    ds_json_obj_close(&j);
    ck_assert_str_eq(ds_buf_str(&b), "{\"a\":[-3,2.5,null,true,null],\"b\":\"x\"}");
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_utf8_validation_reports_first_bad_offset)
{
    size_t off = 99;
    ck_assert_int_eq(ds_utf8_validate((const uint8_t *)"ok \xe2\x82\xac", 6, &off), 0);
    ck_assert_int_eq(ds_utf8_validate((const uint8_t *)"abc\xe2\x82", 5, &off), DS_EUTF8);
    ck_assert_uint_eq(off, 3);
    ck_assert_int_eq(ds_utf8_validate((const uint8_t *)"\xf4\x90\x80\x80", 4, &off), DS_EUTF8);
    ck_assert_int_eq(ds_utf8_validate((const uint8_t *)"\xf0\x9f\x98\x80", 4, &off), 0);
}
END_TEST

START_TEST(test_sha256_matches_known_vector)
{
    char hex[65];
    ds_sha256_hex((const uint8_t *)"abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

static char *s_bind;
static int64_t s_max;
static bool s_flag;
static const ds_setting_t table[] = {
    {"bind", DS_SET_STR, &s_bind, "tcp://127.0.0.1:5555", "DS_TEST_BIND", "endpoint"},
    {"max-queue", DS_SET_INT, &s_max, "100", NULL, "queue limit"},
    {"verbose", DS_SET_BOOL, &s_flag, "false", NULL, "more logs"},
};
static const ds_settings_t settings = {"t", "1", NULL, NULL, table, 3};

START_TEST(test_settings_precedence_defaults_file_env_flags)
{
    char path[] = "/tmp/dossier-cfg-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char cfg[] = "# comment\nbind = ipc:///x\nmax-queue = 2K\n";
    ck_assert_int_eq((int)write(fd, cfg, sizeof cfg - 1), (int)(sizeof cfg - 1));
    close(fd);
    setenv("DS_TEST_BIND", "tcp://env:1", 1);
    char cfgflag[64];
    snprintf(cfgflag, sizeof cfgflag, "--config=%s", path);
    char *argv[] = {"t", cfgflag, "--verbose", "file.txt", NULL};
    char *pos[4];
    int npos = 0;
    char err[256];
    ck_assert_int_eq(ds_settings_load(&settings, 4, argv, pos, &npos, err, sizeof err), 0);
    ck_assert_str_eq(s_bind, "tcp://env:1"); /* env beats the file */
    ck_assert_int_eq(s_max, 2048);           /* the file beats the default */
    ck_assert(s_flag);
    ck_assert_int_eq(npos, 1);
    ck_assert_str_eq(pos[0], "file.txt");
    char *argv2[] = {"t", "--bind", "tcp://flag:2", NULL};
    ck_assert_int_eq(ds_settings_load(&settings, 3, argv2, NULL, NULL, err, sizeof err), 0);
    ck_assert_str_eq(s_bind, "tcp://flag:2"); /* flags beat the environment */
    unsetenv("DS_TEST_BIND");
    unlink(path);
    ds_settings_free(&settings);
}
END_TEST

START_TEST(test_settings_reject_unknown_keys_and_bad_values)
{
    char err[256];
    char *argv[] = {"t", "--nope", NULL};
    ck_assert_int_eq(ds_settings_load(&settings, 2, argv, NULL, NULL, err, sizeof err), DS_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err, "--nope"));
    char *argv2[] = {"t", "--max-queue", "lots", NULL};
    ck_assert_int_eq(ds_settings_load(&settings, 3, argv2, NULL, NULL, err, sizeof err), DS_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err, "max-queue"));
    char *argv3[] = {"t", "stray", NULL};
    ck_assert_int_eq(ds_settings_load(&settings, 2, argv3, NULL, NULL, err, sizeof err), DS_ECONFIG);
    ds_settings_free(&settings);
}
END_TEST

static Suite *lib_suite(void)
{
    Suite *s = suite_create("lib");
    TCase *tc = tcase_create("lib");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_json_escapes_quotes_controls_and_keeps_utf8);
    tcase_add_test(tc, test_json_replaces_invalid_utf8_with_replacement_char);
    tcase_add_test(tc, test_json_writer_places_commas_and_numbers);
    tcase_add_test(tc, test_utf8_validation_reports_first_bad_offset);
    tcase_add_test(tc, test_sha256_matches_known_vector);
    tcase_add_test(tc, test_settings_precedence_defaults_file_env_flags);
    tcase_add_test(tc, test_settings_reject_unknown_keys_and_bad_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lib_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
