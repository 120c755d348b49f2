/* engine_keywords.c: scored key phrases.
 *
 * Candidates are runs of up to MAX_PHRASE_WORDS content words inside a sentence
 * (engine_is_content(): not stopwords of the document's language, not split-off
 * clitics, not inside dates or amounts); any punctuation, stopword or breaker ends a
 * run (so a possessive "Iran’s nuclear program" yields "Iran" and "nuclear
 * program").  Breakers are English past forms ("agreed"), reporting verbs ("told")
 * and title abbreviations ("Gen.").  Longer runs contribute their words one by one.
 * The byline gives none either.  The headline gives no candidates (title case would make every word a phrase)
 * but boosts candidates sharing a stem with it by 1.5.  Candidates are identified by their sequence of
 * Snowball stems, which merges variants ("sanction", "sanctions").
 *
 * A single word's count is every mention of its stem, also inside longer phrases.
 * score(p) = count(p)^0.7 * sqrt(mean stem frequency of its words) *
 * (1 + 0.5 (len - 1)), times 1.2 when it first occurs in the first fifth of the
 * text, normalised so the best is 1: frequent words count, but sublinearly, so a
 * repeated two-word phrase can beat a name mentioned a dozen times.  The shown text is the first occurrence
 * not at a sentence start (so capitalisation is the text's own), else the first; a single word shows its most
 * frequent spelling.  A phrase inside an already
 * chosen better phrase is skipped.  Ties break on text, so output never depends on
 * hash order.  Per-stem counts, headline marks and spelling chains are arrays over
 * the document's stem numbers (engine_words.c); only phrases need a hash map.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PHRASE_WORDS 4
#define MAX_KEYWORDS 10

typedef struct {
    uint32_t first_tok, best_tok; /* first and displayed occurrence */
    uint32_t count, first_sent;
    uint16_t len;  /* content words */
    uint16_t ntok; /* tokens spanned by the displayed occurrence */
    double score;
} cand_t;

typedef struct {
    const engine_t *e;
    engine_result_t *r;
    const uint32_t *lstem; /* per token: its stem's document number (engine_words.c) */
    uint8_t *title;        /* per stem number: a headline word has it */
    uint32_t *freq;        /* per stem number: count (0: none) */
    engine_imap_t index;   /* phrase key -> candidate index */
    cand_t *cands;
    size_t n;
    /* occurrences of each stem outside the headline, built on first use: */
    engine_arena_t *tmp;
    uint32_t *heads; /* per stem number: the first such content token, or ENGINE_LEX_NONE */
    uint32_t *next;  /* per token: the next one with its stem, or ENGINE_LEX_NONE */
} kw_t;

/* Words that end a phrase although they are not stopwords: English past forms
 * ("agreed", "signed"), reporting verbs and title abbreviations ("Mr.", "Gen."). */
static bool breaker(const kw_t *k, size_t i)
{
    const engine_result_t *r = k->r;
    const engine_tok_t *t = &r->toks[i];
    const char *p = r->text + t->start;
    size_t n = t->end - t->start;
    if (t->flags & ENGINE_TOK_ABBREV) {
        return memchr(p, '.', n - 1) == NULL; /* "U.S." stays, "Gen." breaks */
    }
    if (!r->english || (t->flags & ENGINE_TOK_CAP)) {
        return false;
    }
    if (n >= 5 && p[n - 2] == 'e' && p[n - 1] == 'd' && (p[n - 3] != 'e' || n >= 6)) {
        return true;
    }
    uint32_t id = k->e->words[i].vocab;
    return id != ENGINE_LEX_NONE && (k->e->data->ventries[id].flags & ENGINE_VF_REPORTING);
}

static uint64_t phrase_key(const kw_t *k, const uint32_t *toks, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ k->e->words[toks[i]].stem) * 0x100000001b3ull;
        h ^= h >> 31;
    }
    return h ? h : 1;
}

static void add_candidate(kw_t *k, const uint32_t *toks, size_t n)
{
    int added;
    uint32_t *slot = engine_imap_put(&k->index, phrase_key(k, toks, n), 0, &added);
    const engine_tok_t *first = &k->r->toks[toks[0]];
    if (added) {
        cand_t *c = &k->cands[k->n];
        *slot = (uint32_t)k->n++;
        memset(c, 0, sizeof *c);
        c->first_tok = c->best_tok = toks[0];
        c->first_sent = first->sent;
        c->len = (uint16_t)n;
        c->ntok = (uint16_t)(toks[n - 1] - toks[0] + 1);
    }
    cand_t *c = &k->cands[*slot];
    c->count++;
    if (c->best_tok == c->first_tok && (k->r->toks[c->first_tok].flags & ENGINE_TOK_SENT_START) &&
        !(first->flags & ENGINE_TOK_SENT_START)) {
        c->best_tok = toks[0];
        c->ntok = (uint16_t)(toks[n - 1] - toks[0] + 1);
    }
}

/* Ends a run of content words: the whole run, or its words when it is long. */
static void flush_run(kw_t *k, const uint32_t *run, size_t n)
{
    if (n == 0) {
        return;
    }
    if (n <= MAX_PHRASE_WORDS) {
        add_candidate(k, run, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        add_candidate(k, run + i, 1);
    }
}

static void gather(kw_t *k)
{
    const engine_result_t *r = k->r;
    const engine_word_t *words = k->e->words;
    uint32_t run[64];
    size_t n = 0;
    for (size_t i = 0; i < r->n_toks; i++) {
        const engine_tok_t *t = &r->toks[i];
        bool c =
            engine_is_content(&words[i], t) && !(i >= r->byline_first && i < r->byline_end) && !breaker(k, i);
        if (c && (int32_t)t->sent == r->title_sent) {
            k->title[k->lstem[i]] = 1;
            c = false;
        }
        if (!c || (n > 0 && (t->flags & ENGINE_TOK_SENT_START)) || n == 64) {
            flush_run(k, run, n);
            n = 0;
        }
        if (c) {
            run[n++] = (uint32_t)i;
            k->freq[k->lstem[i]]++;
        }
    }
    flush_run(k, run, n);
}

static double mean_freq(const kw_t *k, const cand_t *c)
{
    double sum = 0;
    size_t words = 0;
    for (uint32_t i = c->first_tok; words < c->len; i++) {
        const engine_tok_t *t = &k->r->toks[i];
        if (!engine_is_content(&k->e->words[i], t) || breaker(k, i)) {
            continue;
        }
        uint32_t f = k->freq[k->lstem[i]];
        sum += f ? f : 1;
        words++;
    }
    return sum / (double)c->len;
}

/* Whether a word of the candidate's first occurrence is also in the headline. */
static bool in_title(const kw_t *k, const cand_t *c)
{
    for (uint32_t i = c->first_tok; i < c->first_tok + c->ntok; i++) {
        uint32_t st = k->lstem[i];
        if (st != ENGINE_LEX_NONE && k->title[st]) {
            return true;
        }
    }
    return false;
}

/* Candidate a ranks before b: higher score, then text order (never hash order). */
static bool better(const kw_t *k, const cand_t *a, const cand_t *b)
{
    if (a->score != b->score) {
        return a->score > b->score;
    }
    const engine_tok_t *ta = &k->r->toks[a->best_tok], *tb = &k->r->toks[b->best_tok];
    size_t na = k->r->toks[a->best_tok + a->ntok - 1].end - ta->start;
    size_t nb = k->r->toks[b->best_tok + b->ntok - 1].end - tb->start;
    int c = memcmp(k->r->text + ta->start, k->r->text + tb->start, na < nb ? na : nb);
    return c < 0 || (c == 0 && na < nb);
}

static void score_all(kw_t *k)
{
    engine_result_t *r = k->r;
    size_t early = r->n_sents / 5;
    enum { POWS = 64 };
    double pows[POWS]; /* pow(count, 0.7) for small counts, computed once each */
    for (size_t i = 0; i < POWS; i++) {
        pows[i] = -1;
    }
    for (size_t i = 0; i < k->n; i++) {
        cand_t *c = &k->cands[i];
        if (c->len == 1) {
            c->count = (uint32_t)mean_freq(k, c); /* every mention of the word, in any phrase */
        }
        double p;
        if (c->count < POWS) {
            if (pows[c->count] < 0) {
                pows[c->count] = pow(c->count, 0.7);
            }
            p = pows[c->count];
        } else {
            p = pow(c->count, 0.7);
        }
        c->score = p * sqrt(mean_freq(k, c)) * (1.0 + 0.5 * (c->len - 1));
        if (c->first_sent <= early) {
            c->score *= 1.2;
        }
        if (in_title(k, c)) {
            c->score *= 1.5;
        }
    }
}

/* Moves the best remaining candidate to position i (selection, not a full sort:
 * only the first few are ever needed). */
static void select_next(kw_t *k, size_t i)
{
    size_t best = i;
    for (size_t j = i + 1; j < k->n; j++) {
        if (better(k, &k->cands[j], &k->cands[best])) {
            best = j;
        }
    }
    cand_t t = k->cands[i];
    k->cands[i] = k->cands[best];
    k->cands[best] = t;
}

/* Chains the content tokens outside the headline by stem (token order), so a
 * single word's spellings are found without scanning the whole text again. */
static void build_chains(kw_t *k)
{
    const engine_result_t *r = k->r;
    k->heads = engine_arena_alloc_raw(k->tmp, sizeof *k->heads * (k->e->n_lstems + 1));
    memset(k->heads, 0xff, sizeof *k->heads * (k->e->n_lstems + 1)); /* ENGINE_LEX_NONE */
    k->next = engine_arena_alloc_raw(k->tmp, sizeof *k->next * (r->n_toks + 1));
    for (size_t i = r->n_toks; i-- > 0;) {
        const engine_word_t *w = &k->e->words[i];
        if (!engine_is_content(w, &r->toks[i]) || (int32_t)r->toks[i].sent == r->title_sent) {
            continue;
        }
        uint32_t *head = &k->heads[k->lstem[i]];
        k->next[i] = *head;
        *head = (uint32_t)i;
    }
}

/* For a single word: the token showing its most frequent spelling (ties to the
 * earliest), preferring an occurrence that does not start a sentence.  "meeting"
 * (five times) rather than "meet" (once) for the stem "meet". */
static uint32_t best_surface(kw_t *k, const cand_t *c)
{
    enum { MAXV = 8 };
    uint32_t ids[MAXV] = {0}, cnt[MAXV] = {0}, tok[MAXV] = {0};
    size_t nv = 0;
    if (k->next == NULL) {
        build_chains(k);
    }
    for (uint32_t i = k->heads[k->lstem[c->first_tok]]; i != ENGINE_LEX_NONE; i = k->next[i]) {
        const engine_word_t *w = &k->e->words[i];
        size_t v = 0;
        while (v < nv && ids[v] != w->vocab) {
            v++;
        }
        if (v == nv && nv < MAXV) {
            ids[nv] = w->vocab, cnt[nv] = 0, tok[nv] = i, nv++;
        }
        if (v < nv) {
            cnt[v]++;
            bool starts = (k->r->toks[tok[v]].flags & ENGINE_TOK_SENT_START) != 0;
            tok[v] = starts && !(k->r->toks[i].flags & ENGINE_TOK_SENT_START) ? i : tok[v];
        }
    }
    size_t best = 0;
    for (size_t v = 1; v < nv; v++) {
        best = cnt[v] > cnt[best] ? v : best;
    }
    return nv ? tok[best] : c->best_tok;
}

static const char *cand_text(kw_t *k, const cand_t *c)
{
    if (c->len == 1) {
        uint32_t t = best_surface(k, c);
        const engine_tok_t *a = &k->r->toks[t];
        return engine_arena_strndup(&k->r->arena, k->r->text + a->start, a->end - a->start);
    }
    const engine_tok_t *a = &k->r->toks[c->best_tok];
    const engine_tok_t *z = &k->r->toks[c->best_tok + c->ntok - 1];
    return engine_arena_strndup(&k->r->arena, k->r->text + a->start, z->end - a->start);
}

/* Whether text a occurs inside b as whole words (case-insensitive). */
static bool inside(const char *a, const char *b)
{
    size_t n = strlen(a);
    for (const char *p = strcasestr(b, a); p != NULL; p = strcasestr(p + 1, a)) {
        bool left = p == b || p[-1] == ' ';
        bool right = p[n] == '\0' || p[n] == ' ';
        if (left && right) {
            return true;
        }
    }
    return false;
}

void engine_keywords(engine_t *e, engine_result_t *r)
{
    if (r->words == 0) {
        return;
    }
    kw_t k = {e, r, e->lstem, NULL, NULL, {0}, NULL, 0, &e->tmp, NULL, NULL};
    size_t words = (size_t)r->words + 1;
    k.title = engine_arena_alloc(&e->tmp, e->n_lstems + 1);
    k.freq = engine_arena_alloc(&e->tmp, sizeof *k.freq * (e->n_lstems + 1));
    engine_imap_init(&k.index, &e->tmp, words);
    k.cands = engine_arena_alloc_raw(&e->tmp, sizeof *k.cands * words);
    gather(&k);
    if (k.n == 0) {
        return;
    }
    score_all(&k);
    r->keywords = engine_arena_alloc(&r->arena, sizeof *r->keywords * MAX_KEYWORDS);
    double top = 0;
    for (size_t i = 0; i < k.n && r->n_keywords < MAX_KEYWORDS; i++) {
        select_next(&k, i);
        const char *text = cand_text(&k, &k.cands[i]);
        bool dup = false;
        for (size_t j = 0; j < r->n_keywords && !dup; j++) {
            dup = inside(text, r->keywords[j].text);
        }
        top = i == 0 ? k.cands[0].score : top;
        if (!dup) {
            engine_keyword_t *kw = &r->keywords[r->n_keywords++];
            kw->text = text;
            kw->score = k.cands[i].score / top;
            kw->count = k.cands[i].count;
        }
    }
}
