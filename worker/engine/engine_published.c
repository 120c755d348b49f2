/* engine_published.c: the publication date and the dateline.
 *
 * A date given at submit wins: ISO 8601 dates and date-times (normalised to UTC,
 * "2008-02-22T09:30:00Z"), or any format engine_date_at() reads ("May 01, 2007",
 * "Fri, 22 Feb 2008 09:30:00 +0100", "22 février 2008") with an optional time and
 * zone.  Otherwise the first full date in the document's head (the short lines
 * before the first real sentence) or in the dateline is the publication date.  published_raw keeps the text
 * the date came from.
 *
 * A dateline opens the body: a place in capitals (or capitalised and followed by a
 * date), an optional date or "(Agency)", then a dash: "VIENNA, Feb. 22, 2008 —",
 * "GENEVA (Reuters) -".  Its place becomes meta.dateline, in title case.
 */
#include "engine_datefmt.h"

#include "engine_chars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_SENT_WORDS 12 /* the first sentence this long starts the body */
#define DATELINE_MAX_PLACE 4

static void set_published(engine_result_t *r, int y, int m, int d, int64_t ms_of_day, bool with_time)
{
    char iso[32];
    r->pub_y = y;
    r->pub_m = m;
    r->pub_d = d;
    int64_t ms = engine_days_from_civil(y, m, d) * 86400000 + ms_of_day;
    r->published_ms = ms;
    if (with_time) {
        int64_t day = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
        int64_t rest = (ms - day * 86400000) / 1000;
        int yy, mm, dd;
        engine_civil_from_days(day, &yy, &mm, &dd);
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", yy, mm, dd, (int)(rest / 3600),
                 (int)(rest / 60 % 60), (int)(rest % 60));
    } else {
        engine_iso(y, m, d, iso);
    }
    r->published = engine_arena_strdup(&r->arena, iso);
}

/* "HH:MM[:SS][.fff] [Z|UTC|GMT|+HH:MM|+HHMM]" at s; ms since midnight UTC, or -1. */
static int64_t parse_time(const char *s)
{
    int h, mi, sec = 0, n = 0;
    while (*s == ' ' || *s == 'T' || *s == ',') {
        s++;
    }
    if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2) {
        return -1;
    }
    s += n;
    if (sscanf(s, ":%2d%n", &sec, &n) == 1) {
        s += n;
    }
    while (*s == '.' || isdigit((unsigned char)*s)) {
        s++;
    }
    while (*s == ' ') {
        s++;
    }
    int off = 0, oh, om = 0;
    if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d%n", &oh, &n) == 1) {
        const char *p = s + 1 + n;
        p += *p == ':';
        if (isdigit((unsigned char)*p)) {
            sscanf(p, "%2d", &om);
        }
        off = (*s == '-' ? -1 : 1) * (oh * 60 + om);
    }
    if (h > 23 || mi > 59 || sec > 60 || off < -18 * 60 || off > 18 * 60) {
        return -1;
    }
    return ((int64_t)h * 3600 + mi * 60 + sec - (int64_t)off * 60) * 1000;
}

/* ISO 8601 "YYYY-MM-DD[THH:MM[:SS][.fff][Z|+HH:MM]]" (also with a space for T). */
static bool parse_iso(engine_result_t *r, const char *s)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || m < 1 || m > 12 || d < 1 ||
        d > engine_days_in_month(y, m)) {
        return false;
    }
    if (s[10] == '\0') {
        set_published(r, y, m, d, 0, false);
        return true;
    }
    if (s[10] != 'T' && s[10] != ' ') {
        return false;
    }
    int64_t t = parse_time(s + 11);
    if (t < 0) {
        return false;
    }
    set_published(r, y, m, d, t, true);
    return true;
}

/* The given published string: ISO 8601, else through the tokenizer and
 * engine_date_at(). */
static bool parse_given(engine_result_t *r, const char *s)
{
    if (parse_iso(r, s)) {
        return true;
    }
    engine_result_t tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.text = (char *)s;
    tmp.len = strlen(s);
    engine_tokenize(&tmp);
    bool ok = false;
    for (size_t k = 0; k < tmp.n_toks && k < 4 && !ok; k++) {
        engine_dmatch_t m;
        if (engine_date_at(&tmp, k, 0, &m) && m.d > 0) {
            const char *rest = s + (m.end < tmp.n_toks ? tmp.toks[m.end].start : tmp.len);
            int64_t t = parse_time(rest);
            set_published(r, m.y, m.m, m.d, t < 0 ? 0 : t, t >= 0);
            ok = true;
        }
    }
    free(tmp.toks);
    return ok;
}

/* The head: the short lines before the first real sentence, where a publication
 * date stands on a line of its own.  Returns the first token of the body (whose
 * start may hold a dateline). */
static size_t head_end(const engine_result_t *r)
{
    for (size_t i = 0; i < r->n_sents; i++) {
        const engine_sent_t *s = &r->sents[i];
        if (s->tok_end - s->tok_first >= HEAD_SENT_WORDS) {
            return s->tok_first;
        }
    }
    return r->n_toks < 64 ? r->n_toks : 64;
}

static bool is_dash(const engine_result_t *r, size_t k)
{
    if (k >= r->n_toks || !(r->toks[k].flags & ENGINE_TOK_PUNCT)) {
        return false;
    }
    uint32_t cp;
    engine_decode(r->text + r->toks[k].start, r->toks[k].end - r->toks[k].start, &cp);
    return cp == '-' || cp == 0x2013 || cp == 0x2014;
}

/* "VIENNA" -> "Vienna", in the arena. */
static const char *title_case(engine_result_t *r, uint32_t start, uint32_t end)
{
    char buf[256];
    size_t n = engine_fold(r->text + start, end - start, buf, sizeof buf);
    if (n == 0) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '-') && buf[i] >= 'a' && buf[i] <= 'z') {
            buf[i] = (char)(buf[i] - 32);
        }
    }
    return engine_arena_strndup(&r->arena, buf, n);
}

/* A dateline at paragraph-start token k; its date (if any) goes to *m. */
static bool dateline_at(engine_result_t *r, size_t k, engine_dmatch_t *m)
{
    size_t j = k;
    bool upper = true;
    while (j < r->n_toks && j - k < DATELINE_MAX_PLACE && (r->toks[j].flags & ENGINE_TOK_CAP) &&
           (r->toks[j].flags & ENGINE_TOK_WORD) && engine_month_at(r, j) == 0 &&
           (j == k || !(r->toks[j].flags & ENGINE_TOK_LINE_START))) {
        upper = upper && (r->toks[j].flags & ENGINE_TOK_UPPER);
        j++;
    }
    if (j == k) {
        return false;
    }
    size_t place_end = j;
    bool dated = false;
    m->d = 0;
    if (j < r->n_toks && r->text[r->toks[j].start] == ',') {
        dated = engine_date_at(r, j + 1, 0, m) && m->d > 0;
        m->first = j + 1;
        j = dated ? m->end : j + 1;
    } else if (j + 2 < r->n_toks && r->text[r->toks[j].start] == '(' &&
               r->text[r->toks[j + 2].start] == ')') {
        j += 3;
    }
    if (!is_dash(r, j) || !(upper || dated)) {
        return false;
    }
    r->dateline = title_case(r, r->toks[k].start, r->toks[place_end - 1].end);
    return true;
}

void engine_published(engine_result_t *r)
{
    const char *given = r->in.published;
    if (given != NULL && given[0] != '\0') {
        r->published_raw = given;
        if (!parse_given(r, given)) {
            engine_warn(r, "published_unparsed");
        }
    }
    size_t end = head_end(r);
    for (size_t k = 0; k <= end && k < r->n_toks; k++) {
        engine_dmatch_t m;
        bool dated = (r->toks[k].flags & ENGINE_TOK_PARA_START) && r->dateline == NULL &&
                     dateline_at(r, k, &m) && m.d > 0;
        if (!dated && k < end && engine_date_at(r, k, 0, &m) && m.d > 0) {
            m.first = k;
            dated = true;
        }
        if (dated && r->published == NULL && given == NULL) {
            const engine_tok_t *a = &r->toks[m.first], *z = &r->toks[m.end - 1];
            r->published_raw = engine_arena_strndup(&r->arena, r->text + a->start, z->end - a->start);
            set_published(r, m.y, m.m, m.d, 0, false);
        }
    }
}
