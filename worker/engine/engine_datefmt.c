/* engine_datefmt.c: calendar arithmetic and absolute dates over tokens
 * (engine_datefmt.h).
 *
 * Month names come in English, French, German and Spanish, with the abbreviations
 * news uses ("Feb.", "févr.", "Sept."); the tokenizer keeps an abbreviation's period
 * inside the token, so matching ignores a trailing '.'.  Day numbers may carry
 * ordinal suffixes ("1st", "1er", "22."), years have four digits.  Every match is
 * validated against the calendar (no 31 April).
 */
#include "engine_datefmt.h"

#include "engine_chars.h"

#include <stdio.h>
#include <string.h>

int64_t engine_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void engine_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int engine_weekday(int64_t days)
{
    int64_t w = (days + 3) % 7; /* 1970-01-01 was a Thursday */
    if (w < 0) {
        w += 7;
    }
    return (int)w + 1;
}

int engine_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) {
        return 0;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dim[m - 1] + (m == 2 && leap);
}

typedef struct {
    const char *name;
    int month;
    bool english;
} month_name_t;

static const month_name_t MONTHS[] = {
    {"january", 1, true},
    {"jan", 1, true},
    {"february", 2, true},
    {"feb", 2, true},
    {"march", 3, true},
    {"mar", 3, true},
    {"april", 4, true},
    {"apr", 4, true},
    {"may", 5, true},
    {"june", 6, true},
    {"jun", 6, true},
    {"july", 7, true},
    {"jul", 7, true},
    {"august", 8, true},
    {"aug", 8, true},
    {"september", 9, true},
    {"sep", 9, true},
    {"sept", 9, true},
    {"october", 10, true},
    {"oct", 10, true},
    {"november", 11, true},
    {"nov", 11, true},
    {"december", 12, true},
    {"dec", 12, true},
    /* French */
    {"janvier", 1, false},
    {"janv", 1, false},
    {"février", 2, false},
    {"fevrier", 2, false},
    {"févr", 2, false},
    {"fevr", 2, false},
    {"mars", 3, false},
    {"avril", 4, false},
    {"avr", 4, false},
    {"mai", 5, false},
    {"juin", 6, false},
    {"juillet", 7, false},
    {"juil", 7, false},
    {"août", 8, false},
    {"aout", 8, false},
    {"septembre", 9, false},
    {"octobre", 10, false},
    {"novembre", 11, false},
    {"décembre", 12, false},
    {"decembre", 12, false},
    {"déc", 12, false},
    /* German */
    {"januar", 1, false},
    {"jänner", 1, false},
    {"februar", 2, false},
    {"märz", 3, false},
    {"maerz", 3, false},
    {"mrz", 3, false},
    {"juni", 6, false},
    {"juli", 7, false},
    {"oktober", 10, false},
    {"okt", 10, false},
    {"dezember", 12, false},
    {"dez", 12, false},
    /* Spanish */
    {"enero", 1, false},
    {"ene", 1, false},
    {"febrero", 2, false},
    {"marzo", 3, false},
    {"abril", 4, false},
    {"abr", 4, false},
    {"mayo", 5, false},
    {"junio", 6, false},
    {"julio", 7, false},
    {"agosto", 8, false},
    {"ago", 8, false},
    {"septiembre", 9, false},
    {"setiembre", 9, false},
    {"octubre", 10, false},
    {"noviembre", 11, false},
    {"diciembre", 12, false},
    {"dic", 12, false},
};

const char *engine_tok_fold(const engine_result_t *r, size_t k, char *buf, size_t cap)
{
    const engine_tok_t *t = &r->toks[k];
    if (engine_fold(r->text + t->start, t->end - t->start, buf, cap) == 0) {
        buf[0] = '\0';
    }
    return buf;
}

const char *engine_month_name(size_t i)
{
    return i < sizeof MONTHS / sizeof MONTHS[0] ? MONTHS[i].name : NULL;
}

int engine_month_at(const engine_result_t *r, size_t k)
{
    if (k >= r->n_toks || !(r->toks[k].flags & ENGINE_TOK_WORD)) {
        return 0;
    }
    const engine_tok_t *t = &r->toks[k];
    char c0 = (char)(r->text[t->start] | 0x20);
    if (t->end - t->start < 3 || t->end - t->start > 11 || strchr("jfmasonde", c0) == NULL) {
        return 0; /* month names are 3-10 letters from these initials */
    }
    char buf[32];
    engine_tok_fold(r, k, buf, sizeof buf);
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == '.') {
        buf[--n] = '\0';
    }
    bool cap = (r->toks[k].flags & ENGINE_TOK_CAP) != 0;
    for (size_t i = 0; i < sizeof MONTHS / sizeof MONTHS[0]; i++) { /* first byte before strcmp */
        if (MONTHS[i].name[0] == buf[0] && strcmp(buf, MONTHS[i].name) == 0 && (cap || !MONTHS[i].english)) {
            return MONTHS[i].month;
        }
    }
    return 0;
}

int engine_weekday_at(const engine_result_t *r, size_t k)
{
    static const char *const DAYS[] = {"monday", "tuesday",  "wednesday", "thursday",
                                       "friday", "saturday", "sunday"};
    if (k >= r->n_toks || !(r->toks[k].flags & ENGINE_TOK_CAP)) {
        return 0;
    }
    char buf[16];
    engine_tok_fold(r, k, buf, sizeof buf);
    for (int i = 0; i < 7; i++) {
        if (DAYS[i][0] == buf[0] && strcmp(buf, DAYS[i]) == 0) {
            return i + 1;
        }
    }
    return 0;
}

long engine_tok_int(const engine_result_t *r, size_t k)
{
    if (k >= r->n_toks || (r->toks[k].flags & (ENGINE_TOK_NUMBER | ENGINE_TOK_WORD)) != ENGINE_TOK_NUMBER) {
        return -1;
    }
    const engine_tok_t *t = &r->toks[k];
    long v = 0;
    int digits = 0;
    for (uint32_t i = t->start; i < t->end; i++) {
        char c = r->text[i];
        if (c == ',') {
            continue;
        }
        if (c < '0' || c > '9' || ++digits > 9) {
            return -1;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

/* A day of month at token k ("22", "1st", "1er"); 0 when not one. */
static int day_at(const engine_result_t *r, size_t k)
{
    if (k >= r->n_toks || !(r->toks[k].flags & ENGINE_TOK_NUMBER)) {
        return 0;
    }
    const engine_tok_t *t = &r->toks[k];
    const char *p = r->text + t->start;
    size_t n = t->end - t->start, i = 0;
    int v = 0;
    while (i < n && i < 2 && p[i] >= '0' && p[i] <= '9') {
        v = v * 10 + (p[i++] - '0');
    }
    if (i == n || (n - i <= 2 && strchr("snrtheSNRTHE", p[i]) != NULL) ||
        (n - i == 1 && (p[i] == 'e' || p[i] == 'o'))) {
        return v >= 1 && v <= 31 ? v : 0;
    }
    return 0;
}

static int year_at(const engine_result_t *r, size_t k)
{
    if (k >= r->n_toks || r->toks[k].end - r->toks[k].start != 4) {
        return 0;
    }
    long v = engine_tok_int(r, k);
    return v >= 1000 && v <= 2999 ? (int)v : 0;
}

static bool punct_is(const engine_result_t *r, size_t k, char c)
{
    return k < r->n_toks && (r->toks[k].flags & ENGINE_TOK_PUNCT) && r->toks[k].end - r->toks[k].start == 1 &&
           r->text[r->toks[k].start] == c;
}

static bool word_is(const engine_result_t *r, size_t k, const char *w)
{
    char buf[8];
    return k < r->n_toks && strcmp(engine_tok_fold(r, k, buf, sizeof buf), w) == 0;
}

static bool valid(int y, int m, int d)
{
    return y >= 1000 && m >= 1 && m <= 12 && d >= 0 && d <= engine_days_in_month(y, m);
}

/* "2008-02-22" as one number token. */
static bool iso_at(const engine_result_t *r, size_t k, engine_dmatch_t *m)
{
    const engine_tok_t *t = &r->toks[k];
    int y, mo, d, n = 0;
    if (t->end - t->start != 10 || !(t->flags & ENGINE_TOK_NUMBER)) {
        return false;
    }
    char buf[11];
    memcpy(buf, r->text + t->start, 10);
    buf[10] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || d < 1 || !valid(y, mo, d)) {
        return false;
    }
    *m = (engine_dmatch_t){y, mo, d, k, k + 1};
    return true;
}

/* Month first: "Feb. 22, 2008", "May 01, 2007", "November 2004", "Feb 22". */
static bool month_first(const engine_result_t *r, size_t k, int dy, engine_dmatch_t *m)
{
    int mo = engine_month_at(r, k);
    if (mo == 0) {
        return false;
    }
    size_t j = k + 1 + punct_is(r, k + 1, '.');
    int d = day_at(r, j);
    if (d > 0 && year_at(r, j) == 0) {
        size_t y_at = j + 1 + punct_is(r, j + 1, ',');
        int y = year_at(r, y_at);
        if (y > 0 && valid(y, mo, d)) {
            *m = (engine_dmatch_t){y, mo, d, k, y_at + 1};
            return true;
        }
        if (dy > 0 && valid(dy, mo, d)) {
            *m = (engine_dmatch_t){dy, mo, d, k, j + 1};
            return true;
        }
        return false;
    }
    j += punct_is(r, j, ',');
    int y = year_at(r, j);
    if (y > 0) {
        *m = (engine_dmatch_t){y, mo, 0, k, j + 1};
        return true;
    }
    return false;
}

/* Day first: "22 February 2008", "22. Februar 2008", "22 de febrero de 2008". */
static bool day_first(const engine_result_t *r, size_t k, int dy, engine_dmatch_t *m)
{
    int d = day_at(r, k);
    if (d == 0) {
        return false;
    }
    size_t j = k + 1 + punct_is(r, k + 1, '.');
    j += word_is(r, j, "de");
    int mo = engine_month_at(r, j);
    if (mo == 0) {
        return false;
    }
    size_t y_at = j + 1 + punct_is(r, j + 1, '.');
    y_at += word_is(r, y_at, "de") + punct_is(r, y_at, ',');
    int y = year_at(r, y_at);
    if (y > 0 && valid(y, mo, d)) {
        *m = (engine_dmatch_t){y, mo, d, k, y_at + 1};
        return true;
    }
    if (dy > 0 && valid(dy, mo, d)) {
        *m = (engine_dmatch_t){dy, mo, d, k, j + 1};
        return true;
    }
    return false;
}

bool engine_date_at(const engine_result_t *r, size_t k, int default_year, engine_dmatch_t *m)
{
    if (k >= r->n_toks) {
        return false;
    }
    return iso_at(r, k, m) || month_first(r, k, default_year, m) || day_first(r, k, default_year, m);
}

static char *put2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

void engine_iso(int y, int m, int d, char *out)
{
    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }
    char *p = put2(put2(out, y / 100), y % 100);
    if (m != 0) {
        *p++ = '-';
        p = put2(p, m);
        if (d != 0) {
            *p++ = '-';
            p = put2(p, d);
        }
    }
    *p = '\0';
}
