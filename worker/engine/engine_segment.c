/* engine_segment.c: paragraphs and sentences over the token array.
 *
 * Paragraphs are separated by blank lines; a text without any blank line uses
 * single newlines instead.  A short first line of a paragraph without final
 * punctuation (a headline, a dateline, a byline) is a sentence of its own.
 * Sentences end at . ! ? ... followed (after any closing quotes or brackets,
 * which stay in the sentence) by a capitalised word, a number, an opening quote
 * or the end of the paragraph.  Abbreviation tokens ("Mr.", "U.S.", "Feb.") carry
 * their period (engine_token.c): titles and initials never end a sentence, other
 * abbreviations only before a capitalised function word ("... in the U.S. The").
 * A terminator inside a matched pair of brackets or double quotes does not end
 * the sentence unless the closing mark follows it directly.
 *
 * Called by engine_analyze() after engine_tokenize().
 */
#include "engine_chars.h"
#include "engine_datefmt.h"

#include <string.h>

#define PROTECT_MAX_TOKENS 60 /* longest bracket/quote pair that can hold sentences together */
#define SENT_MAX_TOKENS 400   /* a run-on "sentence" is cut at the next line start */
#define HEADLINE_MAX_TOKENS 20

typedef struct {
    engine_result_t *r;
    const char *s;
    size_t para_first, para_end; /* tokens of the current paragraph */
    size_t prot_end;             /* index of the closing mark protecting tokens before it */
    uint32_t free_mark;          /* a closing mark of this kind is known not to occur */
    size_t free_until;           /* before this token (so unmatched openers stay O(n)) */
} seg_t;

static uint32_t first_cp(const engine_result_t *r, const engine_tok_t *t)
{
    uint32_t cp;
    engine_decode(r->text + t->start, t->end - t->start, &cp);
    return cp;
}

static int newlines_between(const engine_result_t *r, size_t a, size_t b)
{
    int n = 0;
    for (size_t i = a; i < b; i++) {
        n += r->text[i] == '\n';
    }
    return n;
}

static bool is_opener(uint32_t cp)
{
    return cp == '(' || cp == '[' || cp == 0x201C || cp == 0x00AB || cp == 0x201E || cp == '"';
}

static bool is_closer(uint32_t cp)
{
    return cp == ')' || cp == ']' || cp == 0x201D || cp == 0x00BB || cp == '"' || cp == '\'' || cp == 0x2019;
}

static uint32_t closer_for(uint32_t cp)
{
    switch (cp) {
    case '(':
        return ')';
    case '[':
        return ']';
    case 0x201C:
        return 0x201D;
    case 0x00AB:
        return 0x00BB;
    case 0x201E:
        return 0x201C;
    default:
        return '"';
    }
}

/* At an opening mark k, find its closing mark within the paragraph. */
static void protect(seg_t *g, size_t k)
{
    const engine_result_t *r = g->r;
    uint32_t open = first_cp(r, &r->toks[k]);
    uint32_t close = closer_for(open);
    size_t lim = k + PROTECT_MAX_TOKENS < g->para_end ? k + PROTECT_MAX_TOKENS : g->para_end;
    size_t j = (close == g->free_mark && g->free_until > k + 1) ? g->free_until : k + 1;
    g->free_mark = close;
    g->free_until = lim;
    for (; j < lim; j++) {
        const engine_tok_t *t = &r->toks[j];
        if ((t->flags & ENGINE_TOK_PUNCT) && first_cp(r, t) == close) {
            g->prot_end = j;
            g->free_until = j;
            return;
        }
        if (open == '"' && (t->flags & ENGINE_TOK_PUNCT) && first_cp(r, t) == 0x201D) {
            g->free_until = j; /* stopped early: nothing is known past here */
            return;
        }
    }
}

static bool is_terminator(const engine_result_t *r, const engine_tok_t *t)
{
    if (!(t->flags & ENGINE_TOK_PUNCT)) {
        return false;
    }
    uint32_t cp = first_cp(r, t);
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 ||
           cp == 0xFF1F;
}

static bool title_abbrev(const char *s, size_t n)
{
    static const char *const T[] = {"mr.",     "mrs.",  "ms.",   "dr.",   "prof.", "gen.", "lt.",  "col.",
                                    "maj.",    "capt.", "sgt.",  "adm.",  "gov.",  "sen.", "rep.", "rev.",
                                    "hon.",    "st.",   "pres.", "brig.", "cmdr.", "cpl.", "pvt.", "supt.",
                                    "messrs.", "mt.",   "no.",   "vs.",   "fig."};
    uint32_t cp;
    if (engine_decode(s, n, &cp) + 1 == n) {
        return true; /* an initial ("W.") */
    }
    char low[12];
    if (engine_fold(s, n, low, sizeof low) == 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        if (strcmp(low, T[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* A capitalised word that usually starts a sentence rather than a name. */
static bool sentence_opener(const engine_result_t *r, const engine_tok_t *t)
{
    static const char *const W[] = {
        "the",    "a",       "an",        "but",  "and",  "in",   "on",    "at",    "it",        "he",
        "she",    "they",    "we",        "i",    "this", "that", "these", "those", "there",     "his",
        "her",    "its",     "their",     "our",  "as",   "for",  "if",    "when",  "while",     "after",
        "before", "however", "meanwhile", "yet",  "so",   "or",   "no",    "not",   "what",      "who",
        "why",    "how",     "where",     "some", "many", "most", "all",   "one",   "officials", "both",
        "each",   "since",   "until",     "with", "by",   "from", "to"};
    char low[16];
    if (!(t->flags & ENGINE_TOK_CAP) ||
        engine_fold(r->text + t->start, t->end - t->start, low, sizeof low) == 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
        if (strcmp(low, W[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether a sentence ends after token k; *last is the last token it keeps. */
static bool ends_after(seg_t *g, size_t k, size_t *last)
{
    const engine_result_t *r = g->r;
    const engine_tok_t *t = &r->toks[k];
    bool abbrev = (t->flags & ENGINE_TOK_ABBREV) != 0;
    if (!abbrev && !is_terminator(r, t)) {
        return false;
    }
    if (abbrev && title_abbrev(r->text + t->start, t->end - t->start)) {
        return false;
    }
    size_t j = k + 1;
    while (j < g->para_end && (r->toks[j].flags & ENGINE_TOK_PUNCT) &&
           (is_closer(first_cp(r, &r->toks[j])) || is_terminator(r, &r->toks[j]))) {
        j++;
    }
    *last = j - 1;
    if (k < g->prot_end && j <= g->prot_end) {
        return false; /* inside brackets or quotes */
    }
    if (j >= g->para_end) {
        return true;
    }
    const engine_tok_t *n = &r->toks[j];
    if (j == k + 1 && k > 0 && (r->toks[k - 1].flags & ENGINE_TOK_NUMBER) && r->toks[k - 1].end == t->start &&
        r->toks[k - 1].end - r->toks[k - 1].start <= 2 && engine_month_at(r, j) > 0) {
        return false; /* German ordinal day: "am 22. Februar" */
    }
    if (abbrev) {
        return sentence_opener(r, n);
    }
    uint32_t cp = first_cp(r, n);
    return (n->flags & (ENGINE_TOK_CAP | ENGINE_TOK_NUMBER | ENGINE_TOK_QUOTE)) || is_opener(cp) ||
           engine_cp_caseless(cp);
}

static void add_sentence(engine_result_t *r, size_t first, size_t end, uint32_t para)
{
    engine_grow((void **)&r->sents, &r->cap_sents, r->n_sents + 1, sizeof *r->sents);
    engine_sent_t *s = &r->sents[r->n_sents];
    memset(s, 0, sizeof *s);
    s->tok_first = (uint32_t)first;
    s->tok_end = (uint32_t)end;
    s->start = r->toks[first].start;
    s->end = r->toks[end - 1].end;
    s->para = para;
    for (size_t k = first; k < end; k++) {
        r->toks[k].sent = (uint32_t)r->n_sents;
    }
    r->toks[first].flags |= ENGINE_TOK_SENT_START;
    r->n_sents++;
}

/* A short unpunctuated first line of a paragraph is a sentence of its own. */
static bool headline_line_ends(const seg_t *g, size_t first, size_t k)
{
    const engine_result_t *r = g->r;
    if (k + 1 >= g->para_end || !(r->toks[k + 1].flags & ENGINE_TOK_LINE_START)) {
        return false;
    }
    if (first != g->para_first || k + 1 - first > HEADLINE_MAX_TOKENS) {
        return false;
    }
    return !is_terminator(r, &r->toks[k]) && (r->toks[k + 1].flags & ENGINE_TOK_CAP);
}

static void split_paragraph(seg_t *g, uint32_t para)
{
    engine_result_t *r = g->r;
    size_t first = g->para_first;
    g->prot_end = 0;
    g->free_until = 0;
    for (size_t k = g->para_first; k < g->para_end; k++) {
        if (k >= g->prot_end && (r->toks[k].flags & ENGINE_TOK_PUNCT) &&
            is_opener(first_cp(r, &r->toks[k]))) {
            protect(g, k);
        }
        size_t last = k;
        bool cut = ends_after(g, k, &last) || headline_line_ends(g, first, k) ||
                   (k + 1 - first >= SENT_MAX_TOKENS && k + 1 < g->para_end &&
                    (r->toks[k + 1].flags & ENGINE_TOK_LINE_START)) ||
                   k + 1 - first >= 4 * SENT_MAX_TOKENS;
        if (cut || last + 1 >= g->para_end) {
            add_sentence(r, first, last + 1, para);
            first = last + 1;
            k = last;
        }
    }
}

static void add_paragraph(seg_t *g)
{
    engine_result_t *r = g->r;
    engine_grow((void **)&r->paras, &r->cap_paras, r->n_paras + 1, sizeof *r->paras);
    engine_para_t *p = &r->paras[r->n_paras];
    p->start = r->toks[g->para_first].start;
    p->end = r->toks[g->para_end - 1].end;
    p->sent_first = (uint32_t)r->n_sents;
    r->toks[g->para_first].flags |= ENGINE_TOK_PARA_START;
    split_paragraph(g, (uint32_t)r->n_paras);
    p = &r->paras[r->n_paras];
    p->sent_end = (uint32_t)r->n_sents;
    r->n_paras++;
}

void engine_segment(engine_result_t *r)
{
    if (r->n_toks == 0) {
        return;
    }
    /* blank lines separate paragraphs; without any, single newlines do */
    int need = 2;
    bool any_blank = false;
    for (size_t k = 1; k < r->n_toks && !any_blank; k++) {
        any_blank = newlines_between(r, r->toks[k - 1].end, r->toks[k].start) >= 2;
    }
    if (!any_blank) {
        need = 1;
    }
    seg_t g = {r, r->text, 0, 0, 0, 0, 0};
    for (size_t k = 1; k <= r->n_toks; k++) {
        if (k == r->n_toks || ((r->toks[k].flags & ENGINE_TOK_LINE_START) &&
                               newlines_between(r, r->toks[k - 1].end, r->toks[k].start) >= need)) {
            g.para_end = k;
            add_paragraph(&g);
            g.para_first = k;
        }
    }
}
