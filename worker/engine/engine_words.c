/* engine_words.c: per-token lexical facts (engine_word_t), computed once per token
 * and shared by language identification, tone, keywords, summary, themes and the
 * fingerprint.
 *
 * Lookup folds each word token (lowercase, ASCII apostrophe) into a small stack
 * buffer, hashes it and finds it in the vocabulary, adding unknown words to the
 * vocabulary's dynamic part; this is one hash probe per token in the steady state.
 * Stemming then runs once the language is known: for English the stem is cached in
 * the vocabulary entry (Snowball runs once per distinct word per process); other
 * languages stem through their Snowball algorithm every time.  Stopword flags on
 * tokens follow the document's language.  Stemming also numbers the document's
 * stems densely (e->lstem, first occurrence order) so keywords and summary keep
 * per-stem counts and sets in plain arrays.  The cache is bounded: past
 * ENGINE_CACHE_MAX_WORDS dynamic words, both tables drop back to their static parts
 * before the next document.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <string.h>

#define FOLD_MAX 256

static void reset_cache(engine_data_t *d)
{
    if (d->vocab.n - d->vocab_static <= ENGINE_CACHE_MAX_WORDS &&
        d->stems.n - d->stems_static <= ENGINE_CACHE_MAX_WORDS) {
        return;
    }
    engine_lex_truncate(&d->vocab, d->vocab_static);
    engine_lex_truncate(&d->stems, d->stems_static);
    for (size_t id = 0; id < d->vocab_static; id++) {
        d->ventries[id].xlang = 0; /* may name a dropped stem */
    }
}

/* Folds s[0..n) into buf and hashes it (engine_hash of the folded bytes).  ASCII
 * (the token has no NONASCII flag) is lowered eight bytes a step and hashed from
 * the register; other text goes through engine_fold().  Returns the length, 0 when
 * it does not fit. */
static size_t fold_hash(const char *s, size_t n, bool ascii, char *buf, size_t cap, uint64_t *h)
{
    if (n >= cap) {
        return 0;
    }
    if (!ascii) {
        size_t m = engine_fold(s, n, buf, cap);
        *h = engine_hash(buf, m);
        return m;
    }
    uint64_t x = 0xcbf29ce484222325ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* bit 7 of each byte: >= 'A' and not > 'Z'; moved to bit 5 (+32) */
        uint64_t up = (w + 0x3f3f3f3f3f3f3f3full) & ~(w + 0x2525252525252525ull) & 0x8080808080808080ull;
        w |= up >> 2;
        memcpy(buf + i, &w, 8);
        for (int b = 0; b < 8; b++) {
            x = (x ^ (w & 0xff)) * 0x100000001b3ull;
            w >>= 8;
        }
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        c = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        buf[i] = (char)c;
        x = (x ^ c) * 0x100000001b3ull;
    }
    buf[n] = '\0';
    x ^= x >> 29; /* as engine_hash() */
    *h = x ? x : 1;
    return n;
}

void engine_words_lookup(engine_t *e, engine_result_t *r)
{
    engine_data_t *d = e->data;
    reset_cache(d);
    engine_grow((void **)&e->words, &e->cap_words, r->n_toks + 1, sizeof *e->words);
    char buf[FOLD_MAX];
    for (size_t k = 0; k < r->n_toks; k++) {
        const engine_tok_t *t = &r->toks[k];
        engine_word_t *w = &e->words[k];
        w->vocab = ENGINE_LEX_NONE;
        w->stem = ENGINE_LEX_NONE;
        w->hash = 0;
        if (!(t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER))) {
            continue;
        }
        size_t n = fold_hash(r->text + t->start, t->end - t->start, !(t->flags & ENGINE_TOK_NONASCII), buf,
                             sizeof buf, &w->hash);
        if (n == 0) {
            w->hash = engine_hash(r->text + t->start, t->end - t->start);
            continue;
        }
        w->vocab = engine_lex_find(&d->vocab, buf, n, w->hash);
        if (w->vocab == ENGINE_LEX_NONE && (t->flags & ENGINE_TOK_WORD)) {
            w->vocab = engine_vocab_add(d, buf, n);
        }
    }
}

/* English stem of a vocabulary word, computed once and cached in the entry. */
static uint32_t english_stem(engine_data_t *d, uint32_t id)
{
    engine_vocab_t *v = &d->ventries[id];
    if (!(v->flags & ENGINE_VF_STEMMED)) {
        size_t n;
        const char *w = engine_lex_key(&d->vocab, id, &n);
        char st[FOLD_MAX];
        size_t m = engine_stem(d, "en", w, n, st, sizeof st);
        v = &d->ventries[id];
        v->stem = engine_stem_add(d, st, m);
        v->flags |= ENGINE_VF_STEMMED;
    }
    return v->stem;
}

/* Stem of a vocabulary word in another language; the entry caches it for one
 * such language at a time (li, the language's stopword index, when it has one),
 * so Snowball runs once per word while documents stay in that language. */
static uint32_t other_stem(engine_data_t *d, const char *lang, int li, uint32_t id)
{
    if (li >= 0 && d->ventries[id].xlang == li + 1) {
        return d->ventries[id].xstem;
    }
    size_t n;
    const char *key = engine_lex_key(&d->vocab, id, &n);
    char st[FOLD_MAX];
    size_t m = engine_stem(d, lang, key, n, st, sizeof st);
    uint32_t stem = engine_stem_add(d, st, m);
    if (li >= 0) {
        d->ventries[id].xlang = (uint8_t)(li + 1);
        d->ventries[id].xstem = stem;
    }
    return stem;
}

/* Starts a document's stem numbering: a new generation, the map sized for every stem id. */
static void lstem_begin(engine_t *e, const engine_result_t *r)
{
    size_t n = e->data->stems.n;
    if (n > e->cap_stem_map) {
        size_t old = e->cap_stem_map;
        engine_grow((void **)&e->stem_map, &e->cap_stem_map, n, sizeof *e->stem_map);
        memset(e->stem_map + old, 0, (e->cap_stem_map - old) * sizeof *e->stem_map);
    }
    if (++e->stem_gen == 0) { /* wrapped: forget every older generation */
        memset(e->stem_map, 0, e->cap_stem_map * sizeof *e->stem_map);
        e->stem_gen = 1;
    }
    e->n_lstems = 0;
    e->lstem = engine_arena_alloc_raw(&e->tmp, sizeof *e->lstem * (r->n_toks + 1));
}

/* The document's number for stem id st (the map grows with stems added meanwhile). */
static inline uint32_t lstem_of(engine_t *e, uint32_t st)
{
    if (st >= e->cap_stem_map) {
        size_t old = e->cap_stem_map;
        engine_grow((void **)&e->stem_map, &e->cap_stem_map, (size_t)st + 1, sizeof *e->stem_map);
        memset(e->stem_map + old, 0, (e->cap_stem_map - old) * sizeof *e->stem_map);
    }
    uint64_t m = e->stem_map[st];
    if ((uint32_t)(m >> 32) == e->stem_gen) {
        return (uint32_t)m;
    }
    uint32_t l = e->n_lstems++;
    e->stem_map[st] = (uint64_t)e->stem_gen << 32 | l;
    return l;
}

void engine_words_stem(engine_t *e, engine_result_t *r)
{
    engine_data_t *d = e->data;
    bool english = strcmp(r->lang, "en") == 0 || strcmp(r->lang, "unknown") == 0;
    int li = engine_lang_index(d, english ? "en" : r->lang);
    uint32_t stop_bit = li >= 0 ? 1u << li : 0;
    lstem_begin(e, r);
    for (size_t k = 0; k < r->n_toks; k++) {
        engine_word_t *w = &e->words[k];
        e->lstem[k] = ENGINE_LEX_NONE;
        if (w->vocab == ENGINE_LEX_NONE) {
            continue;
        }
        const engine_vocab_t *v = &d->ventries[w->vocab];
        if (v->stop & stop_bit) {
            r->toks[k].flags |= ENGINE_TOK_STOP;
        }
        if (english && (v->flags & ENGINE_VF_STEMMED)) {
            w->stem = v->stem; /* the cached stem: most tokens */
        } else {
            w->stem = english ? english_stem(d, w->vocab) : other_stem(d, r->lang, li, w->vocab);
        }
        e->lstem[k] = lstem_of(e, w->stem);
    }
}
