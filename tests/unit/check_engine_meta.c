/* check_engine_meta.c: metadata: bylines, datelines, publication dates in the
 * formats news uses (English, French, German, Spanish, ISO 8601, RFC 2822), and
 * language identification with its confidence.
 */
#include "check_engine_helpers.h"

#include "engine_internal.h"

static const char BODY[] = "The ministers met for six hours and agreed to meet again soon, "
                           "officials said after the session ended in the evening.\n";

/* r for "<head>\n\n" BODY. */
static engine_result_t *with_head(engine_t *e, const char *head)
{
    ds_buf_t b = DS_BUF_INIT;
    ds_buf_printf(&b, "%s\n\n%s", head, BODY);
    engine_result_t *r = ce_analyze(e, b.data);
    ds_buf_free(&b);
    return r;
}

static bool has_warning(const engine_result_t *r, const char *w)
{
    for (size_t i = 0; i < r->n_warnings; i++) {
        if (strcmp(r->warnings[i], w) == 0) {
            return true;
        }
    }
    return false;
}

START_TEST(test_by_line_gives_authors_split_on_and_and_commas)
{
    engine_t *e = ce_engine();
    engine_result_t *r = with_head(e, "Talks Resume\n\nBy Jane Doe and John van der Berg");
    ck_assert_uint_eq(r->n_authors, 2);
    ck_assert_str_eq(r->authors[0], "Jane Doe");
    ck_assert_str_eq(r->authors[1], "John van der Berg");
    engine_result_destroy(&r);
    r = with_head(e, "BY JANE DOE, Examiner");
    ck_assert_uint_eq(r->n_authors, 1);
    ck_assert_str_eq(r->authors[0], "JANE DOE");
    engine_result_destroy(&r);
    r = with_head(e, "Anna Keller reports from Vienna");
    ck_assert_uint_eq(r->n_authors, 1);
    ck_assert_str_eq(r->authors[0], "Anna Keller");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_written_by_at_the_end_gives_the_author)
{
    engine_t *e = ce_engine();
    ds_buf_t b = DS_BUF_INIT;
    ds_buf_printf(&b, "%s\nWritten by Omar Haddad\n", BODY);
    engine_result_t *r = ce_analyze(e, b.data);
    ck_assert_uint_eq(r->n_authors, 1);
    ck_assert_str_eq(r->authors[0], "Omar Haddad");
    ck_assert(!has_warning(r, "empty_byline"));
    engine_result_destroy(&r);
    ds_buf_free(&b);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_bare_written_by_gives_no_author_and_a_warning)
{
    engine_t *e = ce_engine();
    ds_buf_t b = DS_BUF_INIT;
    ds_buf_printf(&b, "%s\nWritten by\n", BODY);
    engine_result_t *r = ce_analyze(e, b.data);
    ck_assert_uint_eq(r->n_authors, 0);
    ck_assert(has_warning(r, "empty_byline"));
    char *json = ce_json(r);
    ck_assert_ptr_nonnull(strstr(json, "\"authors\":[]"));
    ck_assert_ptr_null(strstr(json, "\"Written\""));
    free(json);
    engine_result_destroy(&r);
    ds_buf_free(&b);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_a_sentence_starting_with_by_is_not_a_byline)
{
    engine_t *e = ce_engine();
    engine_result_t *r = with_head(e, "By Friday, the talks had collapsed.");
    ck_assert_uint_eq(r->n_authors, 0);
    ck_assert(!has_warning(r, "empty_byline"));
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_dateline_gives_place_and_publication_date)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "VIENNA, Feb. 22, 2008 — The agency said on Friday that "
                                       "inspectors would return.\n");
    ck_assert_str_eq(r->dateline, "Vienna");
    ck_assert_str_eq(r->published, "2008-02-22");
    ck_assert_str_eq(r->published_raw, "Feb. 22, 2008");
    engine_summary_t s;
    engine_result_summary(r, &s);
    ck_assert_int_eq(s.published_ms, INT64_C(1203638400000));
    engine_result_destroy(&r);
    r = ce_analyze(e, "GENEVA (Examiner) - Negotiators resumed work on the draft text today.\n");
    ck_assert_str_eq(r->dateline, "Geneva");
    ck_assert_ptr_null(r->published);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_publication_dates_in_four_languages_and_iso)
{
    static const struct {
        const char *head, *iso;
    } cases[] = {
        {"May 01, 2007", "2007-05-01"},
        {"22 February 2008", "2008-02-22"},
        {"2008-02-22", "2008-02-22"},
        {"Sept. 3, 2019", "2019-09-03"},
        {"22 février 2008", "2008-02-22"},
        {"1er mai 2007", "2007-05-01"},
        {"22. Februar 2008", "2008-02-22"},
        {"3. März 2010", "2010-03-03"},
        {"22 de febrero de 2008", "2008-02-22"},
        {"Monday, December 31, 2012", "2012-12-31"},
    };
    engine_t *e = ce_engine();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        engine_result_t *r = with_head(e, cases[i].head);
        ck_assert_msg(r->published != NULL, "no date from \"%s\"", cases[i].head);
        ck_assert_str_eq(r->published, cases[i].iso);
        engine_result_destroy(&r);
    }
    engine_destroy(&e);
}
END_TEST

START_TEST(test_impossible_dates_are_not_publication_dates)
{
    engine_t *e = ce_engine();
    engine_result_t *r = with_head(e, "February 30, 2008");
    ck_assert_ptr_null(r->published);
    engine_result_destroy(&r);
    r = with_head(e, "2007-13-01");
    ck_assert_ptr_null(r->published);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_given_published_wins_and_datetimes_become_utc)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.published = "2008-02-22T10:30:00+01:00"};
    engine_result_t *r = ce_analyze_in(e, "May 01, 2007\n\nText of the article follows here.", &in);
    ck_assert_str_eq(r->published, "2008-02-22T09:30:00Z");
    ck_assert_str_eq(r->published_raw, "2008-02-22T10:30:00+01:00");
    ck_assert_int_eq(r->published_ms, INT64_C(1203672600000));
    engine_result_destroy(&r);
    in.published = "Fri, 22 Feb 2008 23:30:00 -0200";
    r = ce_analyze_in(e, "Text of the article.", &in);
    ck_assert_str_eq(r->published, "2008-02-23T01:30:00Z");
    engine_result_destroy(&r);
    in.published = "sometime last spring";
    r = ce_analyze_in(e, "Text of the article.", &in);
    ck_assert_ptr_null(r->published);
    ck_assert(has_warning(r, "published_unparsed"));
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_language_is_identified_with_confidence)
{
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"The foreign ministers met in Paris on Friday to discuss the crisis and agreed that "
         "talks should continue next week, according to a statement.",
         "en"},
        {"Les ministres des Affaires étrangères se sont réunis à Paris vendredi pour discuter "
         "de la crise et ont convenu que les négociations devaient continuer.",
         "fr"},
        {"Die Außenminister trafen sich am Freitag in Berlin, um über die Krise zu sprechen, "
         "und vereinbarten, die Verhandlungen in der nächsten Woche fortzusetzen.",
         "de"},
        {"Los ministros de Asuntos Exteriores se reunieron el viernes en Madrid para discutir "
         "la crisis y acordaron continuar las negociaciones la próxima semana.",
         "es"},
    };
    engine_t *e = ce_engine();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        engine_result_t *r = ce_analyze(e, cases[i].text);
        ck_assert_str_eq(r->lang, cases[i].lang);
        ck_assert_double_gt(r->lang_confidence, 0.3);
        ck_assert_double_le(r->lang_confidence, 1.0);
        ck_assert(r->english == (i == 0));
        ck_assert(has_warning(r, "english_stages_skipped") == (i != 0));
        engine_result_destroy(&r);
    }
    engine_destroy(&e);
}
END_TEST

START_TEST(test_very_short_text_has_unknown_language)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Talks resume.");
    ck_assert_str_eq(r->lang, "unknown");
    ck_assert_double_eq(r->lang_confidence, 0);
    ck_assert(has_warning(r, "language_unknown"));
    engine_result_destroy(&r);
    /* a given language wins with confidence 1 */
    engine_input_t in = {.lang = "DE"};
    r = ce_analyze_in(e, "Talks resume.", &in);
    ck_assert_str_eq(r->lang, "de");
    ck_assert_double_eq(r->lang_confidence, 1.0);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_non_english_text_skips_english_stages_but_keeps_dates_and_counts)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Les ministres se sont réunis le 22 février 2008 à Bruxelles "
                                       "pour discuter de la guerre et des sanctions, selon un "
                                       "communiqué publié par le gouvernement.");
    ck_assert_str_eq(r->lang, "fr");
    ck_assert_uint_eq(r->n_themes, 0);
    ck_assert_uint_eq(r->tone.words, 0);
    ck_assert_uint_eq(r->n_dates, 1);
    ck_assert_str_eq(r->dates[0].value, "2008-02-22");
    ck_assert_int_eq(r->words, 26);
    char *json = ce_json(r);
    ck_assert_ptr_nonnull(strstr(json, "\"flesch\":null"));
    free(json);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_scripts_without_stopword_lists_are_identified_by_textcat)
{
    engine_t *e = ce_engine();
    /* Chinese has no stopword list here, so libexttextcat's n-gram models decide */
    engine_result_t *r =
        ce_analyze(e, "外交部长们于周五在北京会面，讨论了地区危机问题。他们同意下周继续谈判，"
                      "并表示希望尽快达成协议。这次会议是在紧张局势下举行的。");
    ck_assert_str_eq(r->lang, "zh");
    ck_assert_double_gt(r->lang_confidence, 0);
    ck_assert(has_warning(r, "english_stages_skipped"));
    ck_assert_int_gt(r->words, 40); /* each ideograph counts as a word */
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

static Suite *engine_meta_suite(void)
{
    Suite *s = suite_create("engine_meta");
    TCase *by = tcase_create("byline");
    tcase_set_timeout(by, 20);
    tcase_add_test(by, test_by_line_gives_authors_split_on_and_and_commas);
    tcase_add_test(by, test_written_by_at_the_end_gives_the_author);
    tcase_add_test(by, test_bare_written_by_gives_no_author_and_a_warning);
    tcase_add_test(by, test_a_sentence_starting_with_by_is_not_a_byline);
    suite_add_tcase(s, by);
    TCase *dt = tcase_create("dates");
    tcase_set_timeout(dt, 20);
    tcase_add_test(dt, test_dateline_gives_place_and_publication_date);
    tcase_add_test(dt, test_publication_dates_in_four_languages_and_iso);
    tcase_add_test(dt, test_impossible_dates_are_not_publication_dates);
    tcase_add_test(dt, test_given_published_wins_and_datetimes_become_utc);
    suite_add_tcase(s, dt);
    TCase *lang = tcase_create("language");
    tcase_set_timeout(lang, 20);
    tcase_add_test(lang, test_language_is_identified_with_confidence);
    tcase_add_test(lang, test_very_short_text_has_unknown_language);
    tcase_add_test(lang, test_scripts_without_stopword_lists_are_identified_by_textcat);
    tcase_add_test(lang, test_non_english_text_skips_english_stages_but_keeps_dates_and_counts);
    suite_add_tcase(s, lang);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_meta_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
