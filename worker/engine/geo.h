/* geo.h: the gazetteer of places: countries (names, short forms, demonyms), first-level
 * subdivisions, cities and hand-written regions and landmarks, from data/geo/.
 *
 * Loaded once (geo_load) and then read-only.  Names are looked up by phrase key
 * (ner_phrase_key / ner_phash_*), so lookups ignore case and how the tokenizer split
 * the words.  Callers: ner.c (places and countries), ner_gaz.c (tagger features),
 * tools/ner_train.c.
 */
#ifndef GEO_H
#define GEO_H

#include <stddef.h>
#include <stdint.h>

typedef enum { GEO_COUNTRY = 0, GEO_ADMIN1, GEO_CITY, GEO_REGION, GEO_LANDMARK } geo_kind_t;

typedef struct {
    const char *name;   /* canonical name */
    const char *admin1; /* city: GeoNames admin1 code; admin1: ISO 3166-2 code; else "" */
    char cc[3];         /* ISO 3166-1 alpha-2, "" for regions without a country */
    uint8_t kind;       /* geo_kind_t */
    float lat, lon;
    uint32_t pop; /* cities only */
} geo_place_t;

typedef struct geo geo_t;

/* Reads DIR/geo/{countries,admin1,cities,regions}.tsv.  NULL and errstr on failure. */
geo_t *geo_load(const char *data_dir, char *errstr, size_t errlen);
void geo_destroy(geo_t **self_p);

const char *geo_kind_name(int kind);

/* Places whose name or alias has this key, countries first, then admin1, regions,
 * and cities by falling population; returns how many were written (<= max). */
size_t geo_find(const geo_t *g, uint64_t key, const geo_place_t **out, size_t max);
/* The country a demonym ("Iranian", "Britons") names, or NULL. */
const geo_place_t *geo_demonym(const geo_t *g, uint64_t key);
/* The country with this alpha-2 code, or NULL. */
const geo_place_t *geo_country(const geo_t *g, const char *cc);
/* The admin1 subdivision with this country and GeoNames/ISO admin code, or NULL. */
const geo_place_t *geo_admin1(const geo_t *g, const char *cc, const char *code);

/* Calls fn for every name: class is 0 country, 1 demonym, 2 city (pop >= min_city_pop),
 * 3 admin1, 4 region or landmark.  For building the tagger's gazetteer. */
typedef void (*geo_name_fn)(void *ctx, const char *name, size_t len, int cls);
void geo_each_name(const geo_t *g, uint32_t min_city_pop, geo_name_fn fn, void *ctx);

#endif
