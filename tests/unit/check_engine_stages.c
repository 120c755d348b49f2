/* check_engine_stages.c: the analysis stages: tone (VADER rules, per sentence),
 * themes, key phrases, summary, time expressions, amounts, quotations and SimHash.
 */
#include "check_engine_helpers.h"

#include "engine_internal.h"

static const engine_theme_t *theme(const engine_result_t *r, const char *code)
{
    for (size_t i = 0; i < r->n_themes; i++) {
        if (strcmp(r->themes[i].code, code) == 0) {
            return &r->themes[i];
        }
    }
    return NULL;
}

static const char *date_value(const engine_result_t *r, const char *text)
{
    for (size_t i = 0; i < r->n_dates; i++) {
        const engine_date_t *d = &r->dates[i];
        if (strlen(text) == d->end - d->start && memcmp(r->text + d->start, text, d->end - d->start) == 0) {
            return d->value;
        }
    }
    return NULL;
}

static const engine_amount_t *amount(const engine_result_t *r, const char *text)
{
    for (size_t i = 0; i < r->n_amounts; i++) {
        const engine_amount_t *a = &r->amounts[i];
        if (strlen(text) == a->end - a->start && memcmp(r->text + a->start, text, a->end - a->start) == 0) {
            return a;
        }
    }
    return NULL;
}

START_TEST(test_tone_is_positive_percent_minus_negative_percent)
{
    engine_t *e = ce_engine();
    /* 10 words; "good" is positive, "terrible" negative, the rest neutral */
    engine_result_t *r = ce_analyze(e, "The good plan met a terrible end in the city.");
    ck_assert_int_eq(r->words, 10);
    ck_assert_double_eq_tol(r->tone.positive, 10.0, 1e-9);
    ck_assert_double_eq_tol(r->tone.negative, 10.0, 1e-9);
    ck_assert_double_eq_tol(r->tone.score, 0.0, 1e-9);
    ck_assert_double_eq_tol(r->tone.polarity, 20.0, 1e-9);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_negation_flips_a_word_and_boosters_strengthen_it)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "The talks were good.\n\nThe talks were not good.\n\n"
                                       "The talks were very good.\n\nThe talks weren't good.");
    ck_assert_uint_eq(r->n_sents, 4);
    float plain = r->sents[0].compound, negated = r->sents[1].compound;
    float boosted = r->sents[2].compound, clitic = r->sents[3].compound;
    ck_assert_float_gt(plain, 0);
    ck_assert_float_lt(negated, 0);
    ck_assert_float_gt(boosted, plain);
    ck_assert_float_lt(clitic, 0);
    ck_assert_float_gt(r->sents[0].tone, 0);
    ck_assert_float_lt(r->sents[1].tone, 0);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_but_shifts_weight_to_the_clause_after_it)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "The food was good but the service was bad.\n\n"
                                       "The service was bad but the food was good.");
    ck_assert_float_lt(r->sents[0].compound, 0);
    ck_assert_float_gt(r->sents[1].compound, 0);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_themes_score_hits_per_thousand_words_with_offsets)
{
    engine_t *e = ce_engine();
    const char *text = "Sanctions were imposed after the nuclear test. The new sanctions target "
                       "uranium enrichment, and an embargo on arms followed. Diplomats said the "
                       "embassy stays open while the talks continue.";
    engine_result_t *r = ce_analyze(e, text);
    const engine_theme_t *s = theme(r, "SANCTIONS");
    ck_assert_ptr_nonnull(s);
    /* "Sanctions", "sanctions", "embargo": 3 hits in 29 words */
    ck_assert_int_eq(r->words, 29);
    ck_assert_uint_eq(s->count, 3);
    ck_assert_double_eq_tol(s->score, 3000.0 / 29.0, 1e-9);
    const uint32_t *h = &r->theme_hits[2 * s->first_hit];
    ck_assert_int_eq(memcmp(text + h[0], "Sanctions", h[1] - h[0]), 0);
    const engine_theme_t *n = theme(r, "NUCLEAR");
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_eq(n->count, 3); /* nuclear, uranium, enrichment */
    ck_assert_ptr_nonnull(theme(r, "DIPLOMACY"));
    ck_assert_ptr_null(theme(r, "HEALTH"));
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_exact_theme_words_do_not_match_by_stem)
{
    engine_t *e = ce_engine();
    /* "aides" stems like "aid" but is not the AID theme; "aid" is */
    engine_result_t *r = ce_analyze(e, "Presidential aides met. Presidential aides left. "
                                       "Presidential aides slept.");
    ck_assert_ptr_null(theme(r, "AID"));
    engine_result_destroy(&r);
    r = ce_analyze(e, "Food aid arrived. More aid is coming.");
    ck_assert_ptr_nonnull(theme(r, "AID"));
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_keywords_merge_variants_by_stem)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "The pipeline project stalled. Pipelines cost money and "
                                       "the pipeline operator blamed regulators. A new pipeline "
                                       "is planned near the border.");
    ck_assert_uint_gt(r->n_keywords, 0);
    ck_assert_str_eq(r->keywords[0].text, "pipeline");
    ck_assert_double_eq(r->keywords[0].score, 1.0);
    for (size_t i = 1; i < r->n_keywords; i++) {
        ck_assert_double_le(r->keywords[i].score, r->keywords[i - 1].score);
        ck_assert_str_ne(r->keywords[i].text, "Pipelines");
    }
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_summary_is_three_sentences_in_document_order)
{
    engine_t *e = ce_engine();
    char *text = ce_sample("us-iran-relations-2007.txt");
    ck_assert_ptr_nonnull(text);
    engine_result_t *r = ce_analyze(e, text);
    ck_assert_uint_eq(r->n_summary, 3);
    ck_assert_uint_lt(r->summary[0], r->summary[1]);
    ck_assert_uint_lt(r->summary[1], r->summary[2]);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_ne((int)r->summary[i], r->title_sent); /* never the headline */
    }
    engine_result_destroy(&r);
    /* a text of two sentences summarises to itself */
    r = ce_analyze(e, "Envoys met in Vienna on Friday for new talks. They agreed to meet again "
                      "in March next year.");
    ck_assert_uint_eq(r->n_summary, 2);
    engine_result_destroy(&r);
    free(text);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_relative_dates_resolve_against_publication)
{
    engine_t *e = ce_engine();
    /* 2007-05-01 was a Tuesday */
    engine_input_t in = {.published = "2007-05-01"};
    engine_result_t *r =
        ce_analyze_in(e,
                      "This weekend the envoys meet. Last week they talked, and late last year they met. "
                      "Yesterday was calm; tomorrow is not. Next month brings a vote, as it did in November "
                      "2004 and since 1999. Three days ago it rained. Earlier this year it snowed. On Friday "
                      "they rest, and by Monday they return. The 1990s were different.",
                      &in);
    ck_assert_str_eq(date_value(r, "This weekend"), "2007-05-05/2007-05-06");
    ck_assert_str_eq(date_value(r, "Last week"), "2007-04-23/2007-04-29");
    ck_assert_str_eq(date_value(r, "late last year"), "2006-09/2006-12");
    ck_assert_str_eq(date_value(r, "Yesterday"), "2007-04-30");
    ck_assert_str_eq(date_value(r, "tomorrow"), "2007-05-02");
    ck_assert_str_eq(date_value(r, "Next month"), "2007-06");
    ck_assert_str_eq(date_value(r, "November 2004"), "2004-11");
    ck_assert_str_eq(date_value(r, "1999"), "1999");
    ck_assert_str_eq(date_value(r, "Three days ago"), "2007-04-28");
    ck_assert_str_eq(date_value(r, "Earlier this year"), "2007-01-01/2007-05-01");
    ck_assert_str_eq(date_value(r, "Friday"), "2007-05-04");
    ck_assert_str_eq(date_value(r, "Monday"), "2007-05-07");
    ck_assert_str_eq(date_value(r, "1990s"), "1990/1999");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_relative_dates_need_a_publication_date)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "This weekend the envoys meet, as they did on 3 March 2001.");
    ck_assert_ptr_null(date_value(r, "This weekend"));
    ck_assert_str_eq(date_value(r, "3 March 2001"), "2001-03-03");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_amounts_of_money_percentages_and_counts)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "The deal is worth $13.7 billion, or 1.64 trillion yen, "
                                       "and EUR 300 million more. Prices rose 4.5% and 12 per "
                                       "cent. About 200 people and 1.5 million refugees fled; "
                                       "three soldiers died. US$5m was paid.");
    const engine_amount_t *a = amount(r, "$13.7 billion");
    ck_assert_ptr_nonnull(a);
    ck_assert_double_eq(a->value, 13.7e9);
    ck_assert_str_eq(a->unit, "USD");
    ck_assert_str_eq(a->kind, "money");
    a = amount(r, "1.64 trillion yen");
    ck_assert_ptr_nonnull(a);
    ck_assert_double_eq(a->value, 1.64e12);
    ck_assert_str_eq(a->unit, "JPY");
    a = amount(r, "EUR 300 million");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->unit, "EUR");
    a = amount(r, "4.5%");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->kind, "percent");
    ck_assert_double_eq(a->value, 4.5);
    ck_assert_ptr_nonnull(amount(r, "12 per cent"));
    a = amount(r, "200 people");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->kind, "count");
    ck_assert_str_eq(a->unit, "people");
    a = amount(r, "1.5 million refugees");
    ck_assert_ptr_nonnull(a);
    ck_assert_double_eq(a->value, 1.5e6);
    a = amount(r, "three soldiers");
    ck_assert_ptr_nonnull(a);
    ck_assert_double_eq(a->value, 3);
    a = amount(r, "US$5m");
    ck_assert_ptr_nonnull(a);
    ck_assert_double_eq(a->value, 5e6);
    ck_assert_str_eq(a->unit, "USD");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_years_and_dates_are_not_counts)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "On 22 February 2008 talks began, and in 2009 they ended.");
    ck_assert_uint_eq(r->n_amounts, 0);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_quotes_carry_their_speaker)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "“We will meet again soon,” said Foreign Minister Anna "
                                       "Berg. Ortiz said: “The offer stands for now.” "
                                       "“Nothing has changed at all,” he said. "
                                       "Critics called it a “so-called plan” without details.");
    ck_assert_uint_eq(r->n_quotes, 3); /* the two-word scare quote is not one */
    ck_assert_str_eq(r->quotes[0].speaker, "Foreign Minister Anna Berg");
    ck_assert_int_eq(memcmp(r->text + r->quotes[0].start, "We will meet again soon",
                            r->quotes[0].end - r->quotes[0].start),
                     0);
    ck_assert_str_eq(r->quotes[1].speaker, "Ortiz");
    ck_assert_ptr_null(r->quotes[2].speaker);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

static int hamming(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

START_TEST(test_simhash_is_close_for_near_duplicates_and_far_otherwise)
{
    engine_t *e = ce_engine();
    char *text = ce_sample("us-iran-relations-2007.txt");
    ck_assert_ptr_nonnull(text);
    engine_result_t *a = ce_analyze(e, text);
    char *p = strstr(text, "most optimistic");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "most hopefully", 14); /* a small edit */
    engine_result_t *b = ce_analyze(e, text);
    engine_result_t *c = ce_analyze(e, "Thousands marched through the capital on Saturday to "
                                       "protest against a rise in fuel prices, and police used "
                                       "tear gas to disperse the crowds near the palace.");
    ck_assert_uint_ne(a->simhash, 0);
    ck_assert_int_le(hamming(a->simhash, b->simhash), 3);
    ck_assert_int_gt(hamming(a->simhash, c->simhash), 10);
    engine_result_destroy(&a);
    engine_result_destroy(&b);
    engine_result_destroy(&c);
    free(text);
    engine_destroy(&e);
}
END_TEST

static Suite *engine_stages_suite(void)
{
    Suite *s = suite_create("engine_stages");
    TCase *tone = tcase_create("tone");
    tcase_set_timeout(tone, 20);
    tcase_add_test(tone, test_tone_is_positive_percent_minus_negative_percent);
    tcase_add_test(tone, test_negation_flips_a_word_and_boosters_strengthen_it);
    tcase_add_test(tone, test_but_shifts_weight_to_the_clause_after_it);
    suite_add_tcase(s, tone);
    TCase *topics = tcase_create("topics");
    tcase_set_timeout(topics, 20);
    tcase_add_test(topics, test_themes_score_hits_per_thousand_words_with_offsets);
    tcase_add_test(topics, test_exact_theme_words_do_not_match_by_stem);
    tcase_add_test(topics, test_keywords_merge_variants_by_stem);
    tcase_add_test(topics, test_summary_is_three_sentences_in_document_order);
    suite_add_tcase(s, topics);
    TCase *ex = tcase_create("extraction");
    tcase_set_timeout(ex, 20);
    tcase_add_test(ex, test_relative_dates_resolve_against_publication);
    tcase_add_test(ex, test_relative_dates_need_a_publication_date);
    tcase_add_test(ex, test_amounts_of_money_percentages_and_counts);
    tcase_add_test(ex, test_years_and_dates_are_not_counts);
    tcase_add_test(ex, test_quotes_carry_their_speaker);
    tcase_add_test(ex, test_simhash_is_close_for_near_duplicates_and_far_otherwise);
    suite_add_tcase(s, ex);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_stages_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
