/* check_ner_tagger.c: the tagger's shortcuts give what the plain computation gives.
 *
 * The runtime tagger decodes only the stretches of a sentence around possible names
 * (ner_viterbi_span between tokens it labels O), reads each token's one-token
 * gazetteer entry from its cached properties (ner_gaz_tag_from) and looks the second
 * pass's feature keys up in a table (ner_feat_stack_keys).  Each test checks one of
 * those against the computation it replaces.
 */
#include "check_engine_helpers.h"
#include "ner.h"
#include "ner_feat.h"
#include "ner_gaz.h"
#include "ner_stack.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static ner_t *load_ner(void)
{
    char err[256] = "";
    char *dir = engine_default_data_dir();
    ner_t *ner = ner_load(dir, err, sizeof err);
    ck_assert_msg(ner != NULL, "ner_load(%s): %s", dir, err);
    free(dir);
    return ner;
}

START_TEST(test_stretch_viterbi_equals_sentence_viterbi_with_o_forced_around)
{
    enum { N = 7, L = NER_NLABELS };
    srand(7);
    for (int round = 0; round < 200; round++) {
        float trans[(L + 1) * L], emit[N * L], score[N * L];
        uint8_t back[N * L], whole[N], part[N];
        for (size_t k = 0; k < sizeof trans / sizeof trans[0]; k++) {
            trans[k] = (float)(rand() % 41 - 20); /* integers: exact sums */
        }
        for (size_t k = 0; k < sizeof emit / sizeof emit[0]; k++) {
            emit[k] = (float)(rand() % 41 - 20);
        }
        ner_trans_mask(trans);
        size_t a = (size_t)(rand() % 3), b = N - (size_t)(rand() % 3); /* stretch [a, b) */
        for (size_t t = 0; t < N; t++) {                               /* O far ahead outside */
            if (t < a || t >= b) {
                emit[t * L + NER_O] = 1e4f;
            }
        }
        ner_viterbi(emit, trans, N, whole, score, back);
        ner_vtab_t vt;
        ner_viterbi_prep(trans, &vt);
        memset(part, NER_O, sizeof part);
        ner_viterbi_span(&vt, emit + a * L, b - a, a > 0, b < N, part + a, score);
        ck_assert_mem_eq(whole, part, N);
    }
}
END_TEST

START_TEST(test_gazetteer_from_cached_entries_equals_hashing_every_token)
{
    ner_t *ner = load_ner();
    const ner_gaz_t *gz = ner_gaz_of(ner);
    const char *w[] = {"The",  "United", "Nations", "met",    "in",     "New",  "York",
                       "and",  "Sharm",  "el",      "-",      "Sheikh", "with", "President",
                       "Bush", "of",     "the",     "United", "States", "."};
    enum { N = sizeof w / sizeof w[0] };
    uint32_t len[N], first[N], a[N], b[N];
    uint8_t space[N];
    for (size_t i = 0; i < N; i++) {
        len[i] = (uint32_t)strlen(w[i]);
        space[i] = i > 0 && strcmp(w[i], "-") != 0 && strcmp(w[i - 1], "-") != 0 && strcmp(w[i], ".") != 0;
        ner_props_t p;
        ner_props(w[i], len[i], 0, &p);
        first[i] = ner_gaz_entry(gz, p.lower); /* props.lower is the token's phrase key */
        ck_assert_uint_eq(p.lower, ner_phrase_key(w[i], len[i]));
    }
    ner_gaz_tag(gz, w, len, space, N, a);
    ner_gaz_tag_from(gz, w, len, space, N, first, b);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert(a[1] & NER_GAZ_B(NER_GAZ_ORG) || a[1] & NER_GAZ_B(NER_GAZ_COUNTRY) ||
              a[5] & NER_GAZ_B(NER_GAZ_CITY));
    ner_destroy(&ner);
}
END_TEST

START_TEST(test_stack_key_table_equals_hashing_the_keys)
{
    ner_stack_keys_t *k = malloc(sizeof *k);
    ner_stack_keys_init(k);
    ner_stack_t st[3];
    memset(st, 0, sizeof st);
    for (unsigned maj = 0; maj < 6; maj++) {
        for (unsigned multi = 0; multi < 5; multi++) {
            for (unsigned v = 0; v < 40; v++) {
                st[1] = (ner_stack_t){.maj = (uint8_t)maj,
                                      .multi = (uint8_t)multi,
                                      .others = (uint8_t)(v % 4),
                                      .casing = (uint8_t)(v / 4 % 4)};
                st[0] = (ner_stack_t){.maj = (uint8_t)(v % 6), .multi = (uint8_t)(v % 5)};
                st[2] = (ner_stack_t){.maj = (uint8_t)(v / 6 % 6), .multi = (uint8_t)(v / 3 % 5)};
                ner_props_t p = {.cas = (uint8_t)(v % 5), .cpos = (uint8_t)(v / 5 % 5)};
                for (size_t i = 0; i < 3; i++) {
                    uint32_t x[NER_STACK_FEATS], y[NER_STACK_FEATS];
                    size_t nx = ner_feat_stack(st, 3, i, &p, x), ny = ner_feat_stack_keys(k, st, 3, i, &p, y);
                    ck_assert_uint_eq(nx, ny);
                    ck_assert_mem_eq(x, y, nx * sizeof x[0]);
                }
            }
        }
    }
    free(k);
}
END_TEST

START_TEST(test_lowercase_sentence_is_all_o)
{
    ner_t *ner = load_ner();
    const char *w[] = {"officials", "said", "on", "the", "talks", "would", "resume", "soon", "."};
    enum { N = sizeof w / sizeof w[0] };
    uint32_t len[N];
    uint8_t space[N], lab[N], zero[N] = {0};
    size_t spans[2] = {0, N};
    for (size_t i = 0; i < N; i++) {
        len[i] = (uint32_t)strlen(w[i]);
        space[i] = i > 0;
    }
    ner_doc_work_t dw = {0};
    ner_tag_doc(ner_model_of(ner), ner_model2_of(ner), ner_gaz_of(ner), w, len, space, spans, 1, &dw, lab);
    ck_assert_mem_eq(lab, zero, N);
    ner_doc_work_free(&dw);
    ner_destroy(&ner);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ner_tagger");
    TCase *t = tcase_create("shortcuts");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_stretch_viterbi_equals_sentence_viterbi_with_o_forced_around);
    tcase_add_test(t, test_gazetteer_from_cached_entries_equals_hashing_every_token);
    tcase_add_test(t, test_stack_key_table_equals_hashing_the_keys);
    tcase_add_test(t, test_lowercase_sentence_is_all_o);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
