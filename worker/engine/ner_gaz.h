/* ner_gaz.h: the tagger's gazetteer: which phrases start or continue at each token.
 *
 * One map from phrase key to a bitmask of NER_GAZ_* classes, filled from the geo
 * tables, hand-written lists (titles, organisation words) and the lexicon the trainer
 * derives from the training split (given names, surnames, organisations, words that
 * are usually lowercase).  Prefixes of longer phrases are marked so tagging stops
 * extending a match as soon as no phrase can continue.  Read-only once built.
 */
#ifndef NER_GAZ_H
#define NER_GAZ_H

#include "geo.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ner_gaz ner_gaz_t;

ner_gaz_t *ner_gaz_new(void);
void ner_gaz_destroy(ner_gaz_t **self_p);

void ner_gaz_add(ner_gaz_t *gz, const char *phrase, size_t len, int cls);
/* Countries, demonyms, admin1, regions and cities of 100,000 people or more. */
void ner_gaz_add_geo(ner_gaz_t *gz, const geo_t *geo);
/* A file of one phrase a line ('#' comments) of class cls. */
int ner_gaz_load_list(ner_gaz_t *gz, const char *path, int cls, char *errstr, size_t errlen);
/* A lexicon file of "class<TAB>phrase" lines, class one of given, surname, org, lower. */
int ner_gaz_load_lexicon(ner_gaz_t *gz, const char *path, char *errstr, size_t errlen);
/* Loads everything the tagger needs from data_dir (geo must already be loaded); the
 * lexicon is data_dir/ner/lexicon.tsv unless lexicon names another file. */
int ner_gaz_load_all(ner_gaz_t *gz, const geo_t *geo, const char *data_dir, const char *lexicon, char *errstr,
                     size_t errlen);

/* Class bits (1 << NER_GAZ_*) of the phrase with this key, 0 when none. */
uint32_t ner_gaz_classes(const ner_gaz_t *gz, uint64_t key);

/* Fills out[i] with NER_GAZ_B/I bits for tokens s[i] (len[i] bytes); space[i] says
 * whether whitespace separates token i from token i-1. */
void ner_gaz_tag(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                 size_t n, uint32_t *out);

/* The entry of the one-token phrase with this key (the token's ner_props lower hash is
 * its phrase key): 0 when none, else an opaque value for ner_gaz_tag_from. */
uint32_t ner_gaz_entry(const ner_gaz_t *gz, uint64_t key);
/* ner_gaz_tag given first[i], the ner_gaz_entry of token i alone: only tokens that
 * open a longer phrase are hashed again. */
void ner_gaz_tag_from(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                      size_t n, const uint32_t *first, uint32_t *out);

#endif
