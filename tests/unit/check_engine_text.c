/* check_engine_text.c: the engine's text structure: NFC, HTML extraction, tokens,
 * sentences and paragraphs (engine_text.h spans, read through engine_internal.h).
 */
#include "check_engine_helpers.h"

#include "engine_internal.h"

/* The tokens of r joined with '|', e.g. "Iran|’s|nuclear". */
static char *tokens_of(const engine_result_t *r)
{
    ds_buf_t b = DS_BUF_INIT;
    for (size_t i = 0; i < r->n_toks; i++) {
        if (i > 0) {
            ds_buf_putc(&b, '|');
        }
        ds_buf_append(&b, r->text + r->toks[i].start, r->toks[i].end - r->toks[i].start);
    }
    return ds_buf_detach(&b, NULL);
}

static char *sentence(const engine_result_t *r, size_t i)
{
    ck_assert_uint_lt(i, r->n_sents);
    return ds_xstrndup(r->text + r->sents[i].start, r->sents[i].end - r->sents[i].start);
}

#define ASSERT_TOKENS(text, expect)                                                                          \
    do {                                                                                                     \
        engine_result_t *r_ = ce_analyze(e, text);                                                           \
        char *got_ = tokens_of(r_);                                                                          \
        ck_assert_str_eq(got_, expect);                                                                      \
        free(got_);                                                                                          \
        engine_result_destroy(&r_);                                                                          \
    } while (0)

START_TEST(test_hyphen_and_apostrophe_names_stay_one_token)
{
    engine_t *e = ce_engine();
    ASSERT_TOKENS("Sharm el-Sheikh and al-Qaeda met O'Brien and O’Brien.",
                  "Sharm|el-Sheikh|and|al-Qaeda|met|O'Brien|and|O’Brien|.");
    ASSERT_TOKENS("US-Iran talks", "US-Iran|talks");
    engine_destroy(&e);
}
END_TEST

START_TEST(test_contractions_and_possessives_split_off_clitics)
{
    engine_t *e = ce_engine();
    ASSERT_TOKENS("Iran’s envoy doesn't know; they're sure I'm right.",
                  "Iran|’s|envoy|does|n't|know|;|they|'re|sure|I|'m|right|.");
    /* clitics are not words: 8 words above, not 12 */
    engine_result_t *r = ce_analyze(e, "Iran’s envoy doesn't know; they're sure I'm right.");
    ck_assert_int_eq(r->words, 8);
    ck_assert(r->toks[1].flags & ENGINE_TOK_CLITIC);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_numbers_abbreviations_and_initials_are_single_tokens)
{
    engine_t *e = ce_engine();
    ASSERT_TOKENS("The U.S. paid $13.7 billion, or 1,000,000 yen, on 2008-02-22.",
                  "The|U.S.|paid|$|13.7|billion|,|or|1,000,000|yen|,|on|2008-02-22|.");
    ASSERT_TOKENS("Mr. Bush met Gen. Petraeus and George W. Bush...",
                  "Mr.|Bush|met|Gen.|Petraeus|and|George|W.|Bush|...");
    engine_destroy(&e);
}
END_TEST

START_TEST(test_abbreviations_do_not_end_sentences)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Mr. Smith met Gen. Jones in the U.S. on Feb. 22 to talk. "
                                       "They agreed. Then Dr. Who left.");
    ck_assert_uint_eq(r->n_sents, 3);
    char *s0 = sentence(r, 0);
    ck_assert_str_eq(s0, "Mr. Smith met Gen. Jones in the U.S. on Feb. 22 to talk.");
    free(s0);
    engine_result_destroy(&r);
    /* an initialism at the end of a sentence does end it before "The" */
    r = ce_analyze(e, "Troops returned to the U.S. The war was over.");
    ck_assert_uint_eq(r->n_sents, 2);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_quotes_and_brackets_hold_sentences_together)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "“We will not retreat. We will win,” he said. "
                                       "The plan (see p. 4. It is long.) failed. "
                                       "She said “stop.” Then she left.");
    ck_assert_uint_eq(r->n_sents, 4);
    char *s = sentence(r, 0);
    ck_assert_str_eq(s, "“We will not retreat. We will win,” he said.");
    free(s);
    s = sentence(r, 2);
    ck_assert_str_eq(s, "She said “stop.”");
    free(s);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_paragraphs_split_on_blank_lines_or_else_on_newlines)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "One line\nwrapped here.\n\n  \nSecond paragraph.\n\nThird.");
    ck_assert_uint_eq(r->n_paras, 3);
    ck_assert_uint_eq(r->n_sents, 3);
    engine_result_destroy(&r);
    r = ce_analyze(e, "First paragraph.\nSecond paragraph.\nThird paragraph.\n");
    ck_assert_uint_eq(r->n_paras, 3);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_decomposed_text_is_normalised_to_nfc_and_returned)
{
    engine_t *e = ce_engine();
    /* "Cafe\u0301 owners protest." : e + combining acute becomes U+00E9 */
    engine_result_t *r = ce_analyze(e, "Cafe\xcc\x81 owners protest.");
    ck_assert_str_eq(r->text, "Caf\xc3\xa9 owners protest.");
    ck_assert(r->text_differs);
    char *json = ce_json(r);
    /* the last member, after "warnings" */
    ck_assert_ptr_nonnull(strstr(json, "],\"text\":\"Caf\xc3\xa9 owners protest.\"}"));
    free(json);
    engine_result_destroy(&r);
    /* NFC text comes back without a "text" member: offsets are the input's */
    r = ce_analyze(e, "Caf\xc3\xa9 owners protest.");
    ck_assert(!r->text_differs);
    json = ce_json(r);
    size_t jl = strlen(json);
    ck_assert_str_eq(json + jl - 2, "]}"); /* ends with "warnings":[...] */
    free(json);
    engine_result_destroy(&r);
    /* a decomposed character after any length of ASCII (the NFC check skips ASCII
     * eight bytes at a time) is still found and composed */
    for (size_t pad = 0; pad < 24; pad++) {
        char in[64], want[64];
        memset(in, 'x', pad);
        strcpy(in + pad, " cafe\xcc\x81 yy");
        memset(want, 'x', pad);
        strcpy(want + pad, " caf\xc3\xa9 yy");
        r = ce_analyze(e, in);
        ck_assert_msg(strcmp(r->text, want) == 0 && r->text_differs, "pad %zu: %s", pad, r->text);
        engine_result_destroy(&r);
    }
    engine_destroy(&e);
}
END_TEST

START_TEST(test_html_drops_scripts_and_styles_and_uses_h1_as_title)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.format = "html"};
    const char *html = "<html><head><title>Site | Page</title><style>p{x:1}</style></head>"
                       "<body><script>var secret = 1;</script><nav>Menu</nav>"
                       "<h1>Oil Talks &amp; Prices</h1><p>First   para,<br>new line.</p>"
                       "<div><p>Second para &eacute;.</p></div></body></html>";
    engine_result_t *r = ce_analyze_in(e, html, &in);
    ck_assert_str_eq(r->text, "Oil Talks & Prices\n\nFirst para,\nnew line.\n\nSecond para \xc3\xa9.");
    ck_assert_str_eq(r->title, "Oil Talks & Prices");
    ck_assert_uint_eq(r->n_paras, 3);
    char *json = ce_json(r);
    ck_assert_ptr_nonnull(strstr(json, "\"format\":\"html\""));
    ck_assert_ptr_null(strstr(json, "secret"));
    free(json);
    engine_result_destroy(&r);
    /* without <h1>, <title> minus the site name */
    r = ce_analyze_in(e,
                      "<html><head><title>Talks Resume | Daily</title></head><body><p>Envoys "
                      "met.</p></body></html>",
                      &in);
    ck_assert_str_eq(r->title, "Talks Resume");
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_html_without_text_is_empty_and_unknown_format_is_rejected)
{
    engine_t *e = ce_engine();
    engine_input_t in = {.format = "html"};
    engine_result_t *r = NULL;
    char err[128];
    const char *html = "<html><body><script>only()</script></body></html>";
    ck_assert_int_eq(engine_analyze(e, html, strlen(html), &in, &r, err, sizeof err), DS_EEMPTY);
    in.format = "pdf";
    ck_assert_int_eq(engine_analyze(e, "text", 4, &in, &r, err, sizeof err), DS_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "pdf"));
    engine_destroy(&e);
}
END_TEST

START_TEST(test_every_token_lies_in_one_sentence_in_order)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(e, "Headline Here\n\nBy Jo Doe\n\nFirst (one. two.) three? "
                                       "“Four.” Five... six!\n\nSeven.");
    ck_assert_uint_gt(r->n_sents, 3);
    size_t expect_tok = 0;
    for (size_t i = 0; i < r->n_sents; i++) {
        const engine_sent_t *s = &r->sents[i];
        ck_assert_uint_eq(s->tok_first, expect_tok);
        ck_assert_uint_gt(s->tok_end, s->tok_first);
        for (uint32_t k = s->tok_first; k < s->tok_end; k++) {
            ck_assert_uint_eq(r->toks[k].sent, i);
        }
        ck_assert_uint_eq(s->start, r->toks[s->tok_first].start);
        ck_assert_uint_eq(s->end, r->toks[s->tok_end - 1].end);
        expect_tok = s->tok_end;
    }
    ck_assert_uint_eq(expect_tok, r->n_toks);
    engine_result_destroy(&r);
    engine_destroy(&e);
}
END_TEST

/* The per-document map starts small and doubles: 5,000 keys into a map made for
 * one keep every value, absent keys stay absent, and a value pointer from put
 * is the one get finds. */
START_TEST(test_arena_map_grows_and_keeps_every_key)
{
    engine_arena_t a;
    engine_arena_init(&a);
    engine_imap_t m;
    engine_imap_init(&m, &a, 1);
    for (uint64_t k = 1; k <= 5000; k++) {
        int added;
        uint32_t *v = engine_imap_put(&m, k * 0x9e3779b97f4a7c15ull, (uint32_t)k, &added);
        ck_assert_int_eq(added, 1);
        (*v)++;
        v = engine_imap_put(&m, k * 0x9e3779b97f4a7c15ull, 0, &added);
        ck_assert_int_eq(added, 0);
        ck_assert_uint_eq(*v, k + 1);
    }
    for (uint64_t k = 1; k <= 5000; k++) {
        uint32_t *v = engine_imap_get(&m, k * 0x9e3779b97f4a7c15ull);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(*v, k + 1);
        ck_assert_ptr_null(engine_imap_get(&m, (k + 5000) * 0x9e3779b97f4a7c15ull));
    }
    engine_arena_free(&a);
}
END_TEST

static Suite *engine_text_suite(void)
{
    Suite *s = suite_create("engine_text");
    TCase *tok = tcase_create("tokens");
    tcase_set_timeout(tok, 20);
    tcase_add_test(tok, test_hyphen_and_apostrophe_names_stay_one_token);
    tcase_add_test(tok, test_contractions_and_possessives_split_off_clitics);
    tcase_add_test(tok, test_numbers_abbreviations_and_initials_are_single_tokens);
    tcase_add_test(tok, test_arena_map_grows_and_keeps_every_key);
    suite_add_tcase(s, tok);
    TCase *seg = tcase_create("segments");
    tcase_set_timeout(seg, 20);
    tcase_add_test(seg, test_abbreviations_do_not_end_sentences);
    tcase_add_test(seg, test_quotes_and_brackets_hold_sentences_together);
    tcase_add_test(seg, test_paragraphs_split_on_blank_lines_or_else_on_newlines);
    tcase_add_test(seg, test_every_token_lies_in_one_sentence_in_order);
    suite_add_tcase(s, seg);
    TCase *in = tcase_create("input");
    tcase_set_timeout(in, 20);
    tcase_add_test(in, test_decomposed_text_is_normalised_to_nfc_and_returned);
    tcase_add_test(in, test_html_drops_scripts_and_styles_and_uses_h1_as_title);
    tcase_add_test(in, test_html_without_text_is_empty_and_unknown_format_is_rejected);
    suite_add_tcase(s, in);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_text_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
