/* engine_json.c: the result as JSON (proto/result.schema.json) and the summary view.
 *
 * Keys are written in one fixed order and numbers with fixed precision, so the
 * same result always gives the same bytes.  Every array is present, empty when a
 * stage found nothing or did not run.  Offsets are byte offsets into the analysed
 * text: the text as submitted, or the "text" member when that differs (HTML input
 * or text that NFC changed).
 *
 * Callers: worker, client (analyze --local), tests, bench.
 */
#include "engine_internal.h"

#include "ds_json.h"

#include <math.h>
#include <stdio.h>

/* Decimal digits of v at the end of buf[0..24); returns where they start.  Spans
 * are the bulk of a result's numbers, and printf is slow for them. */
static char *digits(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

static void span(ds_json_t *j, uint32_t start, uint32_t end)
{
    char buf[48], *p = buf + sizeof buf;
    *--p = ']';
    p = digits(p, end);
    *--p = ',';
    p = digits(p, start);
    *--p = '[';
    ds_json_raw(j, p, (size_t)(buf + sizeof buf - p));
}

static void key_str(ds_json_t *j, const char *k, const char *v)
{
    ds_json_key(j, k);
    ds_json_str(j, v); /* NULL -> null */
}

/* v rounded to `decimals` (0..6) places, trailing zeros trimmed (like
 * ds_json_double()), with integer arithmetic instead of printf in the usual range. */
static void num(ds_json_t *j, double v, int decimals)
{
    static const int64_t P10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (!isfinite(v) || decimals < 0 || decimals > 6 || fabs(v) >= 1e12) {
        ds_json_double(j, v, decimals);
        return;
    }
    int64_t q = llround(v * (double)P10[decimals]);
    char buf[48], *end = buf + sizeof buf, *p = end;
    uint64_t a = (uint64_t)(q < 0 ? -q : q);
    uint64_t ip = a / (uint64_t)P10[decimals], fp = a % (uint64_t)P10[decimals];
    int d = decimals;
    while (d > 0 && fp % 10 == 0) { /* trim trailing zeros */
        fp /= 10;
        d--;
    }
    for (int i = 0; i < d; i++) {
        *--p = (char)('0' + fp % 10);
        fp /= 10;
    }
    if (d > 0) {
        *--p = '.';
    }
    p = digits(p, ip);
    if (q < 0) {
        *--p = '-';
    }
    ds_json_raw(j, p, (size_t)(end - p));
}

static void key_num(ds_json_t *j, const char *k, double v, int decimals)
{
    ds_json_key(j, k);
    num(j, v, decimals);
}

static void key_int(ds_json_t *j, const char *k, int64_t v)
{
    ds_json_key(j, k);
    if (v < 0) {
        ds_json_int(j, v);
        return;
    }
    char buf[24];
    char *p = digits(buf + sizeof buf, (uint64_t)v);
    ds_json_raw(j, p, (size_t)(buf + sizeof buf - p));
}

static void write_meta(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "meta");
    ds_json_obj_open(j);
    key_str(j, "title", r->title);
    ds_json_key(j, "authors");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_authors; i++) {
        ds_json_str(j, r->authors[i]);
    }
    ds_json_arr_close(j);
    key_str(j, "published", r->published);
    key_str(j, "published_raw", r->published_raw);
    key_str(j, "dateline", r->dateline);
    key_str(j, "language", r->lang);
    key_num(j, "language_confidence", r->lang_confidence, 3);
    key_str(j, "url", r->in.url);
    key_str(j, "source", r->in.source);
    key_str(j, "format", r->in.format && r->in.format[0] ? r->in.format : "text");
    ds_json_obj_close(j);
}

static void write_counts(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "counts");
    ds_json_obj_open(j);
    key_int(j, "chars", r->chars);
    key_int(j, "words", r->words);
    key_int(j, "sentences", (int64_t)r->n_sents);
    key_int(j, "paragraphs", (int64_t)r->n_paras);
    ds_json_obj_close(j);
    ds_json_key(j, "readability");
    ds_json_obj_open(j);
    bool ok = r->english && r->words > 0;
    ds_json_key(j, "flesch");
    ok ? ds_json_double(j, r->flesch, 2) : ds_json_null(j);
    ds_json_key(j, "fk_grade");
    ok ? ds_json_double(j, r->fk_grade, 2) : ds_json_null(j);
    ds_json_obj_close(j);
}

static void write_themes(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "themes");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_themes; i++) {
        const engine_theme_t *t = &r->themes[i];
        ds_json_obj_open(j);
        key_str(j, "code", t->code);
        key_num(j, "score", t->score, 3);
        key_int(j, "count", t->count);
        ds_json_key(j, "mentions");
        ds_json_arr_open(j);
        for (uint32_t h = 0; h < t->n_hits; h++) {
            const uint32_t *p = &r->theme_hits[2 * (t->first_hit + h)];
            span(j, p[0], p[1]);
        }
        ds_json_arr_close(j);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
}

static void write_tone(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "tone");
    ds_json_obj_open(j);
    key_num(j, "score", r->tone.score, 3);
    key_num(j, "positive", r->tone.positive, 3);
    key_num(j, "negative", r->tone.negative, 3);
    key_num(j, "polarity", r->tone.polarity, 3);
    key_num(j, "activity", r->tone.activity, 3);
    key_int(j, "words", r->tone.words);
    ds_json_obj_close(j);
}

static void write_keywords_summary(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "keywords");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_keywords; i++) {
        ds_json_obj_open(j);
        key_str(j, "text", r->keywords[i].text);
        key_num(j, "score", r->keywords[i].score, 4);
        key_int(j, "count", r->keywords[i].count);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
    ds_json_key(j, "summary");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_summary; i++) {
        const engine_sent_t *s = &r->sents[r->summary[i]];
        ds_json_strn(j, r->text + s->start, s->end - s->start);
    }
    ds_json_arr_close(j);
}

static void write_dates_amounts(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "dates");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_dates; i++) {
        const engine_date_t *d = &r->dates[i];
        ds_json_obj_open(j);
        ds_json_key(j, "text");
        ds_json_strn(j, r->text + d->start, d->end - d->start);
        key_str(j, "value", d->value);
        key_int(j, "offset", d->start);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
    ds_json_key(j, "amounts");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_amounts; i++) {
        const engine_amount_t *a = &r->amounts[i];
        ds_json_obj_open(j);
        ds_json_key(j, "text");
        ds_json_strn(j, r->text + a->start, a->end - a->start);
        key_num(j, "value", a->value, 6);
        key_str(j, "unit", a->unit);
        key_str(j, "kind", a->kind);
        key_int(j, "offset", a->start);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
}

static void write_quotes(const engine_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "quotes");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_quotes; i++) {
        const engine_quote_t *q = &r->quotes[i];
        ds_json_obj_open(j);
        ds_json_key(j, "text");
        ds_json_strn(j, r->text + q->start, q->end - q->start);
        key_str(j, "speaker", q->speaker);
        key_int(j, "offset", q->start);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
    engine_events_json(r->events, r->n_events, j);
}

static void write_tail(const engine_result_t *r, ds_json_t *j)
{
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->simhash);
    key_str(j, "simhash", hex);
    ds_json_key(j, "warnings");
    ds_json_arr_open(j);
    for (size_t i = 0; i < r->n_warnings; i++) {
        ds_json_str(j, r->warnings[i]);
    }
    ds_json_arr_close(j);
    if (r->text_differs) {
        ds_json_key(j, "text");
        ds_json_strn(j, r->text, r->len);
    }
}

void engine_result_json(const engine_result_t *r, int64_t elapsed_us, ds_buf_t *out)
{
    ds_json_t j;
    ds_json_init(&j, out);
    ds_json_obj_open(&j);
    key_str(&j, "schema_version", "1");
    key_str(&j, "id", r->in.id);
    key_str(&j, "digest", r->digest);
    ds_json_key(&j, "analyzer");
    ds_json_obj_open(&j);
    key_str(&j, "version", ENGINE_VERSION);
    key_int(&j, "elapsed_us", elapsed_us < 0 ? 0 : elapsed_us);
    key_str(&j, "mode", r->in.mode == ENGINE_COUNTS ? "counts" : "full");
    ds_json_obj_close(&j);
    write_meta(r, &j);
    write_counts(r, &j);
    engine_ner_json(r, &j);
    write_themes(r, &j);
    write_tone(r, &j);
    write_keywords_summary(r, &j);
    write_dates_amounts(r, &j);
    write_quotes(r, &j);
    write_tail(r, &j);
    ds_json_obj_close(&j);
}

void engine_finish(engine_result_t *r)
{
    r->theme_codes = engine_arena_alloc(&r->arena, (r->n_themes + 1) * sizeof *r->theme_codes);
    for (size_t i = 0; i < r->n_themes; i++) {
        r->theme_codes[i] = r->themes[i].code;
    }
}

void engine_result_summary(const engine_result_t *r, engine_summary_t *out)
{
    out->title = r->title ? r->title : "";
    out->published = r->published ? r->published : "";
    out->published_ms = r->published_ms;
    out->lang = r->lang;
    out->words = r->words;
    out->tone = r->tone.score;
    out->simhash = r->simhash;
    engine_ner_summary(r, out);
    out->themes = (const char *const *)r->theme_codes;
    out->n_themes = r->n_themes;
}
