/* engine_amounts.c: money, percentages and counts.
 *
 *   money    a currency symbol or ISO code before the number ("$13.7 billion",
 *            "US$5m", "EUR 300", "€2bn"), or a currency word or code after it
 *            ("1.64 trillion yen", "500 million euros", "20 USD")
 *   percent  "12%", "12 percent", "12 per cent", "12 pct"
 *   count    a number (digits, or two..twelve spelled out) before a lowercase noun
 *            that is not a stopword ("200 people", "three soldiers", "1.5 million
 *            refugees"); numbers inside date expressions are not counts
 * Values apply the magnitude (thousand, million, billion, trillion; k, m/mn, bn,
 * tn as suffixes).  Currency forms come from data/engine/currencies.tsv and codes
 * from data/engine/iso4217.txt.
 */
#include "engine_chars.h"
#include "engine_datefmt.h"

#include "ds_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct engine_currency {
    engine_lex_t forms; /* folded symbol, word or code */
    char (*code)[4];    /* per form id */
    bool *is_code;      /* an ISO code: may stand before or after the number */
    size_t cap;
};

static void add_form(engine_currency_t *c, const char *form, const char *code, bool iso)
{
    char low[64];
    size_t n = engine_fold(form, strlen(form), low, sizeof low);
    uint32_t id = engine_lex_add(&c->forms, low, n, engine_hash(low, n), NULL);
    engine_grow((void **)&c->code, &c->cap, id + 1, sizeof *c->code);
    c->is_code = ds_xrealloc(c->is_code, c->cap * sizeof *c->is_code);
    snprintf(c->code[id], sizeof c->code[id], "%s", code);
    c->is_code[id] = iso;
}

static int currency_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_currency_t *c = ctx;
    if (n < 2 || strlen(f[1]) != 3) {
        snprintf(why, wl, "expected form<TAB>ISO code");
        return -1;
    }
    add_form(c, f[0], f[1], false);
    return 0;
}

static int iso_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    (void)n;
    if (strlen(f[0]) != 3) {
        snprintf(why, wl, "expected a three-letter code");
        return -1;
    }
    add_form(ctx, f[0], f[0], true);
    return 0;
}

int engine_currency_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen)
{
    engine_currency_t *c = ds_xcalloc(1, sizeof *c);
    d->currency = c;
    engine_lex_init(&c->forms, 512);
    int rc = engine_data_lines(data_dir, "iso4217.txt", iso_line, c, errstr, errlen);
    return rc ? rc : engine_data_lines(data_dir, "currencies.tsv", currency_line, c, errstr, errlen);
}

void engine_currency_free(engine_data_t *d)
{
    if (d->currency != NULL) {
        engine_lex_free(&d->currency->forms);
        free(d->currency->code);
        free(d->currency->is_code);
        free(d->currency);
        d->currency = NULL;
    }
}

typedef struct {
    const engine_t *e;
    engine_result_t *r;
    const engine_currency_t *cur;
    size_t date_i; /* next date span to compare with */
} am_t;

/* Currency form id of text [a, b), or ENGINE_LEX_NONE. */
static uint32_t currency_of(const am_t *c, uint32_t a, uint32_t b)
{
    char low[16];
    size_t n = engine_fold(c->r->text + a, b - a, low, sizeof low);
    return n ? engine_lex_find(&c->cur->forms, low, n, engine_hash(low, n)) : ENGINE_LEX_NONE;
}

static double magnitude_word(const char *w)
{
    if (strchr("tmbk", w[0]) == NULL || w[0] == '\0') {
        return 0;
    }
    static const struct {
        const char *w;
        double v;
    } M[] = {{"thousand", 1e3}, {"million", 1e6},  {"billion", 1e9},  {"trillion", 1e12}, {"k", 1e3},
             {"m", 1e6},        {"mn", 1e6},       {"mln", 1e6},      {"bn", 1e9},        {"b", 1e9},
             {"tn", 1e12},      {"millions", 1e6}, {"billions", 1e9}, {"thousands", 1e3}};
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
        if (strcmp(w, M[i].w) == 0) {
            return M[i].v;
        }
    }
    return 0;
}

/* The number at token k, with a suffix magnitude ("5bn") and a following magnitude
 * word ("13.7 billion"); *end is the token after it.  False when k is no number. */
static bool number_parse(const am_t *c, size_t k, double *v, size_t *end);

/* Called for every token: the cheap test inline, the parsing (buffers, strtod)
 * out of line. */
static inline bool number_at(const am_t *c, size_t k, double *v, size_t *end)
{
    const engine_result_t *r = c->r;
    if (k >= r->n_toks || !(r->toks[k].flags & ENGINE_TOK_NUMBER) || (r->toks[k].flags & ENGINE_TOK_HYPHEN)) {
        return false;
    }
    return number_parse(c, k, v, end);
}

static __attribute__((noinline)) bool number_parse(const am_t *c, size_t k, double *v, size_t *end)
{
    const engine_result_t *r = c->r;
    char buf[48], *e;
    const engine_tok_t *t = &r->toks[k];
    size_t n = 0;
    for (uint32_t i = t->start; i < t->end && n + 1 < sizeof buf; i++) {
        if (r->text[i] != ',') {
            buf[n++] = (char)(r->text[i] | (r->text[i] >= 'A' && r->text[i] <= 'Z' ? 32 : 0));
        }
    }
    buf[n] = '\0';
    *v = strtod(buf, &e);
    if (e == buf) {
        return false;
    }
    if (*e != '\0') {
        double m = magnitude_word(e);
        if (m == 0) {
            return false; /* "10th", "3D" */
        }
        *v *= m;
    }
    *end = k + 1;
    char w[16];
    double m = k + 1 < r->n_toks ? magnitude_word(engine_tok_fold(r, k + 1, w, sizeof w)) : 0;
    if (m > 0 && *e == '\0' && strlen(w) > 2) {
        *v *= m;
        *end = k + 2;
    }
    return true;
}

static void emit(am_t *c, size_t a, size_t z, double v, const char *unit, const char *kind)
{
    engine_result_t *r = c->r;
    engine_grow((void **)&r->amounts, &r->cap_amounts, r->n_amounts + 1, sizeof *r->amounts);
    engine_amount_t *am = &r->amounts[r->n_amounts++];
    am->start = r->toks[a].start;
    am->end = r->toks[z - 1].end;
    am->value = v;
    am->unit = engine_arena_strdup(&r->arena, unit);
    am->kind = kind;
    for (size_t k = a; k < z; k++) {
        r->toks[k].flags |= ENGINE_TOK_MEASURE;
    }
}

/* Symbol or code before the number: "$13.7 billion", "US$5m", "EUR 300". */
static size_t money_before(am_t *c, size_t k)
{
    const engine_result_t *r = c->r;
    size_t j = k + 1;
    uint32_t a = r->toks[k].start, b = r->toks[k].end;
    if (j < r->n_toks && r->toks[j].start == b && (r->toks[j].flags & ENGINE_TOK_PUNCT) &&
        !(r->toks[j].flags & ENGINE_TOK_QUOTE)) {
        b = r->toks[j++].end; /* "US" "$" */
    }
    uint32_t id = currency_of(c, a, b);
    if (id == ENGINE_LEX_NONE && j == k + 2) {
        j = k + 1;
        id = currency_of(c, a, r->toks[k].end);
    }
    double v;
    size_t end;
    if (id == ENGINE_LEX_NONE || (c->cur->is_code[id] && !(r->toks[k].flags & ENGINE_TOK_UPPER)) ||
        !number_at(c, j, &v, &end)) {
        return 0;
    }
    if ((r->toks[k].flags & ENGINE_TOK_WORD) && !c->cur->is_code[id] && j == k + 1) {
        return 0; /* "dollars 5" is no amount */
    }
    emit(c, k, end, v, c->cur->code[id], "money");
    return end - k;
}

static bool in_date(am_t *c, uint32_t start)
{
    const engine_result_t *r = c->r;
    while (c->date_i < r->n_dates && r->dates[c->date_i].end <= start) {
        c->date_i++;
    }
    return c->date_i < r->n_dates && r->dates[c->date_i].start <= start;
}

static int spelled(const am_t *c, size_t k)
{
    int v = engine_spelled_number(c->e, k);
    return v >= 2 ? v : 0;
}

/* Number first: money with a word or code after it, a percentage, or a count. */
static size_t number_first(am_t *c, size_t k)
{
    engine_result_t *r = c->r;
    double v;
    size_t end;
    int sp = spelled(c, k);
    if (sp > 0) {
        v = sp;
        end = k + 1;
    } else if (!number_at(c, k, &v, &end) || in_date(c, r->toks[k].start)) {
        return 0;
    }
    if (end >= r->n_toks) {
        return 0;
    }
    const engine_tok_t *u = &r->toks[end];
    char w[32];
    engine_tok_fold(r, end, w, sizeof w);
    uint32_t id = currency_of(c, u->start, u->end);
    if (sp == 0 && id != ENGINE_LEX_NONE && (u->flags & ENGINE_TOK_WORD) &&
        (!c->cur->is_code[id] || (u->flags & ENGINE_TOK_UPPER))) {
        emit(c, k, end + 1, v, c->cur->code[id], "money");
        return end + 1 - k;
    }
    if (sp == 0 && (strcmp(w, "%") == 0 || strcmp(w, "percent") == 0 || strcmp(w, "pct") == 0)) {
        emit(c, k, end + 1, v, "percent", "percent");
        return end + 1 - k;
    }
    if (sp == 0 && strcmp(w, "per") == 0 && end + 1 < r->n_toks &&
        strcmp(engine_tok_fold(r, end + 1, w, sizeof w), "cent") == 0) {
        emit(c, k, end + 2, v, "percent", "percent");
        return end + 2 - k;
    }
    if ((u->flags & ENGINE_TOK_WORD) &&
        !(u->flags & (ENGINE_TOK_CAP | ENGINE_TOK_STOP | ENGINE_TOK_NUMBER | ENGINE_TOK_CLITIC)) &&
        u->end - u->start >= 3 && engine_month_at(r, end) == 0 && r->english) {
        emit(c, k, end + 1, v, engine_tok_fold(r, end, w, sizeof w), "count");
        return end + 1 - k;
    }
    return 0;
}

/* Money can start at a symbol or a short upper-case word (a code, "US" of "US$");
 * the rest at a number or a spelled number. */
static bool money_start(const engine_result_t *r, const engine_tok_t *t)
{
    unsigned char b = (unsigned char)r->text[t->start];
    return ((t->flags & ENGINE_TOK_PUNCT) && !(t->flags & ENGINE_TOK_QUOTE) && (b == '$' || b >= 0x80)) ||
           ((t->flags & ENGINE_TOK_UPPER) && t->end - t->start <= 3) ||
           ((t->flags & ENGINE_TOK_CAP) && t->end - t->start == 1); /* "C$", "A$" */
}

void engine_amounts(const engine_t *e, engine_result_t *r)
{
    am_t c = {e, r, e->data->currency, 0};
    for (size_t k = 0; k < r->n_toks;) {
        const engine_tok_t *t = &r->toks[k];
        size_t n = money_start(r, t) ? money_before(&c, k) : 0;
        if (n == 0 && (t->flags & (ENGINE_TOK_NUMBER | ENGINE_TOK_WORD))) {
            n = number_first(&c, k);
        }
        k += n ? n : 1;
    }
}
