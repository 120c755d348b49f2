/* check_engine_events.c: the event coder (engine_events.c) through the whole engine,
 * on sentences written for each rule, with the expected events written by hand:
 * source and target from the sentence's actors, CAMEO code, passives turned around,
 * coordination ("X and Y met", "visited ... and signed"), and no event for negated,
 * hypothetical, nominal or quoted actions or for a sentence without named actors.
 * Also the lexicon loader's errors.
 */
#include "check_engine_helpers.h"

#include "engine_internal.h"

typedef struct {
    const char *source, *action, *target, *code;
} want_t;

/* The events of text as "source|action|target|code" lines (null as "-"). */
static char *events_of(engine_t *e, const char *text, size_t *n_out)
{
    engine_result_t *r = ce_analyze(e, text);
    ds_buf_t b = DS_BUF_INIT;
    for (size_t i = 0; i < r->n_events; i++) {
        const engine_event_t *ev = &r->events[i];
        ds_buf_printf(&b, "%s|%s|%s|%s\n", ev->source ? ev->source : "-", ev->action,
                      ev->target ? ev->target : "-", ev->code);
        /* the offset is the trigger's first byte, inside its sentence */
        ck_assert_uint_lt(ev->start, ev->end);
        ck_assert_uint_le(ev->end, r->len);
        ck_assert_uint_ge(ev->start, r->sents[ev->sentence].start);
        ck_assert_uint_le(ev->end, r->sents[ev->sentence].end);
    }
    *n_out = r->n_events;
    engine_result_destroy(&r);
    ds_buf_putc(&b, '\0');
    return ds_buf_detach(&b, NULL);
}

static void expect(engine_t *e, const char *text, const want_t *want, size_t n_want)
{
    size_t n = 0;
    char *got = events_of(e, text, &n);
    ds_buf_t w = DS_BUF_INIT;
    for (size_t i = 0; i < n_want; i++) {
        ds_buf_printf(&w, "%s|%s|%s|%s\n", want[i].source ? want[i].source : "-", want[i].action,
                      want[i].target ? want[i].target : "-", want[i].code);
    }
    ds_buf_putc(&w, '\0');
    ck_assert_msg(strcmp(got, w.data) == 0, "text: %s\nwant:\n%sgot:\n%s", text, w.data, got);
    ck_assert_uint_eq(n, n_want);
    free(got);
    ds_buf_free(&w);
}

static const char *const STORY = "Talks and sanctions\n\n";

static void expect1(engine_t *e, const char *sentence, want_t want)
{
    ds_buf_t t = DS_BUF_INIT;
    ds_buf_puts(&t, STORY);
    ds_buf_puts(&t, sentence);
    expect(e, ds_buf_str(&t), &want, want.action ? 1 : 0);
    ds_buf_free(&t);
}

START_TEST(test_source_action_target_from_the_sentence)
{
    engine_t *e = ce_engine();
    expect1(e, "The United States imposed new economic sanctions on Iran last week.",
            (want_t){"United States", "impose sanctions", "Iran", "163"});
    expect1(e, "Russia criticized the decision on Monday.", (want_t){"Russia", "criticize", NULL, "111"});
    expect1(e, "Israel withdrew its troops from Gaza.", (want_t){"Israel", "withdraw troops", NULL, "087"});
    /* a nationality right before a person gives way to the person */
    expect1(e, "Secretary of State Condoleezza Rice met Iraqi Foreign Minister Hoshyar Zebari in Baghdad.",
            (want_t){"Condoleezza Rice", "meet", "Hoshyar Zebari", "040"});
    engine_destroy(&e);
}
END_TEST

START_TEST(test_passive_and_coordination)
{
    engine_t *e = ce_engine();
    expect1(e, "The convoy was attacked by Taliban fighters near Kandahar.",
            (want_t){"Taliban", "attack", NULL, "190"});
    expect1(e, "Iran and Syria held talks in Damascus on Sunday.",
            (want_t){"Iran", "hold talks", "Syria", "046"});
    const want_t two[] = {{"Putin", "visit", "China", "042"},
                          {"Putin", "sign agreement", "Hu Jintao", "057"}};
    expect(e,
           "Talks and sanctions\n\nPresident Putin visited China and signed an agreement with President Hu "
           "Jintao.",
           two, 2);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_no_event_when_negated_hypothetical_nominal_quoted_or_without_actors)
{
    engine_t *e = ce_engine();
    const want_t none = {NULL, NULL, NULL, NULL};
    expect1(e, "The European Union did not condemn the move.", none);
    expect1(e, "Germany may impose sanctions on Iran.", none);
    expect1(e, "France wants to attack the proposal.", none);
    expect1(e, "The attack on Iraq was widely reported.", none);
    expect1(e, "\"We will attack Iran,\" the general said.", none);
    expect1(e, "Police arrested three men on Monday.", none);
    /* base forms news uses as adjectives or nouns are not triggers */
    expect1(e, "General Martin O'Brien called the agreement a modest but welcome step.", none);
    expect1(e, "Russia sold attack helicopters to Syria.", none);
    /* but the threat itself is an event, against its object */
    expect1(e, "North Korea threatened to attack Japan.",
            (want_t){"North Korea", "threaten", "Japan", "130"});
    engine_destroy(&e);
}
END_TEST

START_TEST(test_events_are_in_the_json_and_the_sample_has_its_arrest)
{
    engine_t *e = ce_engine();
    engine_result_t *r = ce_analyze(
        e, "Talks and sanctions\n\nThe United States imposed new economic sanctions on Iran last week.");
    char *json = ce_json(r);
    ck_assert_msg(strstr(json,
                         "\"events\":[{\"source\":\"United States\",\"source_country\":\"US\","
                         "\"action\":\"impose sanctions\",\"target\":\"Iran\",\"target_country\":\"IR\","
                         "\"code\":\"163\",\"sentence\":1,\"offset\":") != NULL,
                  "%s", json);
    free(json);
    engine_result_destroy(&r);
    /* the shared sample: "... al-Iraqi, ... who was revealed last week to have been
     * arrested on the border": an arrest, with no arresting party named */
    char *path = NULL;
    const char *env = getenv("DS_SAMPLES");
    ds_buf_t p = DS_BUF_INIT;
    if (env) {
        ds_buf_printf(&p, "%s/us-iran-relations-2007.txt", env);
    } else {
        char *repo = ce_repo_path("../shared/samples/us-iran-relations-2007.txt");
        ds_buf_puts(&p, repo);
        free(repo);
    }
    path = ds_buf_detach(&p, NULL);
    size_t len = 0;
    char *text = ce_read(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    r = ce_analyze(e, text);
    bool arrest = false;
    for (size_t i = 0; i < r->n_events; i++) {
        arrest |= strcmp(r->events[i].code, "173") == 0 && r->events[i].source == NULL;
    }
    ck_assert_msg(arrest, "no arrest event in the sample");
    engine_result_destroy(&r);
    free(text);
    free(path);
    engine_destroy(&e);
}
END_TEST

START_TEST(test_lexicon_loader_names_the_bad_line)
{
    char dir[] = "/tmp/ds-events-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/events.tsv", dir);
    const char *bad[] = {
        "# ok\n040\tmeet\tmeet|met\n163\timpose\n", /* no pattern */
        "040\tmeet\tmeet||met\n",                   /* empty form */
        "04x\tmeet\tmeet\n",                        /* code not digits */
        "040\tmeet\t~ met\n",                       /* gap before the first slot */
        "040\tmeet\tMeet\n",                        /* upper case */
        "040\tmeet\ta b c d e\n",                   /* too many slots */
        "# only comments\n",                        /* no patterns */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(bad[i], f);
        fclose(f);
        char err[256] = "";
        engine_events_lex_t *lex = engine_events_load(path, err, sizeof err);
        ck_assert_msg(lex == NULL, "accepted: %s", bad[i]);
        ck_assert_msg(strstr(err, path) != NULL, "error does not name the file: %s", err);
    }
    ck_assert_msg(strstr(bad[0], "\n163") != NULL, "fixture");
    char err[256] = "";
    FILE *f = fopen(path, "w");
    fputs("# ok\n040\tmeet\tmeet|met\n163\timpose\n", f);
    fclose(f);
    ck_assert_ptr_null(engine_events_load(path, err, sizeof err));
    ck_assert_msg(strstr(err, ":3:") != NULL, "error does not name line 3: %s", err);
    ck_assert_ptr_null(engine_events_load("/nonexistent/events.tsv", err, sizeof err));
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_events");
    TCase *tc = tcase_create("events");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_source_action_target_from_the_sentence);
    tcase_add_test(tc, test_passive_and_coordination);
    tcase_add_test(tc, test_no_event_when_negated_hypothetical_nominal_quoted_or_without_actors);
    tcase_add_test(tc, test_events_are_in_the_json_and_the_sample_has_its_arrest);
    tcase_add_test(tc, test_lexicon_loader_names_the_bad_line);
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
