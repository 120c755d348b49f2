/* engine_data.h: what engine_new() loads once per process, shared read-only by the
 * stages (plus the stem cache, which analysis extends).
 *
 * The vocabulary interns every word any lexicon mentions (folded: lowercase, ASCII
 * apostrophes); each entry carries its VADER valence, booster value, negation flag,
 * the languages it is a stopword in, and its English Snowball stem (interned in
 * `stems`).  Words met during analysis are added to the vocabulary as a stem cache;
 * engine_words_reset() truncates back to the static part when the cache gets big.
 * Stems carry the theme and activity flags.
 */
#ifndef ENGINE_DATA_H
#define ENGINE_DATA_H

#include "engine_lex.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENGINE_MAX_LANGS 32
#define ENGINE_CACHE_MAX_WORDS 200000 /* dynamic vocabulary entries before a reset */

enum {
    ENGINE_VF_NEGATE = 1u << 0,    /* VADER negation ("not", "never", "without") */
    ENGINE_VF_STEMMED = 1u << 1,   /* stem field is valid */
    ENGINE_VF_TIME = 1u << 2,      /* may start a time expression (engine_dates.c) */
    ENGINE_VF_REPORTING = 1u << 3, /* a reporting verb ("said", "told"): ends key phrases */
    ENGINE_VF_EVENT = 1u << 4,     /* starts an event pattern (data/engine/events.tsv) */
};

enum {
    ENGINE_SF_ACTIVE = 1u << 0, /* an active (event) word, for tone.activity */
    ENGINE_SF_THEME = 1u << 1,  /* some theme phrase starts with this stem */
};

/* Words the tone rules name (engine_data.h tone_ids). */
enum { ENGINE_TONE_BUT = 0, ENGINE_TONE_LEAST, ENGINE_TONE_AT, ENGINE_TONE_VERY };

typedef struct {
    float valence;     /* VADER mean valence, 0 when none */
    float booster;     /* VADER booster/dampener scalar, 0 when none */
    uint32_t stop;     /* bit i: a stopword of language i */
    uint32_t stem;     /* English stem id (ENGINE_VF_STEMMED) */
    uint16_t flags;    /* ENGINE_VF_* */
    uint8_t syllables; /* English syllable estimate + 1, 0 until computed */
    uint8_t time_word; /* engine_dates.c's code for a time word, 0 for none */
    uint8_t xlang;     /* stopword-language index + 1 of xstem, 0 when none */
    uint32_t xstem;    /* stem id in one other language (the last one asked) */
} engine_vocab_t;

typedef struct engine_data engine_data_t;
typedef struct engine_themes engine_themes_t;     /* engine_themes.c */
typedef struct engine_currency engine_currency_t; /* engine_amounts.c */

struct engine_data {
    engine_lex_t vocab;
    engine_vocab_t *ventries;
    size_t vcap, vocab_static;

    engine_lex_t stems;
    uint8_t *sflags; /* per stem id: ENGINE_SF_* */
    size_t scap, stems_static;

    char langs[ENGINE_MAX_LANGS][4]; /* stopword languages, by bit index */
    int n_langs;
    int lang_en; /* bit index of English */

    float allcaps_incr;   /* VADER emphasis for ALL-CAPS words */
    uint32_t tone_ids[4]; /* vocabulary ids of ENGINE_TONE_* words */

    engine_themes_t *themes;
    engine_currency_t *currency;
    void *textcat;                        /* libexttextcat handle */
    void *stemmers[ENGINE_MAX_LANGS + 1]; /* struct sb_stemmer *, created on first use */
};

/* One line of a data file split on tabs; fields[0..n). */
typedef int (*engine_line_fn)(void *ctx, char **fields, int n, char *errstr, size_t errlen);
/* Calls fn for each non-blank, non-comment line of data_dir/engine/name.  Errors
 * name the file and line. */
int engine_data_lines(const char *data_dir, const char *name, engine_line_fn fn, void *ctx, char *errstr,
                      size_t errlen);

/* Interns a folded word in the vocabulary (static part while loading). */
uint32_t engine_vocab_add(engine_data_t *d, const char *w, size_t n);
/* Interns a stem; returns its id. */
uint32_t engine_stem_add(engine_data_t *d, const char *s, size_t n);
/* Snowball stem of a folded word in language lang ("en", ...) into out; returns its
 * length (the word itself when no stemmer exists for the language). */
size_t engine_stem(engine_data_t *d, const char *lang, const char *w, size_t n, char *out, size_t cap);
/* Bit index of a stopword language, or -1. */
int engine_lang_index(const engine_data_t *d, const char *lang);

/* Loaders of the stages that own their data. */
int engine_themes_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen);
void engine_themes_free(engine_data_t *d);
int engine_currency_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen);
void engine_currency_free(engine_data_t *d);
int engine_lang_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen);
void engine_dates_load(engine_data_t *d);
void engine_lang_free(engine_data_t *d);

#endif
