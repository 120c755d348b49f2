/* check_engine.c: the engine's public API (engine.h): input checks at the boundary,
 * counts, title, the JSON shape against proto/result.schema.json, and the summary
 * view the worker uses.  Stage-specific behaviour lives in check_engine_*.c.
 */
#include "check_engine_helpers.h"

#include <stdint.h>
#include <time.h>

START_TEST(test_invalid_utf8_is_rejected_with_byte_offset)
{
    engine_t *e = ce_engine();
    const char text[] = "Valid start \xc3\xa9 then bad \xc3\x28 end";
    engine_result_t *r = NULL;
    char err[128] = "";
    int rc = engine_analyze(e, text, sizeof text - 1, NULL, &r, err, sizeof err);
    ck_assert_int_eq(rc, DS_EUTF8);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(err, "invalid UTF-8 at byte 24");
    engine_destroy(&e);
}
END_TEST

START_TEST(test_overlong_and_surrogate_utf8_are_rejected)
{
    engine_t *e = ce_engine();
    engine_result_t *r = NULL;
    char err[128] = "";
    ck_assert_int_eq(engine_analyze(e, "ab\xc0\xaf", 4, NULL, &r, err, sizeof err), DS_EUTF8);
    ck_assert_str_eq(err, "invalid UTF-8 at byte 2");
    ck_assert_int_eq(engine_analyze(e, "\xed\xa0\x80x", 4, NULL, &r, err, sizeof err), DS_EUTF8);
    ck_assert_str_eq(err, "invalid UTF-8 at byte 0");
    engine_destroy(&e);
}
END_TEST

START_TEST(test_empty_and_whitespace_only_text_is_rejected)
{
    engine_t *e = ce_engine();
    engine_result_t *r = NULL;
    char err[128];
    ck_assert_int_eq(engine_analyze(e, "", 0, NULL, &r, err, sizeof err), DS_EEMPTY);
    ck_assert_int_eq(engine_analyze(e, " \n\t\r\n ", 6, NULL, &r, err, sizeof err), DS_EEMPTY);
    /* U+00A0 and U+3000 are white space too */
    const char nbsp[] = "\xc2\xa0\xe3\x80\x80\n";
    ck_assert_int_eq(engine_analyze(e, nbsp, sizeof nbsp - 1, NULL, &r, err, sizeof err), DS_EEMPTY);
    ck_assert_ptr_null(r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_text_over_the_size_limit_is_rejected_not_truncated)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.max_bytes = 100};
    char text[101];
    memset(text, 'a', sizeof text);
    engine_result_t *r = NULL;
    char err[128] = "";
    ck_assert_int_eq(engine_analyze(e, text, 101, &in, &r, err, sizeof err), DS_ETOOBIG);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err, "101"));
    ck_assert_int_eq(engine_analyze(e, text, 100, &in, &r, err, sizeof err), 0);
    engine_result_destroy(&r);
    /* the default limit is 1 MiB */
    size_t big = ((size_t)1 << 20) + 1;
    char *huge = ds_xmalloc(big);
    memset(huge, 'x', big);
    ck_assert_int_eq(engine_analyze(e, huge, big, NULL, &r, err, sizeof err), DS_ETOOBIG);
    free(huge);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_counts_words_sentences_paragraphs_and_chars)
{
    engine_t *e = ce_engine();
    /* 3 paragraphs; 4 sentences; "don't" is one word; "é" and "’" are one char each */
    const char *text = "Talks resume.\n\n"
                       "The envoys don’t agree. Café owners wait!\n\n"
                       "Nobody knows why?\n";
    engine_result_t *r = ce_analyze(e, text);
    engine_summary_t s;
    engine_result_summary(r, &s);
    ck_assert_int_eq(s.words, 2 + 7 + 3);
    char *json = ce_json(r);
    ck_assert_ptr_nonnull(strstr(json, "\"counts\":{\"chars\":76,\"words\":12,\"sentences\":4,"
                                       "\"paragraphs\":3}"));
    free(json);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_first_line_that_reads_as_a_headline_is_the_title)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Envoys Meet in Vienna\n\nThe envoys met on Monday. They "
                                       "talked for hours.\n");
    engine_summary_t s;
    engine_result_summary(r, &s);
    ck_assert_str_eq(s.title, "Envoys Meet in Vienna");
    engine_result_destroy(&r);
    /* a first line that is a sentence is not a title */
    r = ce_analyze(e, "The envoys met on Monday and talked for hours.\n\nThey left.\n");
    engine_result_summary(r, &s);
    ck_assert_str_eq(s.title, "");
    engine_result_destroy(&r);
    /* a one-line document has no headline */
    r = ce_analyze(e, "Envoys Meet in Vienna");
    engine_result_summary(r, &s);
    ck_assert_str_eq(s.title, "");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_given_title_takes_precedence_over_the_headline)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.title = "Given Title"};
    engine_result_t *r = ce_analyze_in(e, "Envoys Meet in Vienna\n\nThe envoys met.\n", &in);
    engine_summary_t s;
    engine_result_summary(r, &s);
    ck_assert_str_eq(s.title, "Given Title");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

/* The digest is the SHA-256 of the bytes; a caller that has it (the worker, from the
 * broker) passes it and the engine uses it; a malformed one is recomputed. */
START_TEST(test_digest_is_computed_or_taken_from_the_caller)
{
    engine_t *e = ce_engine();
    const char *text = "abc";
    const char *sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    engine_result_t *r = ce_analyze(e, text);
    char *json = ce_json(r);
    ck_assert_msg(strstr(json, sha) != NULL, "%s", json);
    free(json);
    engine_result_destroy(&r);
    const char *given = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    engine_input_t in = {.digest = given};
    r = ce_analyze_in(e, text, &in);
    json = ce_json(r);
    ck_assert_msg(strstr(json, given) != NULL, "%s", json);
    free(json);
    engine_result_destroy(&r);
    const char *bad[] = {"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "abc",
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"};
    for (size_t i = 0; i < 3; i++) {
        in.digest = bad[i];
        r = ce_analyze_in(e, text, &in);
        json = ce_json(r);
        ck_assert_msg(strstr(json, sha) != NULL, "%s: %s", bad[i], json);
        free(json);
        engine_result_destroy(&r);
    }
    engine_destroy(&e);
}
END_TEST

START_TEST(test_json_of_a_short_text_validates_against_the_schema)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.id = "doc-1"};
    engine_result_t *r = ce_analyze_in(e, "Envoys Meet in Vienna\n\nThe envoys met on Monday.\n", &in);
    char *json = ce_json(r);
    ds_buf_t msg = DS_BUF_INIT;
    int st = ce_validate(json, NULL, &msg);
    ck_assert_msg(st == 0, "schema validation failed (%d): %s\n%s", st, ds_buf_str(&msg), json);
    ck_assert_ptr_nonnull(strstr(json, "\"id\":\"doc-1\""));
    ds_buf_free(&msg);
    free(json);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_schema_validator_rejects_a_broken_result)
{
    /* the validator itself must be able to fail, or the test above proves nothing */
    ds_buf_t msg = DS_BUF_INIT;
    int st = ce_validate("{\"schema_version\":\"1\",\"counts\":{\"words\":-1}}", NULL, &msg);
    ck_assert_int_ne(st, 0);
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&msg), "required"));
    ds_buf_free(&msg);
}
END_TEST

START_TEST(test_destroy_functions_accept_null_and_set_null)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Hello.");
    engine_result_destroy(&r);
    ck_assert_ptr_null(r);
    engine_result_destroy(&r);
    engine_result_destroy(NULL);
    engine_destroy(&e);
    ck_assert_ptr_null(e);
    engine_destroy(&e);
    engine_destroy(NULL);
}
END_TEST

START_TEST(test_missing_data_directory_fails_with_a_message)
{
    char err[256] = "";
    engine_t *e = engine_new("/nonexistent/dossier-data", err, sizeof err);
    ck_assert_ptr_null(e);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dossier-data"));
}
END_TEST

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An engine over data_dir/engine only (no NER), so timings measure these stages. */
static engine_t *engine_without_ner(char *tmp)
{
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    char *data = engine_default_data_dir();
    ds_buf_t target = DS_BUF_INIT, link = DS_BUF_INIT;
    ds_buf_printf(&target, "%s/engine", data);
    ds_buf_printf(&link, "%s/engine", tmp);
    ck_assert_int_eq(symlink(target.data, link.data), 0);
    char err[256];
    engine_t *e = engine_new(tmp, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    unlink(link.data);
    rmdir(tmp);
    ds_buf_free(&target);
    ds_buf_free(&link);
    free(data);
    return e;
}

/* CPU seconds to analyse about 1 MB made of unit repeated. */
static double analyse_megabyte(engine_t *e, const char *unit)
{
    size_t n = strlen(unit), len = 0, max = 1000000;
    char *text = ds_xmalloc(max + 1);
    while (len + n <= max) {
        memcpy(text + len, unit, n);
        len += n;
    }
    text[len] = '\0';
    double t0 = cpu_seconds();
    engine_result_t *r = NULL;
    char err[128];
    ck_assert_int_eq(engine_analyze(e, text, len, NULL, &r, err, sizeof err), 0);
    double spent = cpu_seconds() - t0;
    engine_result_destroy(&r);
    free(text);
    return spent;
}

START_TEST(test_a_megabyte_of_unmatched_marks_costs_no_more_than_news_text)
{
    /* an opener that never closes must not rescan its whole search window for
     * every repetition (that cost 7x ordinary text before) */
    char tmp[] = "/tmp/ce-data-XXXXXX";
    engine_t *e = engine_without_ner(tmp);
    char *sample = ce_sample("us-iran-relations-2007.txt");
    ck_assert_ptr_nonnull(sample);
    double news = analyse_megabyte(e, sample);
    static const char *const unit[] = {"\xe2\x80\x9c", "(", "\" x ", "\xc2\xab "};
    for (size_t u = 0; u < sizeof unit / sizeof unit[0]; u++) {
        double spent = analyse_megabyte(e, unit[u]);
        ck_assert_msg(spent < 3 * news + 0.05, "unit %zu: %.3f s, news text %.3f s", u, spent, news);
    }
    free(sample);
    engine_destroy(&e);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *in = tcase_create("input");
    tcase_set_timeout(in, 20);
    tcase_add_test(in, test_invalid_utf8_is_rejected_with_byte_offset);
    tcase_add_test(in, test_digest_is_computed_or_taken_from_the_caller);
    tcase_add_test(in, test_overlong_and_surrogate_utf8_are_rejected);
    tcase_add_test(in, test_empty_and_whitespace_only_text_is_rejected);
    tcase_add_test(in, test_text_over_the_size_limit_is_rejected_not_truncated);
    tcase_add_test(in, test_destroy_functions_accept_null_and_set_null);
    tcase_add_test(in, test_missing_data_directory_fails_with_a_message);
    suite_add_tcase(s, in);
    TCase *big = tcase_create("big");
    tcase_set_timeout(big, 60);
    tcase_add_test(big, test_a_megabyte_of_unmatched_marks_costs_no_more_than_news_text);
    suite_add_tcase(s, big);
    TCase *basic = tcase_create("basics");
    tcase_set_timeout(basic, 20);
    tcase_add_test(basic, test_counts_words_sentences_paragraphs_and_chars);
    tcase_add_test(basic, test_first_line_that_reads_as_a_headline_is_the_title);
    tcase_add_test(basic, test_given_title_takes_precedence_over_the_headline);
    suite_add_tcase(s, basic);
    TCase *schema = tcase_create("schema");
    tcase_set_timeout(schema, 30);
    tcase_add_test(schema, test_json_of_a_short_text_validates_against_the_schema);
    tcase_add_test(schema, test_schema_validator_rejects_a_broken_result);
    suite_add_tcase(s, schema);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
