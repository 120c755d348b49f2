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

/* The byte-at-a-time escaper the word-at-a-time one must agree with. */
static void ref_escape(ds_buf_t *b, const uint8_t *p, size_t n)
{
    ds_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        char esc[8];
        if (c >= 0x80) {
            size_t len = ds_utf8_seqlen(p + i, n - i);
            ds_buf_append(b, len ? (const char *)p + i : "\xEF\xBF\xBD", len ? len : 3);
            i += len ? len : 1;
            continue;
        }
        if (c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\%c", c);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
        } else {
            esc[0] = (char)c, esc[1] = '\0';
        }
        ds_buf_puts(b, esc);
        i++;
    }
    ds_buf_putc(b, '"');
}

/* Every byte value (and a UTF-8 sequence, a truncated one) at every position of
 * plain runs of 0..24 bytes escapes as the byte-at-a-time definition says. */
START_TEST(test_json_escape_word_path_matches_bytewise_at_every_position)
{
    ds_buf_t got = DS_BUF_INIT, want = DS_BUF_INIT;
    uint8_t in[40];
    for (int c = 0; c < 258; c++) {
        for (size_t n = 1; n <= 24; n++) {
            for (size_t at = 0; at < n; at++) {
                memset(in, 'a' + (int)(n % 26), n);
                size_t len = n;
                if (c < 256) {
                    in[at] = (uint8_t)c;
                } else {
                    const char *seq = c == 256 ? "\xe2\x80\x99" : "\xe2\x80";
                    size_t sl = strlen(seq);
                    memmove(in + at + sl, in + at + 1, n - at - 1);
                    memcpy(in + at, seq, sl);
                    len = n - 1 + sl;
                }
                ds_buf_reset(&got);
                ds_buf_reset(&want);
                ds_json_escape(&got, (const char *)in, len);
                ref_escape(&want, in, len);
                ck_assert_str_eq(ds_buf_str(&got), ds_buf_str(&want));
            }
        }
    }
    ds_buf_free(&got);
    ds_buf_free(&want);
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
    /* integers: the extremes and every power of ten, as printf writes them */
    const int64_t ints[] = {0, 1, -1, 9, 10, -10, 99, 100, INT64_MAX, INT64_MIN, INT64_MIN + 1, 4294967296LL};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0] + 19; i++) {
        int64_t v = i < sizeof ints / sizeof ints[0] ? ints[i] : 1;
        for (size_t p = sizeof ints / sizeof ints[0]; p < i; p++) {
            v *= 10;
        }
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)v);
        ds_buf_reset(&b);
        ds_json_init(&j, &b);
        ds_json_int(&j, v);
        ck_assert_str_eq(ds_buf_str(&b), want);
    }
    ds_buf_free(&b);
}
END_TEST

/* ds_json_key copies plain short keys in one pass; anything else (marks that need
 * escaping, non-ASCII, keys longer than the fast path) must come out exactly as
 * ds_json_escape() writes it. */
START_TEST(test_json_key_fast_path_matches_escaper)
{
    static const char *const KEYS[] = {
        "",
        "a",
        "meta",
        "language_confidence",
        "a\"b",
        "back\\slash",
        "tab\there",
        "new\nline",
        "caf\xc3\xa9",
        "del\x7f",
        "~ !#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}",
        "0123456789012345678901234567890123456789012345",    /* 46 */
        "01234567890123456789012345678901234567890123456",   /* 47 */
        "012345678901234567890123456789012345678901234567",  /* 48 */
        "0123456789012345678901234567890123456789012345678", /* 49 */
        "0123456789012345678901234567890123456789012345678901234567890123456789\"x"};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        for (size_t pre = 0; pre < 70; pre += 23) { /* different buffer fill levels */
            ds_buf_t got = DS_BUF_INIT, want = DS_BUF_INIT;
            for (size_t k = 0; k < pre; k++) {
                ds_buf_putc(&got, 'x');
                ds_buf_putc(&want, 'x');
            }
            ds_json_t j;
            ds_json_init(&j, &got);
            ds_json_obj_open(&j);
            ds_json_key(&j, KEYS[i]);
            ds_json_int(&j, 1);
            ds_json_key(&j, KEYS[i]);
            ds_json_int(&j, 2);
            ds_json_obj_close(&j);
            ds_buf_putc(&want, '{');
            ds_json_escape(&want, KEYS[i], strlen(KEYS[i]));
            ds_buf_puts(&want, ":1,");
            ds_json_escape(&want, KEYS[i], strlen(KEYS[i]));
            ds_buf_puts(&want, ":2}");
            ck_assert_str_eq(ds_buf_str(&got), ds_buf_str(&want));
            ck_assert_uint_eq(got.len, want.len);
            ds_buf_free(&got);
            ds_buf_free(&want);
        }
    }
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

/* The byte-by-byte definition the fast validator must agree with (rc and offset). */
static int ref_validate(const uint8_t *p, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n;) {
        size_t len = ds_utf8_seqlen(p + i, n - i);
        if (len == 0) {
            *bad = i;
            return DS_EUTF8;
        }
        i += len;
    }
    return 0;
}

static void check_same_as_reference(const uint8_t *buf, size_t n)
{
    size_t off = 12345, ref_off = 12345;
    int rc = ds_utf8_validate(buf, n, &off);
    int ref = ref_validate(buf, n, &ref_off);
    ck_assert_int_eq(rc, ref);
    if (ref != 0) {
        ck_assert_uint_eq(off, ref_off);
    }
}

/* Every class of sequence (valid at each length and boundary, lone continuation,
 * overlong, surrogate, above U+10FFFF, bad lead, truncated at the end or before
 * ASCII) after 0..40 ASCII bytes and before 0..19, alone and twice: the word-at-a-time
 * path must give the byte-by-byte answer and offset at every alignment. */
START_TEST(test_utf8_fast_path_matches_bytewise_at_every_alignment)
{
    static const char *const seqs[] = {"\xc2\x80",
                                       "\xdf\xbf",
                                       "\xe0\xa0\x80",
                                       "\xef\xbf\xbf",
                                       "\xf0\x90\x80\x80",
                                       "\xf4\x8f\xbf\xbf",
                                       "\xe2\x80\x99",
                                       "\xc3\xa9\xc3\xa8", /* valid */
                                       "\x80",
                                       "\xbf",
                                       "\xc0\x80",
                                       "\xc1\xbf",
                                       "\xe0\x80\x80",
                                       "\xe0\x9f\xbf",
                                       "\xed\xa0\x80",
                                       "\xed\xbf\xbf",
                                       "\xf0\x80\x80\x80",
                                       "\xf0\x8f\xbf\xbf",
                                       "\xf4\x90\x80\x80",
                                       "\xf5\x80\x80\x80",
                                       "\xf8",
                                       "\xfe",
                                       "\xff",
                                       "\xc3",
                                       "\xe2\x80",
                                       "\xf0\x9f\x98",
                                       "\xc3"
                                       "a",
                                       "\xe2\x80"
                                       "a",
                                       "\xf0\x9f"
                                       "a",
                                       "\xe2"
                                       "a\x80",
                                       "\xc3\xc3\xa9",
                                       "\xc3\xa9\x80",
                                       "\xef\xbf\xbf\xff"};
    uint8_t buf[128];
    for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
        size_t sl = strlen(seqs[s]);
        for (size_t pre = 0; pre <= 40; pre++) {
            for (size_t post = 0; post < 20; post++) {
                for (int twice = 0; twice < 2; twice++) {
                    size_t n = 0;
                    memset(buf, 'a', pre);
                    n += pre;
                    memcpy(buf + n, seqs[s], sl);
                    n += sl;
                    memset(buf + n, 'b', post);
                    n += post;
                    if (twice) {
                        memcpy(buf + n, seqs[s], sl);
                        n += sl;
                    }
                    check_same_as_reference(buf, n);
                }
            }
        }
    }
}
END_TEST

/* Random mixes of ASCII runs, valid and invalid sequences, compared with the
 * byte-by-byte definition. */
START_TEST(test_utf8_fast_path_matches_bytewise_on_random_mixes)
{
    static const char *const parts[] = {"a",
                                        "hello world, ",
                                        "0123456789abcdefXYZ",
                                        "\xe2\x80\x9c",
                                        "\xc3\xa9",
                                        "\xf0\x9f\x98\x80",
                                        "\xd0\xbf\xd1\x80",
                                        "\x80",
                                        "\xc3",
                                        "\xed\xa0\x80",
                                        "\xff",
                                        "\xe0\x80\xaf",
                                        "\t\n"};
    uint8_t buf[512];
    unsigned seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 0;
        int nparts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
        for (int k = 0; k < nparts; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            size_t which = r < 70 ? r % 3 : r < 90 ? 3 + r % 4 : 7 + r % 6;
            if (which == 12) {
                which = 0;
            }
            size_t len = strlen(parts[which]);
            if (n + len > sizeof buf) {
                break;
            }
            memcpy(buf + n, parts[which], len);
            n += len;
        }
        check_same_as_reference(buf, n);
    }
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
    tcase_add_test(tc, test_json_escape_word_path_matches_bytewise_at_every_position);
    tcase_add_test(tc, test_json_key_fast_path_matches_escaper);
    tcase_add_test(tc, test_utf8_validation_reports_first_bad_offset);
    tcase_add_test(tc, test_utf8_fast_path_matches_bytewise_at_every_alignment);
    tcase_add_test(tc, test_utf8_fast_path_matches_bytewise_on_random_mixes);
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
