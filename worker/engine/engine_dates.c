/* engine_dates.c: time expressions, resolved to ISO 8601 values or intervals.
 *
 * Absolute dates (engine_datefmt.c) run for every language.  The English relative
 * expressions need a publication date and resolve against it:
 *   today / yesterday / tomorrow / tonight                 -> a day
 *   this|last|next|past|coming weekend, "this coming weekend" -> Saturday/Sunday
 *   this|last|next|past week                                -> Monday/Sunday (ISO week)
 *   this|last|next month|year                               -> YYYY-MM, YYYY
 *   early|mid|late [this|last|next] year|month              -> thirds of it
 *   earlier this week|month|year                            -> its start/publication
 *   N days|weeks|months|years ago                           -> a day, month or year
 *   last|next|this|on|since|until|by|before Monday ...      -> a day
 *   in|since|until|by|during|from|before|after|early|late May -> that month
 *   in|since|during|by|until|from|before|after|of 2004      -> a year
 *   the 1990s                                               -> 1990/1999
 * "This weekend" in a text of Tuesday 2007-05-01 is 2007-05-05/2007-05-06.  Tokens
 * used by one expression are not reused by another.
 */
#include "engine_datefmt.h"

#include <stdio.h>
#include <string.h>

#define VALUE_MAX 64 /* "YYYY-MM-DD/YYYY-MM-DD" and room for any int */

typedef struct {
    const engine_t *e;
    engine_result_t *r;
    int64_t pub;      /* publication day number, or INT64_MIN */
    int py, pm, pd;
} dt_t;

/* The folded token: its vocabulary key (no folding per call); "" for numbers. */
static const char *low(dt_t *c, size_t k)
{
    if (k >= c->r->n_toks || c->e->words[k].vocab == ENGINE_LEX_NONE) {
        return "";
    }
    return engine_lex_key(&c->e->data->vocab, c->e->words[k].vocab, NULL);
}

static bool is(dt_t *c, size_t k, const char *w)
{
    const char *t = low(c, k);
    return t[0] == w[0] && strcmp(t, w) == 0; /* most calls stop at the first letter */
}

static void emit(dt_t *c, size_t first, size_t end, const char *value)
{
    engine_result_t *r = c->r;
    engine_grow((void **)&r->dates, &r->cap_dates, r->n_dates + 1, sizeof *r->dates);
    engine_date_t *d = &r->dates[r->n_dates++];
    d->start = r->toks[first].start;
    d->end = r->toks[end - 1].end;
    d->value = engine_arena_strdup(&r->arena, value);
    for (size_t k = first; k < end; k++) {
        r->toks[k].flags |= ENGINE_TOK_MEASURE;
    }
}

static void day_value(int64_t day, char *out)
{
    int y, m, d;
    engine_civil_from_days(day, &y, &m, &d);
    engine_iso(y, m, d, out);
}

static void range_days(int64_t a, int64_t b, char *out)
{
    char x[11], y[11];
    day_value(a, x);
    day_value(b, y);
    snprintf(out, VALUE_MAX, "%s/%s", x, y);
}

/* -1 last/past, 0 this/coming, +1 next; 2 when k is none of them. */
static int shift_word(dt_t *c, size_t k)
{
    if (is(c, k, "last") || is(c, k, "past") || is(c, k, "previous")) {
        return -1;
    }
    if (is(c, k, "this") || is(c, k, "coming") || is(c, k, "current")) {
        return 0;
    }
    return is(c, k, "next") ? 1 : 2;
}

/* Monday of the ISO week containing day. */
static int64_t monday_of(int64_t day)
{
    return day - (engine_weekday(day) - 1);
}

static void add_months(int y, int m, int delta, int *oy, int *om)
{
    int t = y * 12 + (m - 1) + delta;
    *oy = t / 12;
    *om = t % 12 + 1;
}

/* week/weekend/month/year after a shift word; returns tokens used or 0. */
static size_t period(dt_t *c, size_t k, int shift, char *out)
{
    if (is(c, k, "weekend")) {
        int64_t sat = monday_of(c->pub) + 5 + 7 * shift;
        if (shift == -1 && engine_weekday(c->pub) >= 6) {
            sat = monday_of(c->pub) - 2;
        }
        range_days(sat, sat + 1, out);
        return 1;
    }
    if (is(c, k, "week")) {
        int64_t mon = monday_of(c->pub) + 7 * shift;
        range_days(mon, mon + 6, out);
        return 1;
    }
    if (is(c, k, "month")) {
        int y, m;
        add_months(c->py, c->pm, shift, &y, &m);
        engine_iso(y, m, 0, out);
        return 1;
    }
    if (is(c, k, "year")) {
        engine_iso(c->py + shift, 0, 0, out);
        return 1;
    }
    return 0;
}

/* early / mid / late (+ shift word) + month|year. */
static size_t part_of(dt_t *c, size_t k, char *out)
{
    int part = is(c, k, "early") ? 0 : (is(c, k, "mid") ? 1 : (is(c, k, "late") ? 2 : -1));
    if (part < 0) {
        return 0;
    }
    int shift = shift_word(c, k + 1);
    if (shift == 2) {
        return 0;
    }
    if (is(c, k + 2, "year")) {
        int y = c->py + shift;
        snprintf(out, VALUE_MAX, "%04d-%02d/%04d-%02d", y, 1 + 4 * part, y, 4 + 4 * part);
        return 3;
    }
    if (is(c, k + 2, "month")) {
        int y, m;
        add_months(c->py, c->pm, shift, &y, &m);
        int last = engine_days_in_month(y, m);
        int a = part == 0 ? 1 : (part == 1 ? 11 : 21), b = part == 0 ? 10 : (part == 1 ? 20 : last);
        snprintf(out, VALUE_MAX, "%04d-%02d-%02d/%04d-%02d-%02d", y, m, a, y, m, b);
        return 3;
    }
    return 0;
}

static size_t earlier(dt_t *c, size_t k, char *out)
{
    if (!is(c, k, "earlier") || !is(c, k + 1, "this")) {
        return 0;
    }
    int64_t start;
    if (is(c, k + 2, "week")) {
        start = monday_of(c->pub);
    } else if (is(c, k + 2, "month")) {
        start = engine_days_from_civil(c->py, c->pm, 1);
    } else if (is(c, k + 2, "year")) {
        start = engine_days_from_civil(c->py, 1, 1);
    } else {
        return 0;
    }
    range_days(start, c->pub, out);
    return 3;
}

static int small_number(dt_t *c, size_t k)
{
    static const char *const N[] = {"zero", "one", "two", "three", "four", "five", "six",
                                    "seven", "eight", "nine", "ten", "eleven", "twelve"};
    long v = engine_tok_int(c->r, k);
    if (v >= 0 && v <= 1000) {
        return (int)v;
    }
    if (is(c, k, "a") || is(c, k, "an")) {
        return 1;
    }
    for (int i = 0; i < 13; i++) {
        if (is(c, k, N[i])) {
            return i;
        }
    }
    return -1;
}

static size_t ago(dt_t *c, size_t k, char *out)
{
    int n = small_number(c, k);
    if (n < 0 || !is(c, k + 2, "ago")) {
        return 0;
    }
    const char *u = low(c, k + 1);
    if (strncmp(u, "day", 3) == 0) {
        day_value(c->pub - n, out);
    } else if (strncmp(u, "week", 4) == 0) {
        day_value(c->pub - 7 * n, out);
    } else if (strncmp(u, "month", 5) == 0) {
        int y, m;
        add_months(c->py, c->pm, -n, &y, &m);
        engine_iso(y, m, 0, out);
    } else if (strncmp(u, "year", 4) == 0) {
        engine_iso(c->py - n, 0, 0, out);
    } else {
        return 0;
    }
    return 3;
}

/* "last Monday" (the one before), "next Monday" and "by|until|before Monday" (the
 * one after), "this Monday" (in the publication's week), "on|since Monday" (the
 * nearest, ties to the past). */
static size_t weekday(dt_t *c, size_t k, char *out)
{
    int wd = engine_weekday_at(c->r, k + 1);
    int shift = shift_word(c, k);
    bool future = is(c, k, "by") || is(c, k, "until") || is(c, k, "before");
    bool near = is(c, k, "on") || is(c, k, "since");
    if (wd == 0 || (shift == 2 && !future && !near)) {
        return 0;
    }
    int today = engine_weekday(c->pub);
    int back = (today - wd + 7) % 7, ahead = (wd - today + 7) % 7;
    int64_t day;
    if (shift == 1 || future) {
        day = c->pub + (ahead ? ahead : 7);
    } else if (shift == 0) {
        day = monday_of(c->pub) + (wd - 1);
    } else if (shift == -1) {
        day = c->pub - (back ? back : 7);
    } else {
        day = ahead < back ? c->pub + ahead : c->pub - back;
    }
    day_value(day, out);
    return 2;
}

static size_t deictic(dt_t *c, size_t k, char *out)
{
    int off = is(c, k, "today") || is(c, k, "tonight") ? 0
              : is(c, k, "yesterday")                   ? -1
              : is(c, k, "tomorrow")                    ? 1
                                                        : 2;
    if (off == 2) {
        return 0;
    }
    day_value(c->pub + off, out);
    return 1;
}

/* Relative expressions at k; returns tokens used (0: none). */
static size_t relative(dt_t *c, size_t k, size_t *first, char *out)
{
    size_t n;
    *first = k;
    int shift = shift_word(c, k);
    if (shift != 2) {
        size_t j = k + 1 + (shift == 0 && is(c, k, "this") && is(c, k + 1, "coming"));
        if ((n = period(c, j, shift, out)) > 0) {
            return j - k + n;
        }
    }
    if ((n = part_of(c, k, out)) || (n = earlier(c, k, out)) || (n = ago(c, k, out)) ||
        (n = deictic(c, k, out))) {
        return n;
    }
    if ((n = weekday(c, k, out)) > 0) {
        *first = shift == 2 ? k + 1 : k; /* "on" is not part of the date */
        return n - (*first - k);
    }
    return 0;
}

static bool year_prep(dt_t *c, size_t k)
{
    static const char *const P[] = {"in", "since", "during", "by", "until", "from", "before",
                                    "after", "of", "early", "late", "mid", "throughout"};
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        if (is(c, k, P[i])) {
            return true;
        }
    }
    return false;
}

/* "in 2004", "in May" (publication year), "the 1990s". */
static size_t bare(dt_t *c, size_t k, char *out)
{
    const engine_tok_t *t = &c->r->toks[k];
    long v = engine_tok_int(c->r, k);
    if (k > 0 && year_prep(c, k - 1) && t->end - t->start == 4 && v >= 1000 && v <= 2999) {
        engine_iso((int)v, 0, 0, out);
        return 1;
    }
    int m = engine_month_at(c->r, k);
    if (k > 0 && m > 0 && c->py > 0 && year_prep(c, k - 1) && !is(c, k - 1, "of")) {
        engine_iso(c->py, m, 0, out);
        return 1;
    }
    const char *w = low(c, k);
    int dec;
    char s;
    if (strlen(w) == 5 && sscanf(w, "%4d%c", &dec, &s) == 2 && s == 's' && dec % 10 == 0 &&
        dec >= 1000) {
        snprintf(out, VALUE_MAX, "%04d/%04d", dec, dec + 9);
        return 1;
    }
    return 0;
}

void engine_dates_load(engine_data_t *d)
{
    static const char *const W[] = {
        "this", "last", "next", "past", "previous", "coming", "current", "early", "mid",
        "late", "earlier", "today", "yesterday", "tomorrow", "tonight", "on", "since",
        "until", "by", "before", "a", "an", "zero", "one", "two", "three", "four", "five",
        "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday"};
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
        uint32_t id = engine_vocab_add(d, W[i], strlen(W[i]));
        d->ventries[id].flags |= ENGINE_VF_TIME;
    }
    const char *m;
    for (size_t i = 0; (m = engine_month_name(i)) != NULL; i++) {
        char dotted[16];
        int n = snprintf(dotted, sizeof dotted, "%s.", m); /* "Feb." is one token */
        uint32_t id = engine_vocab_add(d, m, strlen(m));
        d->ventries[id].flags |= ENGINE_VF_TIME;
        id = engine_vocab_add(d, dotted, (size_t)n);
        d->ventries[id].flags |= ENGINE_VF_TIME;
    }
}

/* Only numbers and words flagged ENGINE_VF_TIME can start an expression. */
static bool may_start(const dt_t *c, size_t k)
{
    const engine_tok_t *t = &c->r->toks[k];
    uint32_t id = c->e->words[k].vocab;
    return (t->flags & ENGINE_TOK_NUMBER) ||
           (id != ENGINE_LEX_NONE && (c->e->data->ventries[id].flags & ENGINE_VF_TIME));
}

void engine_dates(const engine_t *e, engine_result_t *r)
{
    dt_t c = {e, r, INT64_MIN, r->pub_y, r->pub_m, r->pub_d};
    if (r->pub_y > 0) {
        c.pub = engine_days_from_civil(r->pub_y, r->pub_m, r->pub_d);
    }
    for (size_t k = 0; k < r->n_toks;) {
        engine_dmatch_t m;
        char out[VALUE_MAX];
        size_t first = k, n = 0;
        if (!may_start(&c, k)) {
            k++;
            continue;
        }
        if (engine_date_at(r, k, r->pub_y, &m)) {
            engine_iso(m.y, m.m, m.d, out);
            n = m.end - k;
        } else if (r->english && c.pub != INT64_MIN) {
            n = relative(&c, k, &first, out);
        }
        if (n == 0 && r->english) {
            n = bare(&c, k, out);
        }
        if (n > 0) {
            emit(&c, first, first + n, out);
            k = first + n;
        } else {
            k++;
        }
    }
}
