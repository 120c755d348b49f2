/* ner.h: the "who and where" stage: named entities (PERSON, ORG, LOCATION, NORP),
 * their roles, countries and coreference, the countries a document is about, and its
 * places on the map.
 *
 * Model: a BILOU sequence tagger (averaged perceptron, Viterbi; data/ner/model.bin,
 * trained by tools/ner_train.c) proposes mentions per sentence; rules then refine
 * them: titles become roles ("Secretary of State Rice" -> PERSON "Rice", role
 * "Secretary of State", country US), names with particles stay whole ("Sharm
 * el-Sheikh"), common words at sentence starts and in headlines are dropped, one
 * name keeps one type across the document, short forms join long ones ("Mottaki" ->
 * "Manouchehr Mottaki", "IAEA" -> "International Atomic Energy Agency"), places are
 * resolved against data/geo with context and population.  Pure: no I/O after
 * ner_load, no clock, no logging, no globals.  A ner_t is read-only after loading
 * except for the tagger's scratch (per-word score vectors kept between documents,
 * bounded): run one document at a time on a ner_t (one per worker process).
 *
 * How engine.c calls it (engine_ner_glue.c):
 *
 *     // once, in engine_ner_load():
 *     e->ner = ner_load(e->data_dir, errstr, errlen);        // NULL + errstr on error
 *     // per document, after tokens, sentences and per-sentence tone exist:
 *     engine_doc_t doc;
 *     engine_doc_view(r, &doc);
 *     ner_result_t *nr = NULL;
 *     if (r->english && ner_run(e->ner, &doc, &nr, err, sizeof err) == 0) r->ner = nr;
 *     // JSON, inside the result object (writes keys entities, countries, locations):
 *     ner_result_json(r->ner, j);                             // r->ner may be NULL: empty arrays
 *     // index keys for the worker (borrowed until ner_result_destroy):
 *     out->entities = ner_result_keys(r->ner, &out->n_entities);
 *     out->countries = ner_result_country_codes(r->ner, &out->n_countries);
 *     // in engine_ner_free() / engine_ner_unload():
 *     ner_result_destroy((ner_result_t **)&r->ner);  ner_destroy((ner_t **)&e->ner);
 *
 * Offsets in the result are byte offsets into doc->text.
 */
#ifndef NER_H
#define NER_H

#include "ds_err.h"
#include "ds_json.h"
#include "engine.h"
#include "engine_text.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ner ner_t;
typedef struct ner_result ner_result_t;

/* One entity of a result; everything borrowed until ner_result_destroy, and place and
 * country names from the ner_t's data: destroy results before their ner_t. */
typedef struct {
    const char *name;           /* canonical (longest) form */
    const char *type;           /* "PERSON", "ORG", "LOCATION", "NORP", "MISC" */
    const char *role;           /* "Secretary of State", or NULL */
    const char *country;        /* ISO 3166-1 alpha-2, or "" */
    double salience;            /* 0..1, 1 for the most salient entity */
    uint32_t count;             /* number of mentions */
    const uint32_t *mentions;   /* count pairs: [start, end) byte offsets, in text order */
    const char *const *aliases; /* other surface forms */
    size_t n_aliases;
} ner_entity_t;

typedef struct {
    char code[3]; /* ISO 3166-1 alpha-2 */
    const char *name;
    uint32_t mentions; /* names and demonyms */
} ner_country_t;

typedef struct {
    const char *name;
    const char *kind; /* "country", "admin1", "city", "region", "landmark" */
    char country[3];  /* "" for regions that span countries */
    double lat, lon;
    uint32_t mentions;
} ner_location_t;

/* Loads DIR/ner (model.bin, lexicon.tsv, titles.txt, orgwords.txt, roles.tsv) and
 * DIR/geo.  Returns NULL and fills errstr when a file is missing or malformed. */
ner_t *ner_load(const char *data_dir, char *errstr, size_t errlen);
void ner_destroy(ner_t **self_p);

/* Finds the entities, countries and places of doc (tokens and sentences from the
 * engine's tokenizer; each sentence's tone is used for salience only when non-zero).
 * Returns 0 and an owned result in *out, or DS_EINVAL (bad spans) with errstr. */
int ner_run(const ner_t *ner, const engine_doc_t *doc, ner_result_t **out, char *errstr,
            size_t errlen) DS_WUR;

/* Writes "entities", "countries" and "locations" into an open JSON object; r may be
 * NULL (three empty arrays). */
void ner_result_json(const ner_result_t *r, ds_json_t *j);

const ner_entity_t *ner_result_entities(const ner_result_t *r, size_t *n);
const ner_country_t *ner_result_countries(const ner_result_t *r, size_t *n);
const ner_location_t *ner_result_locations(const ner_result_t *r, size_t *n);

/* Index keys for the worker: entity type + normalised name (lowercase, spaces as '_'),
 * one per entity; and the distinct country codes.  r may be NULL (n = 0). */
const engine_entity_key_t *ner_result_keys(const ner_result_t *r, size_t *n);
const char *const *ner_result_country_codes(const ner_result_t *r, size_t *n);

/* BILOU label (ner_feat.h numbering) per token from the result's mentions, for the
 * evaluator: toks are the n tokens the result was computed from. */
void ner_result_labels(const ner_result_t *r, const engine_tok_t *toks, size_t n, uint8_t *labels);

void ner_result_destroy(ner_result_t **self_p);

/* Rules in the order they run, as bits for ner_set_rules_off (for measuring each
 * rule; ner_load leaves NER_RULE_PROPAGATE off, which did not help on GMB dev). */
enum {
    NER_RULE_ROLES = 1u << 0,
    NER_RULE_PARTICLES = 1u << 1,
    NER_RULE_COMPOUNDS = 1u << 2,
    NER_RULE_KNOWN = 1u << 3,
    NER_RULE_RETYPE = 1u << 4,
    NER_RULE_FALSE_POS = 1u << 5,
    NER_RULE_VOTE = 1u << 6,
    NER_RULE_PROPAGATE = 1u << 7,
};
void ner_set_rules_off(ner_t *ner, unsigned mask);

/* The loaded tagger parts, for the evaluator's --tagger-only mode (borrowed). */
struct ner_model;
struct ner_gaz;
const struct ner_model *ner_model_of(const ner_t *ner);
/* The second, document-level pass's model (ner_stack.h), NULL when there is none. */
const struct ner_model *ner_model2_of(const ner_t *ner);
const struct ner_gaz *ner_gaz_of(const ner_t *ner);

#endif
