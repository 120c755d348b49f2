/* ner_internal.h: types shared by the ner*.c files only (the stage's private state).
 *
 * A run goes: tag (ner.c) -> mentions -> rules (ner_rules.c: roles, particles,
 * false positives, document consistency) -> entities (ner_coref.c: coreference,
 * salience) -> countries and places (ner_places.c) -> result (ner_result.c).
 * Mentions are token ranges of the borrowed engine_doc_t; strings of the result are
 * owned by the result.
 */
#ifndef NER_INTERNAL_H
#define NER_INTERNAL_H

#include "geo.h"
#include "ner.h"
#include "ner_feat.h"
#include "ner_gaz.h"
#include "ner_map.h"
#include "ner_model.h"
#include "ner_tag.h"

#include <stdbool.h>

#define NER_MISC 4 /* entity type beyond the tagger's four */
#define NER_NKINDS 5
#define NER_CHUNK 200 /* longest token run tagged at once */
#define NER_ROLE_MAX_TOKENS 6

typedef struct {
    const char *canon; /* "" for courtesy titles (Mr., Dr.) that are no role */
    char cc[3];        /* country the role implies when the text names none */
} ner_role_t;

struct ner {
    geo_t *geo;
    ner_gaz_t *gaz;
    ner_model_t *model;
    ner_model_t *model2;       /* second, document-level pass (ner_stack.h); NULL: none */
    struct ner_doc_work *work; /* tagger scratch reused by every ner_run (see ner.h) */
    ner_map_t roles;           /* phrase key -> index into role_list + 1 */
    ner_role_t *role_list;
    size_t n_roles;
    char *roles_buf;
    ner_map_t known; /* phrase key of a well-known name (names.tsv) -> type + 1 */
    /* phrase keys of every prefix of a role phrase, of a well-known name: a span whose
     * first tokens are no such prefix cannot be one (ner_add_prefixes) */
    ner_map_t role_pre, known_pre;
    unsigned rules_off; /* NER_RULE_* bits of rules to skip (evaluation only) */
};

typedef struct {
    uint32_t first, end;   /* tokens [first, end) */
    uint32_t bstart, bend; /* bytes; inside one token for parts of "US-Iran" (sub) */
    bool sub;
    uint32_t sent;
    uint8_t type; /* NER_PER .. NER_NORP, NER_MISC */
    bool dropped;
    int32_t role;                  /* index into ner->role_list, -1 for none */
    uint32_t tail_first, tail_end; /* tokens that continue the role ("for Political Affairs") */
    char cc[3];                    /* country the context gives, "" for none */
    int32_t ent;                   /* entity index after coreference */
    uint64_t key;                  /* phrase key of the mention's text */
} ner_mention_t;

typedef struct {
    uint32_t canon; /* mention whose text is the canonical name */
    uint8_t type;
    int32_t role;
    char cc[3];
    double salience;
    uint32_t count;
    const geo_place_t *place;
} ner_ent_t;

/* State of one run. */
typedef struct {
    const ner_t *ner;
    const engine_doc_t *doc;
    uint8_t *labels; /* per token */
    ner_mention_t *m;
    size_t nm, cap_m;
    ner_ent_t *e;
    size_t ne;
} ner_run_t;

/* Token helpers. */
static inline const char *ner_tok_text(const engine_doc_t *d, size_t i)
{
    return d->text + d->toks[i].start;
}
static inline uint32_t ner_tok_len(const engine_doc_t *d, size_t i)
{
    return d->toks[i].end - d->toks[i].start;
}
uint64_t ner_span_key(const engine_doc_t *d, size_t first, size_t end);
/* Adds the phrase key of every byte prefix of phrase to map (value 1), so that the key
 * of any tokens a matching span starts with is there, however they were cut. */
void ner_add_prefixes(ner_map_t *map, const char *phrase, size_t len);
/* Case-insensitive ASCII comparison of token i with word. */
bool ner_tok_is(const engine_doc_t *d, size_t i, const char *word);
/* Country of a demonym or country name at tokens [first, end) ("then-Iranian" too), or NULL. */
const geo_place_t *ner_country_at(const ner_t *ner, const engine_doc_t *d, size_t first, size_t end);

ner_mention_t *ner_add_mention(ner_run_t *run, uint32_t first, uint32_t end, uint32_t sent, int type);
/* Recomputes bstart, bend and key after first or end changed. */
void ner_mention_update(const engine_doc_t *d, ner_mention_t *m);

/* True when token i starts with a capital letter (ASCII or Latin-1). */
bool ner_tok_cap(const engine_doc_t *d, size_t i);
/* Gazetteer classes of the phrase at tokens [first, end). */
uint32_t ner_gaz_span(const ner_run_t *run, size_t first, size_t end);

/* Stages. */
void ner_roles(ner_run_t *run);
void ner_rules(ner_run_t *run);
void ner_coref(ner_run_t *run);
/* Resolves LOCATION and NORP entities to places and countries (sets place, cc). */
void ner_places(ner_run_t *run);
ner_result_t *ner_result_build(ner_run_t *run);

#endif
