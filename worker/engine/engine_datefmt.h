/* engine_datefmt.h: calendar arithmetic and absolute date expressions over tokens.
 *
 * Shared by the publication-date stage (engine_datefmt.c) and the temporal
 * expressions stage (engine_dates.c).  Days are counted from 1970-01-01 in the
 * proleptic Gregorian calendar; weekdays are ISO (1 = Monday .. 7 = Sunday).
 */
#ifndef ENGINE_DATEFMT_H
#define ENGINE_DATEFMT_H

#include "engine_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int y, m, d;  /* d == 0: month precision; m == 0: year precision */
    size_t first; /* index of its first token (set by callers that need it) */
    size_t end;   /* index of the token after the expression */
} engine_dmatch_t;

int64_t engine_days_from_civil(int y, int m, int d);
void engine_civil_from_days(int64_t days, int *y, int *m, int *d);
int engine_weekday(int64_t days);
int engine_days_in_month(int y, int m);

/* Month 1..12 named by token k (en/fr/de/es names and abbreviations), or 0.
 * English names must be capitalised ("may" is a verb). */
int engine_month_at(const engine_result_t *r, size_t k);
/* The i-th month name of the table (folded), or NULL past its end. */
const char *engine_month_name(size_t i);
/* ISO weekday named by token k (English, capitalised), or 0. */
int engine_weekday_at(const engine_result_t *r, size_t k);
/* Folds token k into buf (cap bytes); "" when it does not fit. */
const char *engine_tok_fold(const engine_result_t *r, size_t k, char *buf, size_t cap);
/* Value of a number token of at most 9 digits (commas allowed), or -1. */
long engine_tok_int(const engine_result_t *r, size_t k);

/* An absolute date starting at token k: "Feb. 22, 2008", "22 February 2008",
 * "22. Februar 2008", "22 de febrero de 2008", "1er mai 2007", "2008-02-22",
 * "November 2004"; a day and month without a year take default_year (no match
 * when it is 0). */
bool engine_date_at(const engine_result_t *r, size_t k, int default_year, engine_dmatch_t *m);

/* Writes "YYYY", "YYYY-MM" or "YYYY-MM-DD" (by precision) into out (>= 11 bytes). */
void engine_iso(int y, int m, int d, char *out);

#endif
