/* check_engine_golden.c: golden tests on the examples/docs texts and the shared sample
 * (expected fields written by hand from reading the texts, not from the program),
 * and properties every result must have: offsets inside the text and on UTF-8
 * boundaries, identical JSON when analysed twice (also by a fresh engine), and
 * validity against proto/result.schema.json.
 */
#include "check_engine_helpers.h"

#include "engine_internal.h"

typedef struct {
    const char *text, *value;
} kv_t;

typedef struct {
    const char *path; /* relative to the repository, or "sample:" + name */
    const char *published_given;
    const char *title, *authors[3], *published, *dateline, *lang;
    int64_t words;
    size_t sentences, paragraphs;
    kv_t dates[6];         /* text -> ISO value */
    kv_t amounts[8];       /* text -> unit */
    kv_t quotes[2];        /* quoted text prefix -> speaker */
    const char *themes[5]; /* must be present */
    const char *warning;   /* must be present, or NULL */
} golden_t;

static const golden_t GOLDEN[] = {
    {"examples/docs/diplomacy-vienna-talks.txt",
     NULL,
     "Envoys Agree to Resume Nuclear Talks in Vienna",
     {"Helena Marsh"},
     "2008-02-22",
     "Vienna",
     "en",
     149,
     9,
     6,
     {{"Feb. 22, 2008", "2008-02-22"},
      {"Friday", "2008-02-22"},
      {"next week", "2008-02-25/2008-03-02"},
      {"March", "2008-03"},
      {"December 2007", "2007-12"}},
     {{"3,000 centrifuges", "centrifuges"}},
     {{"We have a basis", "Ambassador Lukas Berger"}},
     {"DIPLOMACY", "NUCLEAR"},
     NULL},
    {"examples/docs/election-runoff-count.txt",
     NULL,
     "Opposition Claims Lead as Runoff Count Continues",
     {NULL},
     "2021-08-15",
     "Lusaka",
     "en",
     94,
     6,
     4,
     {{"15 August 2021", "2021-08-15"},
      {"Sunday", "2021-08-15"},
      {"1991", "1991"},
      {"Wednesday", "2021-08-18"}},
     {{"62 percent", "percent"}, {"71%", "percent"}, {"14 observers", "observers"}},
     {{"The people have spoken", "Ms. Chanda"}},
     {"ELECTIONS"},
     NULL},
    {"examples/docs/energy-lng-deal.txt",
     NULL,
     "Japan Signs $13.7 Billion Gas Deal With Qatar",
     {"Kenji Sato", "Laura Whitfield"},
     "2023-03-03",
     "Tokyo",
     "en",
     120,
     8,
     6,
     {{"March 3, 2023", "2023-03-03"},
      {"Friday", "2023-03-03"},
      {"2026", "2026"},
      {"late next year", "2024-09/2024-12"}},
     {{"$13.7 billion", "USD"},
      {"1.64 trillion yen", "JPY"},
      {"4 million tonnes", "tonnes"},
      {"2.5 percent", "percent"},
      {"90%", "percent"},
      {"4%", "percent"}},
     {{"Energy security", "Trade Minister Hiroshi Tanaka"}},
     {"ENERGY"},
     NULL},
    {"examples/docs/protest-fuel-prices.txt",
     "2019-10-19",
     "Thousands March in Capital Against Fuel Price Rise",
     {NULL},
     "2019-10-19",
     "Santiago",
     "en",
     112,
     7,
     5,
     {{"Saturday", "2019-10-19"}, {"last month", "2019-09"}},
     {{"30%", "percent"},
      {"50,000 people", "people"},
      {"23 protesters", "protesters"},
      {"8 officers", "officers"},
      {"3.1%", "percent"}},
     {{"We cannot feed", "Carolina Muñoz"}},
     {"PROTEST", "ENERGY"},
     "empty_byline"},
    {"examples/docs/aide-humanitaire-bruxelles.txt",
     NULL,
     "Les Vingt-Sept débloquent une aide d'urgence pour les réfugiés",
     {NULL},
     "2008-02-22",
     "Bruxelles",
     "fr",
     89,
     5,
     4,
     {{"22 février 2008", "2008-02-22"}},
     {{NULL, NULL}},
     {{"Nous ne pouvons pas", NULL}},
     {NULL},
     "english_stages_skipped"},
    {"sample:us-iran-relations-2007.txt",
     NULL,
     "A New Beginning in US-Iran Relations?",
     {NULL},
     "2007-05-01",
     NULL,
     "en",
     547,
     23,
     9,
     {{"May 01, 2007", "2007-05-01"},
      {"This weekend", "2007-05-05/2007-05-06"},
      {"November 2004", "2004-11"},
      {"last week", "2007-04-23/2007-04-29"},
      {"late last year", "2006-09/2006-12"}},
     {{NULL, NULL}},
     {{NULL, NULL}},
     {"DIPLOMACY", "NUCLEAR", "MILITARY", "TERRORISM", "AID"},
     "empty_byline"},
};
#define N_GOLDEN (sizeof GOLDEN / sizeof GOLDEN[0])

/* The document's text and a path to it (caller frees both). */
static char *load(const golden_t *g, char **path)
{
    if (strncmp(g->path, "sample:", 7) == 0) {
        const char *env = getenv("DS_SAMPLES");
        ds_buf_t b = DS_BUF_INIT;
        if (env != NULL) {
            ds_buf_printf(&b, "%s/%s", env, g->path + 7);
            *path = ds_buf_detach(&b, NULL);
        } else {
            char *rel = ce_repo_path("../shared/samples/");
            ds_buf_printf(&b, "%s%s", rel, g->path + 7);
            free(rel);
            *path = ds_buf_detach(&b, NULL);
        }
    } else {
        *path = ce_repo_path(g->path);
    }
    char *text = ce_read(*path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", *path);
    return text;
}

static engine_result_t *analyze_golden(engine_t *e, const golden_t *g, char **text, char **path)
{
    *text = load(g, path);
    engine_input_t in = {.published = g->published_given, .id = "golden"};
    return ce_analyze_in(e, *text, &in);
}

static bool span_is(const engine_result_t *r, uint32_t a, uint32_t b, const char *s)
{
    return strlen(s) == b - a && memcmp(r->text + a, s, b - a) == 0;
}

static void check_meta(const golden_t *g, const engine_result_t *r)
{
    ck_assert_str_eq(r->title, g->title);
    size_t na = 0;
    while (na < 3 && g->authors[na] != NULL) {
        ck_assert_uint_gt(r->n_authors, na);
        ck_assert_str_eq(r->authors[na], g->authors[na]);
        na++;
    }
    ck_assert_uint_eq(r->n_authors, na);
    ck_assert_str_eq(r->published, g->published);
    if (g->dateline != NULL) {
        ck_assert_str_eq(r->dateline, g->dateline);
    } else {
        ck_assert_ptr_null(r->dateline);
    }
    ck_assert_str_eq(r->lang, g->lang);
    ck_assert_int_eq(r->words, g->words);
    ck_assert_uint_eq(r->n_sents, g->sentences);
    ck_assert_uint_eq(r->n_paras, g->paragraphs);
}

static void check_dates_amounts(const golden_t *g, const engine_result_t *r)
{
    for (size_t i = 0; i < 6 && g->dates[i].text != NULL; i++) {
        bool found = false;
        for (size_t j = 0; j < r->n_dates && !found; j++) {
            if (span_is(r, r->dates[j].start, r->dates[j].end, g->dates[i].text)) {
                ck_assert_str_eq(r->dates[j].value, g->dates[i].value);
                found = true;
            }
        }
        ck_assert_msg(found, "%s: no date \"%s\"", g->path, g->dates[i].text);
    }
    for (size_t i = 0; i < 8 && g->amounts[i].text != NULL; i++) {
        bool found = false;
        for (size_t j = 0; j < r->n_amounts && !found; j++) {
            if (span_is(r, r->amounts[j].start, r->amounts[j].end, g->amounts[i].text)) {
                ck_assert_str_eq(r->amounts[j].unit, g->amounts[i].value);
                found = true;
            }
        }
        ck_assert_msg(found, "%s: no amount \"%s\"", g->path, g->amounts[i].text);
    }
}

static void check_quotes_themes(const golden_t *g, const engine_result_t *r)
{
    for (size_t i = 0; i < 2 && g->quotes[i].text != NULL; i++) {
        bool found = false;
        for (size_t j = 0; j < r->n_quotes && !found; j++) {
            const engine_quote_t *q = &r->quotes[j];
            if (strncmp(r->text + q->start, g->quotes[i].text, strlen(g->quotes[i].text)) == 0) {
                if (g->quotes[i].value == NULL) {
                    ck_assert_ptr_null(q->speaker);
                } else {
                    ck_assert_str_eq(q->speaker, g->quotes[i].value);
                }
                found = true;
            }
        }
        ck_assert_msg(found, "%s: no quote \"%s\"", g->path, g->quotes[i].text);
    }
    for (size_t i = 0; i < 5 && g->themes[i] != NULL; i++) {
        bool found = false;
        for (size_t j = 0; j < r->n_themes; j++) {
            found = found || strcmp(r->themes[j].code, g->themes[i]) == 0;
        }
        ck_assert_msg(found, "%s: no theme %s", g->path, g->themes[i]);
    }
    if (g->warning != NULL) {
        bool found = false;
        for (size_t j = 0; j < r->n_warnings; j++) {
            found = found || strcmp(r->warnings[j], g->warning) == 0;
        }
        ck_assert_msg(found, "%s: no warning %s", g->path, g->warning);
    }
}

START_TEST(test_golden_document_fields_match_a_hand_reading)
{
    const golden_t *g = &GOLDEN[_i];
    engine_t *e = ce_engine();
    char *text, *path;
    engine_result_t *r = analyze_golden(e, g, &text, &path);
    check_meta(g, r);
    check_dates_amounts(g, r);
    check_quotes_themes(g, r);
    engine_result_destroy(&r);
    free(text);
    free(path);
    engine_destroy(&e);
}
END_TEST

static void assert_span(const engine_result_t *r, uint32_t a, uint32_t b, const char *what)
{
    ck_assert_msg(a <= b && b <= r->len, "%s span [%u,%u) outside %zu bytes", what, a, b, r->len);
    ck_assert_msg(a == r->len || ((unsigned char)r->text[a] & 0xC0) != 0x80,
                  "%s start %u inside a UTF-8 sequence", what, a);
    ck_assert_msg(b == r->len || ((unsigned char)r->text[b] & 0xC0) != 0x80,
                  "%s end %u inside a UTF-8 sequence", what, b);
}

START_TEST(test_every_offset_is_inside_the_text_on_a_utf8_boundary)
{
    engine_t *e = ce_engine();
    char *text, *path;
    engine_result_t *r = analyze_golden(e, &GOLDEN[_i], &text, &path);
    for (size_t i = 0; i < r->n_toks; i++) {
        assert_span(r, r->toks[i].start, r->toks[i].end, "token");
    }
    for (size_t i = 0; i < r->n_sents; i++) {
        assert_span(r, r->sents[i].start, r->sents[i].end, "sentence");
    }
    for (size_t i = 0; i < r->n_paras; i++) {
        assert_span(r, r->paras[i].start, r->paras[i].end, "paragraph");
    }
    for (size_t i = 0; i < r->n_theme_hits; i += 2) {
        assert_span(r, r->theme_hits[i], r->theme_hits[i + 1], "theme");
    }
    for (size_t i = 0; i < r->n_dates; i++) {
        assert_span(r, r->dates[i].start, r->dates[i].end, "date");
    }
    for (size_t i = 0; i < r->n_amounts; i++) {
        assert_span(r, r->amounts[i].start, r->amounts[i].end, "amount");
    }
    for (size_t i = 0; i < r->n_quotes; i++) {
        assert_span(r, r->quotes[i].start, r->quotes[i].end, "quote");
    }
    engine_result_destroy(&r);
    free(text);
    free(path);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_analysing_twice_gives_identical_json)
{
    engine_t *e = ce_engine();
    char *text, *path;
    engine_result_t *a = analyze_golden(e, &GOLDEN[_i], &text, &path);
    /* other documents in between change the engine's caches, not the result */
    engine_result_t *other = ce_analyze(e, "Unrelated words fill the stem cache: zebras, "
                                           "quasars, marmalade and xylophones.");
    engine_result_t *b =
        ce_analyze_in(e, text, &(engine_input_t){.published = GOLDEN[_i].published_given, .id = "golden"});
    engine_t *fresh = ce_engine();
    engine_result_t *c = ce_analyze_in(
        fresh, text, &(engine_input_t){.published = GOLDEN[_i].published_given, .id = "golden"});
    char *ja = ce_json(a), *jb = ce_json(b), *jc = ce_json(c);
    ck_assert_str_eq(ja, jb);
    ck_assert_str_eq(ja, jc);
    free(ja);
    free(jb);
    free(jc);
    engine_result_destroy(&a);
    engine_result_destroy(&b);
    engine_result_destroy(&c);
    engine_result_destroy(&other);
    engine_destroy(&fresh);
    free(text);
    free(path);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_golden_results_validate_against_the_schema)
{
    engine_t *e = ce_engine();
    char *text, *path;
    engine_result_t *r = analyze_golden(e, &GOLDEN[_i], &text, &path);
    char *json = ce_json(r);
    ds_buf_t msg = DS_BUF_INIT;
    /* --text: the validator also checks every offset, entities included */
    int st = ce_validate(json, r->text_differs ? NULL : path, &msg);
    ck_assert_msg(st == 0, "%s: %s", GOLDEN[_i].path, ds_buf_str(&msg));
    ds_buf_free(&msg);
    free(json);
    engine_result_destroy(&r);
    free(text);
    free(path);
    engine_destroy(&e);
}
END_TEST

static Suite *engine_golden_suite(void)
{
    Suite *s = suite_create("engine_golden");
    TCase *g = tcase_create("golden");
    tcase_set_timeout(g, 30);
    tcase_add_loop_test(g, test_golden_document_fields_match_a_hand_reading, 0, (int)N_GOLDEN);
    suite_add_tcase(s, g);
    TCase *p = tcase_create("properties");
    tcase_set_timeout(p, 60);
    tcase_add_loop_test(p, test_every_offset_is_inside_the_text_on_a_utf8_boundary, 0, (int)N_GOLDEN);
    tcase_add_loop_test(p, test_analysing_twice_gives_identical_json, 0, (int)N_GOLDEN);
    tcase_add_loop_test(p, test_golden_results_validate_against_the_schema, 0, (int)N_GOLDEN);
    suite_add_tcase(s, p);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_golden_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
