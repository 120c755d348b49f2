/* engine_internal.h: the engine's private types, shared by its stages only.
 *
 * struct engine holds what is loaded once (lexicons, stemmers, language models) and
 * scratch buffers reused between documents.  struct engine_result owns everything a
 * document's analysis produced: the analysed text, token/sentence/paragraph arrays
 * (engine_text.h) and each stage's output.  Strings in a result live in its arena
 * and are freed with it.  Stages are plain functions over (engine, result); they
 * never allocate per token (arrays grow geometrically, strings go to the arena).
 *
 * Not installed; callers outside worker/engine use engine.h.
 */
#ifndef ENGINE_INTERNAL_H
#define ENGINE_INTERNAL_H

#include "engine.h"
#include "ds_json.h"
#include "engine_arena.h"
#include "engine_events.h"
#include "engine_text.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENGINE_MAX_BYTES_DEFAULT ((size_t)1 << 20)
#define ENGINE_MAX_WARNINGS 16
#define ENGINE_MAX_AUTHORS 8

#include "engine_data.h"

/* Per-token lexical facts, parallel to the token array (engine_words.c). */
typedef struct {
    uint32_t vocab; /* vocabulary id, ENGINE_LEX_NONE for punctuation and huge words */
    uint32_t stem;  /* stem id in the document's language, ENGINE_LEX_NONE when none */
    uint64_t hash;  /* hash of the folded form, 0 for punctuation */
} engine_word_t;

/* A content word: a word token, not a stopword, split-off clitic or part of a date
 * or amount, stemmed, at least two bytes (keywords and summary). */
static inline bool engine_is_content(const engine_word_t *w, const engine_tok_t *t)
{
    return (t->flags & ENGINE_TOK_WORD) &&
           !(t->flags & (ENGINE_TOK_STOP | ENGINE_TOK_CLITIC | ENGINE_TOK_MEASURE)) &&
           w->stem != ENGINE_LEX_NONE && t->end - t->start >= 2;
}

struct engine {
    char *data_dir;
    engine_data_t *data;
    void *ner;                   /* NER/geo state when that stage is built in, else NULL */
    engine_events_lex_t *events; /* data/engine/events.tsv */
    engine_stage_fn stage_hook;  /* benchmarks only */
    void *stage_ctx;

    /* scratch reused from one document to the next (no per-document allocation) */
    engine_word_t *words;
    size_t cap_words;
    engine_arena_t tmp; /* stages' temporary arrays, reset per document */

    /* per-document dense stem numbers (engine_words_stem), for keywords and summary:
     * lstem[k] numbers token k's stem 0, 1, 2 ... in order of first occurrence
     * (ENGINE_LEX_NONE without a stem; in tmp), n_lstems of them.  stem_map, per
     * stem id, holds the document generation that numbered it and the number. */
    uint32_t *lstem;
    uint32_t n_lstems;
    uint32_t stem_gen;
    uint64_t *stem_map; /* generation << 32 | number */
    size_t cap_stem_map;
};

#define ENGINE_TMP_KEEP_MAX ((size_t)8 << 20) /* scratch kept between documents */

typedef struct {
    const char *code;
    double score; /* hits per 1,000 words */
    uint32_t count;
    uint32_t first_hit; /* index into result hits */
    uint32_t n_hits;
} engine_theme_t;

typedef struct {
    const char *text; /* surface form of the best variant */
    double score;
    uint32_t count;
} engine_keyword_t;

typedef struct {
    uint32_t start, end; /* span of the expression */
    const char *value;   /* ISO 8601 date, month, year or range "a/b" */
} engine_date_t;

typedef struct {
    uint32_t start, end;
    double value;     /* in units, magnitude applied: 13.7e9 */
    const char *unit; /* ISO 4217 code, "percent", or the counted noun */
    const char *kind; /* "money", "percent", "count" */
} engine_amount_t;

typedef struct {
    uint32_t start, end; /* span of the quoted text, without the marks */
    const char *speaker; /* NULL when none found */
} engine_quote_t;

typedef struct {
    double score, positive, negative, polarity, activity;
    uint32_t words, pos_words, neg_words, active_words;
} engine_tone_t;

struct engine_result {
    engine_arena_t arena;
    engine_input_t in; /* copied strings (arena), for the JSON */
    char digest[65];

    /* analysed text: NFC of the input, or text extracted from HTML */
    char *text;
    size_t len;
    bool text_differs; /* true when text is not the bytes as submitted */

    engine_tok_t *toks;
    size_t n_toks, cap_toks;
    engine_sent_t *sents;
    size_t n_sents, cap_sents;
    engine_para_t *paras;
    size_t n_paras, cap_paras;

    /* meta */
    const char *title;
    const char *html_title;            /* <h1> or <title> of HTML input, or NULL */
    int32_t title_sent;                /* the sentence that is the headline, or -1 */
    uint32_t byline_first, byline_end; /* tokens of the byline line (empty when none) */
    const char *authors[ENGINE_MAX_AUTHORS];
    size_t n_authors;
    const char *published;     /* ISO 8601 or NULL */
    const char *published_raw; /* as found or given, or NULL */
    int64_t published_ms;      /* -1 when unknown */
    int pub_y, pub_m, pub_d;   /* 0 when unknown */
    const char *dateline;      /* place of the dateline, or NULL */
    const char *lang;
    double lang_confidence;
    bool english; /* English-only stages run */

    /* counts */
    int64_t chars, words, syllables;

    double flesch, fk_grade;
    engine_tone_t tone;

    engine_keyword_t *keywords;
    size_t n_keywords;
    uint32_t *summary; /* sentence indexes, document order */
    size_t n_summary;
    engine_theme_t *themes;
    size_t n_themes;
    uint32_t *theme_hits; /* pairs start,end */
    size_t n_theme_hits;
    engine_date_t *dates;
    size_t n_dates, cap_dates;
    engine_amount_t *amounts;
    size_t n_amounts, cap_amounts;
    engine_quote_t *quotes;
    size_t n_quotes, cap_quotes;
    engine_event_t *events;
    size_t n_events;
    uint64_t simhash;

    const char *warnings[ENGINE_MAX_WARNINGS];
    size_t n_warnings;

    void *ner; /* NER/geo output when built in */

    /* summary view (engine_result_summary) */
    const char **theme_codes;
};

/* Grows *p (elements of size elem, capacity *cap) to hold at least need elements. */
void engine_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Adds a warning code (static string) once; extra ones beyond the limit are dropped. */
void engine_warn(engine_result_t *r, const char *code);

/* A borrowed engine_doc_t view of the result. */
void engine_doc_view(const engine_result_t *r, engine_doc_t *doc);

/* Data (engine_data.c): loads everything under data_dir once; frees it. */
int engine_data_load(engine_t *e, char *errstr, size_t errlen);
void engine_data_free(engine_t *e);

/* Input (engine_input.c): NFC or HTML extraction into r->text; DS_EEMPTY when
 * nothing but white space remains. */
int engine_prepare_text(engine_t *e, engine_result_t *r, const char *text, size_t len, char *errstr,
                        size_t errlen);

/* HTML (engine_html.c): appends the text of an HTML document to out and sets
 * r->html_title. */
int engine_html_to_text(engine_result_t *r, const char *html, size_t len, ds_buf_t *out, char *errstr,
                        size_t errlen);

/* Stages, in pipeline order (each in its own file). */
void engine_tokenize(engine_result_t *r);
void engine_segment(engine_result_t *r);
void engine_count(engine_result_t *r);
void engine_readability(engine_t *e, engine_result_t *r);
void engine_meta(const engine_t *e, engine_result_t *r);
void engine_byline(engine_result_t *r);
void engine_words_lookup(engine_t *e, engine_result_t *r);
void engine_language(const engine_t *e, engine_result_t *r);
void engine_words_stem(engine_t *e, engine_result_t *r);
void engine_published(engine_result_t *r);
void engine_tone(engine_t *e, engine_result_t *r);
void engine_ner_run(engine_t *e, engine_result_t *r);
void engine_keywords(engine_t *e, engine_result_t *r);
void engine_summarize(engine_t *e, engine_result_t *r);
void engine_themes(const engine_t *e, engine_result_t *r);
void engine_dates(const engine_t *e, engine_result_t *r);
/* The value of a spelled number "zero".."twelve" at token k, or -1 (engine_dates.c). */
int engine_spelled_number(const engine_t *e, size_t k);
void engine_amounts(const engine_t *e, engine_result_t *r);
void engine_quotes(engine_result_t *r);
/* Events (engine_events.c): actors from the NER result; none without it. */
void engine_events(const engine_t *e, engine_result_t *r);
void engine_simhash(const engine_t *e, engine_result_t *r);
/* Builds the views engine_result_summary() hands out. */
void engine_finish(engine_result_t *r);

/* NER/geo glue (engine_ner_glue.c): JSON of entities/countries/locations (empty
 * arrays without NER), summary keys, and freeing. */
void engine_ner_json(const engine_result_t *r, ds_json_t *j);
void engine_ner_summary(const engine_result_t *r, engine_summary_t *out);
void engine_ner_free(engine_result_t *r);
int engine_ner_load(engine_t *e, char *errstr, size_t errlen);
void engine_ner_unload(engine_t *e);

#endif
