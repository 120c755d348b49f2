/* engine_text.h: the analysed text as plain arrays of byte spans, shared by the
 * engine's stages (tone, themes, dates, NER, geo ...).
 *
 * Model: the engine normalises the input once (NFC; HTML -> text) into one UTF-8
 * buffer; every span below is a half-open byte range [start, end) into that buffer,
 * always on UTF-8 boundaries.  Tokens are in text order; each belongs to exactly one
 * sentence; sentences are in order and each lies inside one paragraph.  Everything
 * is owned by the engine_result_t and borrowed by the stages for the duration of
 * engine_analyze().
 *
 * Callers: every worker/engine stage, including ner* / geo*.
 */
#ifndef ENGINE_TEXT_H
#define ENGINE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Token kinds and properties (engine_tok_t.flags). */
enum {
    ENGINE_TOK_WORD = 1u << 0,        /* letters (may contain digits, inner - ' .) */
    ENGINE_TOK_NUMBER = 1u << 1,      /* digits, with inner , . - (13.7, 1,000, 2008-02-22) */
    ENGINE_TOK_PUNCT = 1u << 2,       /* one punctuation or symbol character (or "...") */
    ENGINE_TOK_CAP = 1u << 3,         /* first letter is upper case */
    ENGINE_TOK_UPPER = 1u << 4,       /* every letter is upper case (and there are >= 2) */
    ENGINE_TOK_ABBREV = 1u << 5,      /* ends with its own period: "U.S.", "Mr.", "Feb.", "W." */
    ENGINE_TOK_HYPHEN = 1u << 6,      /* has an inner hyphen: "al-Qaeda", "el-Sheikh" */
    ENGINE_TOK_APOS = 1u << 7,        /* has an inner apostrophe kept in the token: "O'Brien" */
    ENGINE_TOK_CLITIC = 1u << 8,      /* split-off clitic: "'s", "n't", "'re" (not counted as a word) */
    ENGINE_TOK_SENT_START = 1u << 9,  /* first token of its sentence */
    ENGINE_TOK_PARA_START = 1u << 10, /* first token of its paragraph */
    ENGINE_TOK_QUOTE = 1u << 11,      /* a quotation mark (also set with PUNCT) */
    ENGINE_TOK_STOP = 1u << 12,       /* a stopword of the document's language */
    ENGINE_TOK_LINE_START = 1u << 13, /* first token on its line */
    ENGINE_TOK_NONASCII = 1u << 14,   /* contains bytes >= 0x80 */
    ENGINE_TOK_MEASURE = 1u << 15,    /* inside a date, time or amount expression */
};

typedef struct {
    uint32_t start, end; /* byte span [start, end) */
    uint16_t flags;      /* ENGINE_TOK_* */
    uint16_t pad;
    uint32_t sent; /* index of its sentence */
} engine_tok_t;

typedef struct {
    uint32_t start, end;         /* byte span, first token start .. last token end */
    uint32_t tok_first, tok_end; /* tokens [tok_first, tok_end) */
    uint32_t para;               /* index of its paragraph */
    float tone;                  /* positive% - negative% of the sentence (0 when not run) */
    float compound;              /* VADER compound score in [-1, 1] (0 when not run) */
} engine_sent_t;

typedef struct {
    uint32_t start, end; /* byte span of the paragraph's text */
    uint32_t sent_first, sent_end;
} engine_para_t;

/* The whole analysed document, borrowed by a stage during engine_analyze(). */
typedef struct {
    const char *text; /* len bytes of valid UTF-8 NFC, followed by a NUL (scanners rely on it) */
    size_t len;
    const engine_tok_t *toks;
    size_t n_toks;
    const engine_sent_t *sents;
    size_t n_sents;
    const engine_para_t *paras;
    size_t n_paras;
    const char *lang;      /* ISO 639-1 or "unknown" */
    const char *published; /* ISO 8601 date or "" */
} engine_doc_t;

#endif
