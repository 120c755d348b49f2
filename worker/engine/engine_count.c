/* engine_count.c: counts (chars, words) and readability.
 *
 * chars counts code points of the analysed text; words counts word and number
 * tokens (split-off clitics such as "'s" are part of their word), and each Han,
 * kana or Hangul character of a token as a word of its own.  Readability is
 * Flesch reading ease and the Flesch-Kincaid grade, with syllables estimated by
 * vowel groups (English rules: a silent final "e", "-le" keeps its syllable); it is
 * only meaningful for English, so it runs for English only (the JSON writes null
 * for other languages); each word's syllable count is cached in its vocabulary
 * entry.
 *
 * engine_count() runs after engine_segment(), engine_readability() after the
 * language is known.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <string.h>

static bool vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int syllables(const char *s, size_t n)
{
    int groups = 0;
    bool prev = false;
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c + 32);
        }
        bool v = vowel(c);
        groups += v && !prev;
        prev = v;
        letters += (c >= 'a' && c <= 'z');
    }
    if (n >= 3 && (s[n - 1] == 'e' || s[n - 1] == 'E') && !vowel(s[n - 2] | 32) &&
        !((s[n - 2] | 32) == 'l' && !vowel(s[n - 3] | 32)) && groups > 1) {
        groups--;
    }
    if (letters == 0) {
        return 1;
    }
    return groups > 0 ? groups : 1;
}

/* Han, kana and Hangul syllables count as one word each: those scripts do not
 * separate words with spaces, so a token is a whole phrase. */
static int64_t ideographs(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += engine_decode(s + i, n - i, &cp);
        c += (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
             (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
             (cp >= 0x20000 && cp <= 0x2FFFF);
    }
    return c;
}

/* Code points: bytes that are not UTF-8 continuation bytes (10xxxxxx), counted
 * eight at a time: each byte's flag goes to its low bit and a multiply sums the
 * eight bytes into the top one (no popcount call: the build targets baseline
 * x86-64, where __builtin_popcountll is a libgcc function). */
static int64_t count_chars(const char *s, size_t n)
{
    int64_t cont = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t flags = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
        cont += (int64_t)((flags * 0x0101010101010101ull) >> 56);
    }
    for (; i < n; i++) {
        cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    }
    return (int64_t)n - cont;
}

void engine_count(engine_result_t *r)
{
    r->chars = count_chars(r->text, r->len);
    r->words = 0;
    for (size_t k = 0; k < r->n_toks; k++) {
        const engine_tok_t *t = &r->toks[k];
        if ((t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) && !(t->flags & ENGINE_TOK_CLITIC)) {
            int64_t cjk =
                (t->flags & ENGINE_TOK_NONASCII) ? ideographs(r->text + t->start, t->end - t->start) : 0;
            r->words += cjk > 1 ? cjk : 1;
        }
    }
}

/* Syllables of word token k, cached in its vocabulary entry. */
static int token_syllables(engine_t *e, const engine_result_t *r, size_t k)
{
    uint32_t id = e->words[k].vocab;
    const engine_tok_t *t = &r->toks[k];
    if (id == ENGINE_LEX_NONE) {
        return (t->flags & ENGINE_TOK_WORD) ? syllables(r->text + t->start, t->end - t->start) : 1;
    }
    engine_vocab_t *v = &e->data->ventries[id];
    if (v->syllables == 0) {
        int n = syllables(r->text + t->start, t->end - t->start);
        v->syllables = (uint8_t)((n < 254 ? n : 254) + 1);
    }
    return v->syllables - 1;
}

void engine_readability(engine_t *e, engine_result_t *r)
{
    r->syllables = 0;
    r->flesch = 0;
    r->fk_grade = 0;
    if (!r->english) {
        return;
    }
    for (size_t k = 0; k < r->n_toks; k++) {
        const engine_tok_t *t = &r->toks[k];
        if ((t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) && !(t->flags & ENGINE_TOK_CLITIC)) {
            r->syllables += token_syllables(e, r, k);
        }
    }
    if (r->words > 0 && r->n_sents > 0) {
        double wps = (double)r->words / (double)r->n_sents;
        double spw = (double)r->syllables / (double)r->words;
        r->flesch = 206.835 - 1.015 * wps - 84.6 * spw;
        r->fk_grade = 0.39 * wps + 11.8 * spw - 15.59;
    }
}
