/* check_ner.c: the entity stage (worker/engine/ner*.c, geo*.c): golden expectations on
 * ../shared/samples/us-iran-relations-2007.txt and one short example per rule (roles,
 * coreference, particles, positional capitals, countries, places), plus the API's
 * contracts (bad spans, missing data, corrupt model, JSON shape, determinism).
 *
 * Tokens and sentences come from the engine's own tokenizer (engine_tokenize,
 * engine_segment), as in production.  Expectations are written by hand.
 */
#include "check_engine_helpers.h"
#include "ds_json.h"
#include "engine_internal.h"
#include "ner.h"
#include "ner_feat.h"
#include "ner_model.h"
#include "ner_stack.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    engine_result_t r;
    engine_doc_t doc;
    ner_result_t *nr;
    ner_t *ner; /* outlives nr: place and country names are the loaded data's */
    char *text;
} doc_t;

static ner_t *load_ner(void)
{
    char err[256] = "";
    char *dir = engine_default_data_dir();
    ner_t *ner = ner_load(dir, err, sizeof err);
    ck_assert_msg(ner != NULL, "ner_load(%s): %s", dir, err);
    free(dir);
    return ner;
}

static void analyse(doc_t *d, const char *text)
{
    memset(d, 0, sizeof *d);
    d->text = ds_xstrdup(text);
    d->r.text = d->text;
    d->r.len = strlen(text);
    engine_tokenize(&d->r);
    engine_segment(&d->r);
    engine_doc_view(&d->r, &d->doc);
    d->ner = load_ner();
    char err[256] = "";
    ck_assert_msg(ner_run(d->ner, &d->doc, &d->nr, err, sizeof err) == 0, "ner_run: %s", err);
}

static void done(doc_t *d)
{
    ner_result_destroy(&d->nr);
    ner_destroy(&d->ner);
    free(d->r.toks);
    free(d->r.sents);
    free(d->r.paras);
    free(d->text);
}

static const ner_entity_t *entity(const doc_t *d, const char *name)
{
    size_t n;
    const ner_entity_t *e = ner_result_entities(d->nr, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].name, name) == 0) {
            return &e[i];
        }
    }
    return NULL;
}

static const ner_entity_t *need(const doc_t *d, const char *name, const char *type)
{
    const ner_entity_t *e = entity(d, name);
    ck_assert_msg(e != NULL, "no entity named \"%s\"", name);
    ck_assert_msg(strcmp(e->type, type) == 0, "\"%s\" is %s, want %s", name, e->type, type);
    return e;
}

static bool has_country(const doc_t *d, const char *cc)
{
    size_t n;
    const ner_country_t *c = ner_result_countries(d->nr, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].code, cc) == 0) {
            return true;
        }
    }
    return false;
}

static const ner_location_t *location(const doc_t *d, const char *name)
{
    size_t n;
    const ner_location_t *l = ner_result_locations(d->nr, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(l[i].name, name) == 0) {
            return &l[i];
        }
    }
    return NULL;
}

static bool has_alias(const ner_entity_t *e, const char *alias)
{
    for (size_t i = 0; i < e->n_aliases; i++) {
        if (strcmp(e->aliases[i], alias) == 0) {
            return true;
        }
    }
    return false;
}

static void sample(doc_t *d)
{
    char *text = ce_sample("us-iran-relations-2007.txt");
    ck_assert_msg(text != NULL, "sample not found");
    analyse(d, text);
    free(text);
}

/* ---- golden: the sample ---- */

START_TEST(test_sample_names_its_people_as_persons)
{
    static const char *const people[] = {"Rice",     "Manouchehr Mottaki", "Powell",   "Zebari",
                                         "Kharrazi", "Nick Burns",         "Larijani", "Abdul Hadi al-Iraqi"};
    doc_t d;
    sample(&d);
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        need(&d, people[i], "PERSON");
    }
    done(&d);
}
END_TEST

START_TEST(test_sample_lists_its_countries)
{
    static const char *const codes[] = {"US", "IR", "IQ", "EG", "GB"};
    doc_t d;
    sample(&d);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_msg(has_country(&d, codes[i]), "country %s missing", codes[i]);
    }
    size_t n;
    const ner_country_t *c = ner_result_countries(d.nr, &n);
    ck_assert_str_eq(c[0].code, "IR"); /* the article is about Iran */
    done(&d);
}
END_TEST

START_TEST(test_sample_places_sharm_el_sheikh_and_baghdad_on_the_map)
{
    doc_t d;
    sample(&d);
    const ner_location_t *s = location(&d, "Sharm el-Sheikh"), *b = location(&d, "Baghdad");
    ck_assert_msg(s && b, "Sharm el-Sheikh or Baghdad not placed");
    ck_assert_str_eq(s->country, "EG");
    ck_assert_str_eq(s->kind, "city");
    ck_assert(fabs(s->lat - 27.9) < 0.2 && fabs(s->lon - 34.3) < 0.2);
    ck_assert_str_eq(b->country, "IQ");
    ck_assert(fabs(b->lat - 33.3) < 0.2 && fabs(b->lon - 44.4) < 0.2);
    const ner_entity_t *sharm = need(&d, "Sharm el-Sheikh", "LOCATION");
    ck_assert_msg(has_alias(sharm, "Sharm"), "\"Sharm\" did not join \"Sharm el-Sheikh\"");
    done(&d);
}
END_TEST

START_TEST(test_sample_roles_and_countries_of_people)
{
    doc_t d;
    sample(&d);
    const ner_entity_t *rice = need(&d, "Rice", "PERSON");
    ck_assert_str_eq(rice->role, "Secretary of State");
    ck_assert_str_eq(rice->country, "US");
    ck_assert_uint_eq(rice->count, 3);
    const ner_entity_t *k = need(&d, "Kharrazi", "PERSON");
    ck_assert_str_eq(k->role, "Foreign Minister");
    ck_assert_str_eq(k->country, "IR");
    const ner_entity_t *z = need(&d, "Zebari", "PERSON");
    ck_assert_str_eq(z->country, "IQ");
    ck_assert_str_eq(need(&d, "Larijani", "PERSON")->role, "National Security Advisor");
    const ner_entity_t *m = need(&d, "Manouchehr Mottaki", "PERSON");
    ck_assert_msg(has_alias(m, "Mottaki"), "\"Mottaki\" did not join \"Manouchehr Mottaki\"");
    ck_assert_ptr_null(entity(&d, "Mottaki"));
    done(&d);
}
END_TEST

START_TEST(test_sample_has_no_entities_from_common_words)
{
    static const char *const words[] = {"Most", "Even", "Written", "The", "For", "But", "State", "Defense"};
    doc_t d;
    sample(&d);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        ck_assert_msg(entity(&d, words[i]) == NULL, "\"%s\" became an entity", words[i]);
    }
    done(&d);
}
END_TEST

/* ---- rules, one short example each ---- */

START_TEST(test_title_is_role_not_part_of_name)
{
    doc_t d;
    analyse(&d, "Toyota said on Tuesday that President Katsuaki Watanabe will visit Detroit next week.");
    const ner_entity_t *e = need(&d, "Katsuaki Watanabe", "PERSON");
    ck_assert_str_eq(e->role, "President");
    ck_assert_ptr_null(entity(&d, "President Katsuaki Watanabe"));
    done(&d);
}
END_TEST

START_TEST(test_demonym_before_role_gives_person_country)
{
    doc_t d;
    analyse(&d, "The talks were attended by Iranian FM Kharrazi and by the Georgian Prime Minister.");
    const ner_entity_t *e = need(&d, "Kharrazi", "PERSON");
    ck_assert_str_eq(e->role, "Foreign Minister");
    ck_assert_str_eq(e->country, "IR");
    ck_assert_msg(has_country(&d, "GE"), "\"Georgian\" did not give Georgia (GE)");
    done(&d);
}
END_TEST

START_TEST(test_us_role_implies_country_when_text_names_none)
{
    doc_t d;
    analyse(&d, "Officials said Secretary of State Rice would travel to Cairo on Sunday.");
    const ner_entity_t *e = need(&d, "Rice", "PERSON");
    ck_assert_str_eq(e->role, "Secretary of State");
    ck_assert_str_eq(e->country, "US");
    done(&d);
}
END_TEST

START_TEST(test_surname_joins_earlier_full_name)
{
    doc_t d;
    analyse(&d, "Foreign Minister Manouchehr Mottaki arrived in Baghdad on Friday. "
                "Officials said Mottaki met Iraqi leaders for two hours.");
    const ner_entity_t *e = need(&d, "Manouchehr Mottaki", "PERSON");
    ck_assert_uint_eq(e->count, 2);
    ck_assert(has_alias(e, "Mottaki"));
    done(&d);
}
END_TEST

START_TEST(test_acronym_joins_long_form)
{
    doc_t d;
    analyse(&d, "The International Atomic Energy Agency will send inspectors to Iran next month. "
                "A spokesman said the IAEA wants full access to the sites.");
    const ner_entity_t *e = need(&d, "International Atomic Energy Agency", "ORG");
    ck_assert_msg(has_alias(e, "IAEA"), "IAEA did not join its long form");
    ck_assert_ptr_null(entity(&d, "IAEA"));
    done(&d);
}
END_TEST

START_TEST(test_names_with_particles_and_hyphens_stay_whole)
{
    doc_t d;
    analyse(&d, "American forces said they captured Abdul Hadi al-Iraqi, a senior al-Qaeda militant, "
                "near the border. Leaders later met in Sharm el-Sheikh.");
    need(&d, "Abdul Hadi al-Iraqi", "PERSON");
    need(&d, "al-Qaeda", "ORG");
    need(&d, "Sharm el-Sheikh", "LOCATION");
    done(&d);
}
END_TEST

START_TEST(test_organisation_names_keep_their_country_and_role_words)
{
    doc_t d;
    analyse(&d, "Mr. Sharon will address a prominent lobbying group, the American-Israel Public Affairs "
                "Committee, on Monday. A spokesman for the rebel Justice and Equality Movement told "
                "Reuters his group would take part.");
    need(&d, "American-Israel Public Affairs Committee", "ORG");
    need(&d, "Justice and Equality Movement", "ORG");
    done(&d);
}
END_TEST

START_TEST(test_sentence_initial_capitals_are_not_entities)
{
    doc_t d;
    analyse(&d, "Most analysts expect a deal. Even so, traders were nervous on Monday. "
                "Shares fell sharply in Tokyo. Written reports were sent to the ministry.");
    static const char *const words[] = {"Most", "Even", "Shares", "Written"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(entity(&d, words[i]) == NULL, "\"%s\" became an entity", words[i]);
    }
    need(&d, "Tokyo", "LOCATION");
    done(&d);
}
END_TEST

START_TEST(test_headline_and_all_caps_words_are_not_entities)
{
    doc_t d;
    analyse(&d, "Shares Slump As Investors Fear Higher Interest Rates\n\n"
                "MARKETS FALL AFTER WEAK REPORT ON FACTORY ORDERS\n\n"
                "Stocks fell in London on Monday after a report from the Bank of England.");
    static const char *const words[] = {
        "Shares",  "Shares Slump", "Investors", "Fear",          "Higher Interest Rates",
        "MARKETS", "WEAK",         "REPORT",    "FACTORY ORDERS"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        ck_assert_msg(entity(&d, words[i]) == NULL, "\"%s\" became an entity", words[i]);
    }
    need(&d, "London", "LOCATION");
    done(&d);
}
END_TEST

START_TEST(test_short_and_official_forms_are_one_country)
{
    doc_t d;
    analyse(&d, "The US and Iran met. Later the U.S. envoy said the United States and America agree. "
                "Britain and the UK joined them.");
    const ner_entity_t *us = need(&d, "United States", "LOCATION");
    ck_assert_uint_eq(us->count, 4);
    ck_assert_str_eq(us->country, "US");
    const ner_entity_t *gb = need(&d, "United Kingdom", "LOCATION");
    ck_assert_uint_eq(gb->count, 2);
    ck_assert(has_country(&d, "IR"));
    done(&d);
}
END_TEST

START_TEST(test_city_state_pair_resolves_to_us_state)
{
    doc_t d;
    analyse(&d, "The company moved its headquarters to Atlanta, Georgia, last year.");
    const ner_location_t *a = location(&d, "Atlanta"), *g = location(&d, "Georgia");
    ck_assert_msg(a && g, "Atlanta or Georgia not placed");
    ck_assert_str_eq(a->country, "US");
    ck_assert_str_eq(g->country, "US");
    ck_assert_str_eq(g->kind, "admin1");
    ck_assert(!has_country(&d, "GE"));
    done(&d);
}
END_TEST

START_TEST(test_person_named_like_a_country_stays_a_person)
{
    doc_t d;
    analyse(&d, "Michael Jordan scored 30 points as the Chicago Bulls beat the New York Knicks on Sunday.");
    need(&d, "Michael Jordan", "PERSON");
    ck_assert_msg(!has_country(&d, "JO"), "Michael Jordan counted as Jordan");
    done(&d);
}
END_TEST

START_TEST(test_demonyms_count_for_their_country)
{
    doc_t d;
    analyse(&d, "Iranian officials met Egyptian diplomats. The Iranians said little.");
    const ner_entity_t *e = need(&d, "Iranian", "NORP");
    ck_assert_str_eq(e->country, "IR");
    ck_assert_uint_eq(e->count, 2);
    ck_assert(has_country(&d, "EG"));
    done(&d);
}
END_TEST

/* ---- API contracts ---- */

START_TEST(test_json_has_three_arrays_and_offsets_inside_text)
{
    doc_t d;
    sample(&d);
    ds_buf_t b = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &b);
    ds_json_obj_open(&j);
    ner_result_json(d.nr, &j);
    ds_json_obj_close(&j);
    ck_assert(strstr(b.data, "\"entities\":[{") && strstr(b.data, "\"countries\":[{") &&
              strstr(b.data, "\"locations\":[{"));
    size_t n;
    const ner_entity_t *e = ner_result_entities(d.nr, &n);
    for (size_t i = 0; i < n; i++) {
        ck_assert(e[i].salience >= 0 && e[i].salience <= 1);
        for (uint32_t k = 0; k < e[i].count; k++) {
            uint32_t s = e[i].mentions[2 * k], t = e[i].mentions[2 * k + 1];
            ck_assert(s < t && t <= d.doc.len);
            ck_assert((d.doc.text[s] & 0xC0) != 0x80 && (t == d.doc.len || (d.doc.text[t] & 0xC0) != 0x80));
        }
    }
    ds_buf_free(&b);
    done(&d);
}
END_TEST

START_TEST(test_null_result_writes_empty_arrays)
{
    ds_buf_t b = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &b);
    ds_json_obj_open(&j);
    ner_result_json(NULL, &j);
    ds_json_obj_close(&j);
    ck_assert_str_eq(b.data, "{\"entities\":[],\"countries\":[],\"locations\":[]}");
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_same_input_gives_identical_json)
{
    char *out[2];
    for (int k = 0; k < 2; k++) {
        doc_t d;
        sample(&d);
        ds_buf_t b = DS_BUF_INIT;
        ds_json_t j;
        ds_json_init(&j, &b);
        ds_json_obj_open(&j);
        ner_result_json(d.nr, &j);
        ds_json_obj_close(&j);
        out[k] = ds_buf_detach(&b, NULL);
        done(&d);
    }
    ck_assert_str_eq(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}
END_TEST

START_TEST(test_index_keys_are_type_and_normalised_name)
{
    doc_t d;
    sample(&d);
    size_t n, nc;
    const engine_entity_key_t *k = ner_result_keys(d.nr, &n);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        found |= strcmp(k[i].type, "PERSON") == 0 && strcmp(k[i].norm, "manouchehr_mottaki") == 0;
    }
    ck_assert_msg(found, "no PERSON key manouchehr_mottaki");
    const char *const *cc = ner_result_country_codes(d.nr, &nc);
    ck_assert_uint_ge(nc, 5);
    ck_assert_str_eq(cc[0], "IR");
    done(&d);
}
END_TEST

START_TEST(test_bad_token_spans_are_rejected)
{
    ner_t *ner = load_ner();
    engine_tok_t tok = {.start = 5, .end = 50};
    engine_sent_t sent = {.tok_first = 0, .tok_end = 1};
    engine_doc_t doc = {.text = "short", .len = 5, .toks = &tok, .n_toks = 1, .sents = &sent, .n_sents = 1};
    ner_result_t *r = NULL;
    char err[128] = "";
    ck_assert_int_eq(ner_run(ner, &doc, &r, err, sizeof err), DS_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert(strstr(err, "token") != NULL);
    ner_destroy(&ner);
}
END_TEST

START_TEST(test_missing_data_dir_fails_with_message)
{
    char err[256] = "";
    ner_t *ner = ner_load("/nonexistent-dossier-data", err, sizeof err);
    ck_assert_ptr_null(ner);
    ck_assert(strstr(err, "/nonexistent-dossier-data") != NULL);
    ner_destroy(&ner); /* safe on NULL */
}
END_TEST

START_TEST(test_truncated_model_is_rejected)
{
    char *dir = engine_default_data_dir(), path[4096], tmp[] = "/tmp/check_ner_XXXXXX";
    snprintf(path, sizeof path, "%s/ner/model.bin", dir);
    size_t len = 0;
    char *bytes = ce_read(path, &len);
    ck_assert(bytes && len > 4096);
    int fd = mkstemp(tmp);
    ck_assert(fd >= 0 && write(fd, bytes, len / 2) == (ssize_t)(len / 2));
    close(fd);
    char err[256] = "";
    ner_model_t *m = ner_model_load(tmp, err, sizeof err);
    ck_assert_ptr_null(m);
    ck_assert(strstr(err, "model") != NULL);
    unlink(tmp);
    free(bytes);
    free(dir);
}
END_TEST

/* The runtime table holds up to three weights in a feature's slot and the rest elsewhere:
 * features with 1, 3 (last inline), 4 (first spilled) and 17 weights, keys that share a
 * home slot (probing), an absent key and a repeated one all score exactly what was written. */
START_TEST(test_model_table_scores_every_weight_count_exactly)
{
    enum { NF = 6 };
    /* keys 1 and 3 (and 5) share a home slot in 1024: (k * 0x9E3779B1) & 1023 */
    uint32_t keys[NF] = {0x400u, 0x800u, 0xC00u, 7u, 9u, 0x1000u};
    static const int counts[NF] = {1, 3, 4, 17, 0, 2};
    float w[NF * NER_NLABELS], trans[(NER_NLABELS + 1) * NER_NLABELS];
    memset(w, 0, sizeof w);
    memset(trans, 0, sizeof trans);
    for (int f = 0; f < NF; f++) {
        for (int j = 0; j < counts[f]; j++) {
            int lab = (f * 5 + j * 3) % NER_NLABELS;
            w[f * NER_NLABELS + lab] = (float)((j % 2 ? -1 : 1) * (100 * (f + 1) + j));
        }
    }
    w[3 * NER_NLABELS + 16] = 32767.0f; /* scale = 1: weights are stored exactly */
    char tmp[] = "/tmp/check_ner_model_XXXXXX";
    int fd = mkstemp(tmp);
    ck_assert(fd >= 0);
    close(fd);
    size_t bytes = 0;
    ck_assert_int_eq(ner_model_write(tmp, keys, w, NF, trans, 0.0f, &bytes), 0);
    char err[256] = "";
    ner_model_t *m = ner_model_load(tmp, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    float all[NER_NLABELS] = {0}, want[NER_NLABELS] = {0};
    for (int f = 0; f < NF; f++) {
        float got[NER_NLABELS] = {0};
        ner_model_emit(m, &keys[f], 1, got);
        for (int l = 0; l < NER_NLABELS; l++) {
            ck_assert_msg(got[l] == w[f * NER_NLABELS + l], "feature %d label %d: %g, want %g", f, l,
                          (double)got[l], (double)w[f * NER_NLABELS + l]);
            want[l] += 2 * w[f * NER_NLABELS + l];
        }
    }
    uint32_t twice[2 * NF + 1];
    for (int f = 0; f < NF; f++) {
        twice[2 * f] = twice[2 * f + 1] = keys[f];
    }
    twice[2 * NF] = 12345u; /* never written */
    ner_model_emit(m, twice, 2 * NF + 1, all);
    for (int l = 0; l < NER_NLABELS; l++) {
        ck_assert(all[l] == want[l]);
    }
    ner_model_destroy(&m);
    ck_assert_ptr_null(m);
    unlink(tmp);
}
END_TEST

/* A feature that names one label twice cannot be held in a dense row of one weight per
 * label: the model is rejected at load, not summed differently. */
START_TEST(test_model_with_a_repeated_label_is_rejected)
{
    uint32_t keys[2] = {11u, 12u};
    float w[2 * NER_NLABELS] = {0}, trans[(NER_NLABELS + 1) * NER_NLABELS] = {0};
    w[0] = 5.0f, w[NER_NLABELS + 1] = 7.0f, w[NER_NLABELS + 2] = -3.0f;
    char tmp[] = "/tmp/check_ner_model_XXXXXX";
    int fd = mkstemp(tmp);
    ck_assert(fd >= 0);
    close(fd);
    size_t bytes = 0;
    ck_assert_int_eq(ner_model_write(tmp, keys, w, 2, trans, 0.0f, &bytes), 0);
    char err[256] = "";
    ner_model_t *m = ner_model_load(tmp, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err); /* as written: fine */
    ner_model_destroy(&m);
    size_t len = 0;
    char *b = ce_read(tmp, &len);
    uint32_t nslots;
    memcpy(&nslots, b + 12, 4);
    /* the blob: feature 0's record (1 weight), then feature 1's (labels 1 and 2) */
    size_t blob = 28 + (size_t)(NER_NLABELS + 1) * NER_NLABELS * 4 + (size_t)nslots * 8;
    ck_assert_uint_eq((uint8_t)b[blob + 4], 2);
    ck_assert_uint_eq((uint8_t)b[blob + 5], 1);
    b[blob + 8] = 1 + NER_NLABELS; /* label 2 becomes 18, which is 1 again */
    FILE *f = fopen(tmp, "wb");
    ck_assert(f && fwrite(b, 1, len, f) == len);
    fclose(f);
    m = ner_model_load(tmp, err, sizeof err);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, "twice") != NULL, "%s", err);
    unlink(tmp);
    free(b);
}
END_TEST

/* Properties of a whitespace-separated sentence, with its capitalised runs. */
static size_t sentence_props(const char *text, ner_props_t *p, size_t cap, unsigned sflags)
{
    size_t n = 0;
    for (const char *s = text; *s && n < cap;) {
        size_t len = strcspn(s, " ");
        ner_props(s, len, 0, &p[n++]);
        s += len;
        s += *s == ' ';
    }
    ner_sentence_chains(p, n, sflags);
    return n;
}

START_TEST(test_capitalised_runs_span_connectors_and_match_acronyms)
{
    ner_props_t p[16];
    size_t n =
        sentence_props("the Organization of the Islamic Conference ( OIC ) met Britain and France", p, 16, 0);
    ck_assert_uint_eq(n, 13);
    ck_assert_uint_eq(p[0].cpos, NER_O);
    ck_assert_uint_eq(p[1].cpos, NER_B);
    ck_assert_uint_eq(p[2].cpos, NER_I); /* "of" */
    ck_assert_uint_eq(p[3].cpos, NER_I); /* "the" */
    ck_assert_uint_eq(p[5].cpos, NER_L);
    ck_assert_uint_eq(p[1].clen, 5);
    ck_assert(p[1].head == p[5].lower);
    ck_assert(p[1].cinfo & NER_CHAIN_CONN);
    ck_assert(p[1].cinfo & NER_CHAIN_ACRO);
    ck_assert(p[7].cinfo & NER_CHAIN_IS_ACRO);
    ck_assert_uint_eq(p[7].cpos, NER_U);
    /* "and" separates two names */
    ck_assert_uint_eq(p[10].cpos, NER_U);
    ck_assert_uint_eq(p[11].cpos, NER_O);
    ck_assert_uint_eq(p[12].cpos, NER_U);
    /* a wrong acronym is no match */
    n = sentence_props("the World Health Organization ( WTO ) met", p, 16, 0);
    ck_assert(!(p[1].cinfo & NER_CHAIN_ACRO));
    ck_assert(!(p[5].cinfo & NER_CHAIN_IS_ACRO));
    /* in a headline case says nothing: no runs */
    n = sentence_props("Shares Slump As Investors Fear Higher Rates", p, 16, NER_SENT_HEADLINE);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(p[i].cpos, NER_O);
    }
}
END_TEST

START_TEST(test_each_rule_can_be_switched_off_for_measurement)
{
    const char *text = "Secretary of State Condoleezza Rice arrived in Cairo on Monday.";
    doc_t d;
    analyse(&d, text);
    ck_assert_str_eq(need(&d, "Condoleezza Rice", "PERSON")->role, "Secretary of State");
    done(&d);
    /* the same text with the role rule off: no role is attached */
    memset(&d, 0, sizeof d);
    d.text = ds_xstrdup(text);
    d.r.text = d.text;
    d.r.len = strlen(text);
    engine_tokenize(&d.r);
    engine_segment(&d.r);
    engine_doc_view(&d.r, &d.doc);
    d.ner = load_ner();
    ner_set_rules_off(d.ner, NER_RULE_ROLES);
    char err[256] = "";
    ck_assert_int_eq(ner_run(d.ner, &d.doc, &d.nr, err, sizeof err), 0);
    size_t n;
    const ner_entity_t *e = ner_result_entities(d.nr, &n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(e[i].role == NULL, "\"%s\" has role %s with the role rule off", e[i].name, e[i].role);
    }
    done(&d);
}
END_TEST

START_TEST(test_dateline_place_in_capitals_is_a_location)
{
    static const char *const texts[][2] = {
        {"SANTIAGO (Examiner) - Thousands of students marched through the capital on Thursday, demanding "
         "free "
         "education.",
         "Santiago"},
        {"LUSAKA, 15 August 2021 \xE2\x80\x94 Zambia's opposition leader Hakainde Hichilema won the "
         "presidential "
         "election, the electoral commission said.",
         "Lusaka"},
    };
    for (size_t k = 0; k < 2; k++) {
        doc_t d;
        analyse(&d, texts[k][0]);
        need(&d, texts[k][1], "LOCATION");
        size_t n;
        const ner_entity_t *e = ner_result_entities(d.nr, &n);
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(strcasecmp(e[i].name, texts[k][1]) != 0 || strcmp(e[i].name, texts[k][1]) == 0,
                          "dateline kept in capitals as \"%s\"", e[i].name);
        }
        done(&d);
    }
}
END_TEST

START_TEST(test_one_name_has_one_type_in_a_document)
{
    /* the bare tagger reads the first "Qatar" as an actor (ORG), the second as a place */
    doc_t d;
    analyse(&d, "Qatar expelled the diplomats. Many workers in Qatar are migrants.");
    size_t n, found = 0;
    const ner_entity_t *e = ner_result_entities(d.nr, &n);
    for (size_t i = 0; i < n; i++) {
        found += strcmp(e[i].name, "Qatar") == 0;
    }
    ck_assert_uint_eq(found, 1);
    need(&d, "Qatar", "LOCATION");
    done(&d);
}
END_TEST

START_TEST(test_document_summary_reports_what_pass_one_said_elsewhere)
{
    /* "gazprom" tagged ORG once and missed once; "said" never tagged; "united nations" a span */
    const uint64_t g = 11, s = 12, u = 13, nn = 14, x = 15;
    const uint64_t lower[] = {g, s, u, nn, s, g, u, 0, x};
    const uint8_t l1[] = {
        NER_LABEL(NER_ORG, NER_U), 0, NER_LABEL(NER_ORG, NER_B), NER_LABEL(NER_ORG, NER_L), 0, 0, 0, 0, 0};
    ner_stack_t st[9];
    ner_stack_work_t w = {0};
    const uint8_t form[] = {1, 2, 1, 1, 2, 0, 1, 0, 2};
    ner_stack_doc(lower, l1, form, 9, &w, st);
    ck_assert_uint_eq(st[5].maj, 2 + NER_ORG); /* the missed "gazprom": ORG elsewhere */
    ck_assert_uint_eq(st[5].others, 1);
    ck_assert_uint_eq(st[0].maj, 1); /* the tagged one: elsewhere only O */
    ck_assert_uint_eq(st[1].maj, 1);
    ck_assert_uint_eq(st[8].maj, 0);             /* nowhere else */
    ck_assert_uint_eq(st[6].multi, 1 + NER_ORG); /* "united" inside a two-word ORG elsewhere */
    ck_assert_uint_eq(st[2].multi, 0);           /* ... but not elsewhere than itself */
    ck_assert_uint_eq(st[5].l1, 0);
    ck_assert_uint_eq(st[0].l1, NER_LABEL(NER_ORG, NER_U));
    ck_assert_uint_eq(st[5].casing, 1); /* "gazprom" capitalised inside a sentence elsewhere */
    ck_assert_uint_eq(st[0].casing, 0); /* ... its other occurrence opens a sentence */
    ck_assert_uint_eq(st[1].casing, 2); /* "said" lowercase elsewhere */
    ner_stack_work_free(&w);
}
END_TEST

START_TEST(test_second_pass_is_loaded_and_changes_only_through_its_model)
{
    ner_t *ner = load_ner();
    ck_assert_msg(ner_model2_of(ner) != NULL, "data/ner/model2.bin not loaded");
    /* without a second model, ner_tag_doc is exactly the first pass */
    const char *words[] = {"Gazprom", "said", "on", "Monday", "that", "Gazprom", "would", "cut", "gas", "."};
    uint32_t len[10];
    uint8_t space[10], a[10], b[10];
    for (size_t i = 0; i < 10; i++) {
        len[i] = (uint32_t)strlen(words[i]), space[i] = i > 0;
    }
    size_t spans[3] = {0, 5, 10};
    ner_doc_work_t w = {0};
    ner_tag_work_t tw = {0};
    ner_tag_doc(ner_model_of(ner), NULL, ner_gaz_of(ner), words, len, space, spans, 2, &w, a);
    ner_tag_sentence(ner_model_of(ner), ner_gaz_of(ner), words, len, space, 5, &tw, b);
    ner_tag_sentence(ner_model_of(ner), ner_gaz_of(ner), words + 5, len + 5, space + 5, 5, &tw, b + 5);
    ck_assert_mem_eq(a, b, 10);
    ner_tag_doc(ner_model_of(ner), ner_model2_of(ner), ner_gaz_of(ner), words, len, space, spans, 2, &w, a);
    ck_assert_uint_eq(NER_LABEL_TYPE(a[0]), NER_LABEL_TYPE(a[5])); /* one name, one reading */
    ner_doc_work_free(&w);
    ner_tag_work_free(&tw);
    ner_destroy(&ner);
}
END_TEST

/* Best well-formed labelling of three tokens by trying all of them. */
static void brute_best(const float *emit, const float *trans, uint8_t *best)
{
    float top = -1e30f;
    for (unsigned x = 0; x < NER_NLABELS * NER_NLABELS * NER_NLABELS; x++) {
        unsigned l[3] = {x % NER_NLABELS, x / NER_NLABELS % NER_NLABELS, x / NER_NLABELS / NER_NLABELS};
        unsigned last = NER_LABEL_PART(l[2]);
        if (!ner_transition_ok(NER_NLABELS, l[0]) || !ner_transition_ok(l[0], l[1]) ||
            !ner_transition_ok(l[1], l[2]) || (last != NER_O && last != NER_L && last != NER_U)) {
            continue;
        }
        float v = trans[NER_NLABELS * NER_NLABELS + l[0]] + trans[l[0] * NER_NLABELS + l[1]] +
                  trans[l[1] * NER_NLABELS + l[2]];
        for (int t = 0; t < 3; t++) {
            v += emit[t * NER_NLABELS + l[t]];
        }
        if (v > top) {
            top = v;
            for (int t = 0; t < 3; t++) {
                best[t] = (uint8_t)l[t];
            }
        }
    }
}

START_TEST(test_viterbi_finds_the_best_well_formed_labelling)
{
    float trans[(NER_NLABELS + 1) * NER_NLABELS], emit[3 * NER_NLABELS];
    uint32_t x = 12345;
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < sizeof trans / sizeof trans[0]; i++) {
            x = x * 1103515245u + 12345u;
            trans[i] = (float)(x >> 16 & 1023) / 256.0f;
        }
        for (size_t i = 0; i < sizeof emit / sizeof emit[0]; i++) {
            x = x * 1103515245u + 12345u;
            emit[i] = (float)(x >> 16 & 1023) / 128.0f;
        }
        ner_trans_mask(trans);
        uint8_t got[3], want[3];
        float score[3 * NER_NLABELS];
        uint8_t back[3 * NER_NLABELS];
        ner_viterbi(emit, trans, 3, got, score, back);
        brute_best(emit, trans, want);
        ck_assert_mem_eq(got, want, 3);
    }
}
END_TEST

START_TEST(test_tagger_scratch_is_bounded_and_never_changes_results)
{
    ner_t *ner = load_ner();
    const char *a[] = {"Foreign", "Minister", "Manouchehr", "Mottaki", "visited", "Sharm", "el-Sheikh", "."};
    uint32_t alen[8];
    uint8_t space[8] = {0, 1, 1, 1, 1, 1, 1, 0}, want[8], got[8], lab[4];
    for (size_t i = 0; i < 8; i++) {
        alen[i] = (uint32_t)strlen(a[i]);
    }
    ner_tag_work_t w = {0};
    ner_tag_sentence(ner_model_of(ner), ner_gaz_of(ner), a, alen, space, 8, &w, want);
    float emit[8 * NER_NLABELS];
    memcpy(emit, w.emit, sizeof emit);
    /* more distinct words than the scratch keeps: it must start afresh between sentences */
    char words[4][32];
    const char *s[4] = {words[0], words[1], words[2], words[3]};
    uint32_t len[4];
    for (unsigned k = 0; k < NER_TAG_MAX_TYPES / 2 + 100; k++) {
        /* digits all normalise to 0, so the words differ in letters */
        char l[5] = {(char)('a' + k % 26), (char)('a' + k / 26 % 26), (char)('a' + k / 676 % 26), 'x', 0};
        snprintf(words[0], sizeof words[0], "Zq%s", l);
        snprintf(words[1], sizeof words[1], "met");
        snprintf(words[2], sizeof words[2], "Vq%sy", l);
        snprintf(words[3], sizeof words[3], ".");
        for (int i = 0; i < 4; i++) {
            len[i] = (uint32_t)strlen(words[i]);
        }
        ner_tag_sentence(ner_model_of(ner), ner_gaz_of(ner), s, len, space, 4, &w, lab);
        ck_assert_uint_le(w.ntypes, NER_TAG_MAX_TYPES);
    }
    ck_assert_uint_lt(w.ntypes, NER_TAG_MAX_TYPES / 2); /* it did start afresh */
    ner_tag_sentence(ner_model_of(ner), ner_gaz_of(ner), a, alen, space, 8, &w, got);
    ck_assert_mem_eq(got, want, 8);
    ck_assert_mem_eq(w.emit, emit, sizeof emit); /* the very same scores */
    ner_tag_work_free(&w);
    ner_destroy(&ner);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ner");
    TCase *g = tcase_create("golden");
    tcase_set_timeout(g, 60);
    tcase_add_test(g, test_sample_names_its_people_as_persons);
    tcase_add_test(g, test_sample_lists_its_countries);
    tcase_add_test(g, test_sample_places_sharm_el_sheikh_and_baghdad_on_the_map);
    tcase_add_test(g, test_sample_roles_and_countries_of_people);
    tcase_add_test(g, test_sample_has_no_entities_from_common_words);
    suite_add_tcase(s, g);
    TCase *r = tcase_create("rules");
    tcase_set_timeout(r, 60);
    tcase_add_test(r, test_title_is_role_not_part_of_name);
    tcase_add_test(r, test_demonym_before_role_gives_person_country);
    tcase_add_test(r, test_us_role_implies_country_when_text_names_none);
    tcase_add_test(r, test_surname_joins_earlier_full_name);
    tcase_add_test(r, test_acronym_joins_long_form);
    tcase_add_test(r, test_names_with_particles_and_hyphens_stay_whole);
    tcase_add_test(r, test_organisation_names_keep_their_country_and_role_words);
    tcase_add_test(r, test_sentence_initial_capitals_are_not_entities);
    tcase_add_test(r, test_headline_and_all_caps_words_are_not_entities);
    tcase_add_test(r, test_short_and_official_forms_are_one_country);
    tcase_add_test(r, test_city_state_pair_resolves_to_us_state);
    tcase_add_test(r, test_person_named_like_a_country_stays_a_person);
    tcase_add_test(r, test_demonyms_count_for_their_country);
    tcase_add_test(r, test_capitalised_runs_span_connectors_and_match_acronyms);
    tcase_add_test(r, test_each_rule_can_be_switched_off_for_measurement);
    tcase_add_test(r, test_dateline_place_in_capitals_is_a_location);
    tcase_add_test(r, test_viterbi_finds_the_best_well_formed_labelling);
    tcase_add_test(r, test_one_name_has_one_type_in_a_document);
    tcase_add_test(r, test_document_summary_reports_what_pass_one_said_elsewhere);
    tcase_add_test(r, test_second_pass_is_loaded_and_changes_only_through_its_model);
    suite_add_tcase(s, r);
    TCase *a = tcase_create("api");
    tcase_set_timeout(a, 60);
    tcase_add_test(a, test_json_has_three_arrays_and_offsets_inside_text);
    tcase_add_test(a, test_null_result_writes_empty_arrays);
    tcase_add_test(a, test_same_input_gives_identical_json);
    tcase_add_test(a, test_tagger_scratch_is_bounded_and_never_changes_results);
    tcase_add_test(a, test_index_keys_are_type_and_normalised_name);
    tcase_add_test(a, test_bad_token_spans_are_rejected);
    tcase_add_test(a, test_missing_data_dir_fails_with_message);
    tcase_add_test(a, test_truncated_model_is_rejected);
    tcase_add_test(a, test_model_table_scores_every_weight_count_exactly);
    tcase_add_test(a, test_model_with_a_repeated_label_is_rejected);
    suite_add_tcase(s, a);
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
