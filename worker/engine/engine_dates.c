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

/* Words the expressions are made of, as codes in their vocabulary entries, so a
 * test is one comparison.  Codes before TW_AGO may start an expression. */
enum {
    TW_NONE = 0,
    TW_THIS,
    TW_LAST,
    TW_NEXT,
    TW_PAST,
    TW_PREVIOUS,
    TW_COMING,
    TW_CURRENT,
    TW_EARLY,
    TW_MID,
    TW_LATE,
    TW_EARLIER,
    TW_TODAY,
    TW_YESTERDAY,
    TW_TOMORROW,
    TW_TONIGHT,
    TW_ON,
    TW_SINCE,
    TW_UNTIL,
    TW_BY,
    TW_BEFORE,
    TW_A,
    TW_AN,
    TW_ZERO,
    TW_ONE,
    TW_TWO,
    TW_THREE,
    TW_FOUR,
    TW_FIVE,
    TW_SIX,
    TW_SEVEN,
    TW_EIGHT,
    TW_NINE,
    TW_TEN,
    TW_ELEVEN,
    TW_TWELVE,
    TW_AGO,
    TW_WEEK,
    TW_WEEKS,
    TW_WEEKEND,
    TW_MONTH,
    TW_MONTHS,
    TW_YEAR,
    TW_YEARS,
    TW_DAY,
    TW_DAYS,
    TW_OF,
    TW_IN,
    TW_DURING,
    TW_FROM,
    TW_AFTER,
    TW_THROUGHOUT,
    TW_MONDAY,
    TW_TUESDAY,
    TW_WEDNESDAY,
    TW_THURSDAY,
    TW_FRIDAY,
    TW_SATURDAY,
    TW_SUNDAY,
    TW_COUNT
};

static const char *const TW_WORDS[TW_COUNT] = {
    "",       "this",     "last",   "next",       "past",   "previous",  "coming",    "current",
    "early",  "mid",      "late",   "earlier",    "today",  "yesterday", "tomorrow",  "tonight",
    "on",     "since",    "until",  "by",         "before", "a",         "an",        "zero",
    "one",    "two",      "three",  "four",       "five",   "six",       "seven",     "eight",
    "nine",   "ten",      "eleven", "twelve",     "ago",    "week",      "weeks",     "weekend",
    "month",  "months",   "year",   "years",      "day",    "days",      "of",        "in",
    "during", "from",     "after",  "throughout", "monday", "tuesday",   "wednesday", "thursday",
    "friday", "saturday", "sunday"};

typedef struct {
    const engine_t *e;
    engine_result_t *r;
    int64_t pub; /* publication day number, or INT64_MIN */
    int py, pm, pd;
} dt_t;

/* The time-word code of token k (TW_NONE for others and for numbers). */
static int tw(const dt_t *c, size_t k)
{
    if (k >= c->r->n_toks || c->e->words[k].vocab == ENGINE_LEX_NONE) {
        return TW_NONE;
    }
    return c->e->data->ventries[c->e->words[k].vocab].time_word;
}

static bool is(const dt_t *c, size_t k, int code)
{
    return tw(c, k) == code;
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
    if (is(c, k, TW_LAST) || is(c, k, TW_PAST) || is(c, k, TW_PREVIOUS)) {
        return -1;
    }
    if (is(c, k, TW_THIS) || is(c, k, TW_COMING) || is(c, k, TW_CURRENT)) {
        return 0;
    }
    return is(c, k, TW_NEXT) ? 1 : 2;
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
    if (is(c, k, TW_WEEKEND)) {
        int64_t sat = monday_of(c->pub) + 5 + 7 * shift;
        if (shift == -1 && engine_weekday(c->pub) >= 6) {
            sat = monday_of(c->pub) - 2;
        }
        range_days(sat, sat + 1, out);
        return 1;
    }
    if (is(c, k, TW_WEEK)) {
        int64_t mon = monday_of(c->pub) + 7 * shift;
        range_days(mon, mon + 6, out);
        return 1;
    }
    if (is(c, k, TW_MONTH)) {
        int y, m;
        add_months(c->py, c->pm, shift, &y, &m);
        engine_iso(y, m, 0, out);
        return 1;
    }
    if (is(c, k, TW_YEAR)) {
        engine_iso(c->py + shift, 0, 0, out);
        return 1;
    }
    return 0;
}

/* early / mid / late (+ shift word) + month|year. */
static size_t part_of(dt_t *c, size_t k, char *out)
{
    int part = is(c, k, TW_EARLY) ? 0 : (is(c, k, TW_MID) ? 1 : (is(c, k, TW_LATE) ? 2 : -1));
    if (part < 0) {
        return 0;
    }
    int shift = shift_word(c, k + 1);
    if (shift == 2) {
        return 0;
    }
    if (is(c, k + 2, TW_YEAR)) {
        int y = c->py + shift;
        snprintf(out, VALUE_MAX, "%04d-%02d/%04d-%02d", y, 1 + 4 * part, y, 4 + 4 * part);
        return 3;
    }
    if (is(c, k + 2, TW_MONTH)) {
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
    if (!is(c, k, TW_EARLIER) || !is(c, k + 1, TW_THIS)) {
        return 0;
    }
    int64_t start;
    if (is(c, k + 2, TW_WEEK)) {
        start = monday_of(c->pub);
    } else if (is(c, k + 2, TW_MONTH)) {
        start = engine_days_from_civil(c->py, c->pm, 1);
    } else if (is(c, k + 2, TW_YEAR)) {
        start = engine_days_from_civil(c->py, 1, 1);
    } else {
        return 0;
    }
    range_days(start, c->pub, out);
    return 3;
}

static int small_number(dt_t *c, size_t k)
{
    long v = engine_tok_int(c->r, k);
    if (v >= 0 && v <= 1000) {
        return (int)v;
    }
    int w = tw(c, k);
    if (w == TW_A || w == TW_AN) {
        return 1;
    }
    return w >= TW_ZERO && w <= TW_TWELVE ? w - TW_ZERO : -1;
}

static size_t ago(dt_t *c, size_t k, char *out)
{
    int n = small_number(c, k);
    if (n < 0 || !is(c, k + 2, TW_AGO)) {
        return 0;
    }
    int u = tw(c, k + 1);
    if (u == TW_DAY || u == TW_DAYS) {
        day_value(c->pub - n, out);
    } else if (u == TW_WEEK || u == TW_WEEKS) {
        day_value(c->pub - 7 * n, out);
    } else if (u == TW_MONTH || u == TW_MONTHS) {
        int y, m;
        add_months(c->py, c->pm, -n, &y, &m);
        engine_iso(y, m, 0, out);
    } else if (u == TW_YEAR || u == TW_YEARS) {
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
    int w = tw(c, k + 1);
    bool cap = k + 1 < c->r->n_toks && (c->r->toks[k + 1].flags & ENGINE_TOK_CAP);
    int wd = (cap && w >= TW_MONDAY && w <= TW_SUNDAY) ? w - TW_MONDAY + 1 : 0;
    int shift = shift_word(c, k);
    bool future = is(c, k, TW_BY) || is(c, k, TW_UNTIL) || is(c, k, TW_BEFORE);
    bool near = is(c, k, TW_ON) || is(c, k, TW_SINCE);
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
    int off = is(c, k, TW_TODAY) || is(c, k, TW_TONIGHT) ? 0
              : is(c, k, TW_YESTERDAY)                   ? -1
              : is(c, k, TW_TOMORROW)                    ? 1
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
        size_t j = k + 1 + (shift == 0 && is(c, k, TW_THIS) && is(c, k + 1, TW_COMING));
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
    switch (tw(c, k)) {
    case TW_IN:
    case TW_SINCE:
    case TW_DURING:
    case TW_BY:
    case TW_UNTIL:
    case TW_FROM:
    case TW_BEFORE:
    case TW_AFTER:
    case TW_OF:
    case TW_EARLY:
    case TW_LATE:
    case TW_MID:
    case TW_THROUGHOUT:
        return true;
    default:
        return false;
    }
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
    if (k > 0 && m > 0 && c->py > 0 && year_prep(c, k - 1) && !is(c, k - 1, TW_OF)) {
        engine_iso(c->py, m, 0, out);
        return 1;
    }
    const char *w = c->r->text + t->start;
    int dec;
    char s;
    if (t->end - t->start == 5 && (t->flags & ENGINE_TOK_NUMBER) && sscanf(w, "%4d%c", &dec, &s) == 2 &&
        s == 's' && dec % 10 == 0 && dec >= 1000) {
        snprintf(out, VALUE_MAX, "%04d/%04d", dec, dec + 9);
        return 1;
    }
    return 0;
}

int engine_spelled_number(const engine_t *e, size_t k)
{
    uint32_t id = e->words[k].vocab;
    int w = id == ENGINE_LEX_NONE ? TW_NONE : e->data->ventries[id].time_word;
    return w >= TW_ZERO && w <= TW_TWELVE ? w - TW_ZERO : -1;
}

void engine_dates_load(engine_data_t *d)
{
    for (int i = 1; i < TW_COUNT; i++) {
        uint32_t id = engine_vocab_add(d, TW_WORDS[i], strlen(TW_WORDS[i]));
        d->ventries[id].time_word = (uint8_t)i;
        if (i < TW_AGO) {
            d->ventries[id].flags |= ENGINE_VF_TIME;
        }
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
