/* engine_byline.c: authors from a byline.
 *
 * A byline is a short line of its own near the top (the first HEAD_LINES lines) or at
 * the very end (the last TAIL_LINES lines): "By Jane Doe", "By Jane Doe and John
 * Roe", "BY JANE DOE, Reuters", "Written by Jane Doe", or "Jane Doe reports (from
 * Vienna)".  Names are runs of capitalised words, initials and name particles ("de",
 * "van", "al"), separated by "and", "&" or commas; a lone word after a comma is the
 * agency, not an author.  A byline with no name ("Written by" and nothing else)
 * gives no author and the warning "empty_byline" -- never an author called
 * "Written".
 *
 * Called by engine_meta() (English bylines; run for every language, the markers
 * are English).
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <string.h>

#define HEAD_LINES 8
#define TAIL_LINES 3
#define BYLINE_MAX_TOKENS 16
#define NAME_MAX_TOKENS 5

typedef struct {
    size_t first, end; /* tokens of the line */
} line_t;

static bool fold_is(const engine_result_t *r, size_t k, const char *w)
{
    char buf[16];
    const engine_tok_t *t = &r->toks[k];
    return engine_fold(r->text + t->start, t->end - t->start, buf, sizeof buf) != 0 && strcmp(buf, w) == 0;
}

static bool particle(const engine_result_t *r, size_t k)
{
    static const char *const P[] = {"de",  "van",   "von", "der", "den", "al", "bin", "ibn", "da",
                                    "del", "della", "la",  "le",  "du",  "di", "el",  "dos"};
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        if (fold_is(r, k, P[i])) {
            return true;
        }
    }
    return false;
}

static bool name_token(const engine_result_t *r, size_t k)
{
    const engine_tok_t *t = &r->toks[k];
    return ((t->flags & ENGINE_TOK_WORD) && (t->flags & ENGINE_TOK_CAP) && !fold_is(r, k, "and")) ||
           particle(r, k) || (t->flags & ENGINE_TOK_CLITIC) || (t->flags & ENGINE_TOK_APOS);
}

static void add_author(engine_result_t *r, size_t a, size_t z)
{
    while (z > a && !(r->toks[z - 1].flags & ENGINE_TOK_CAP)) {
        z--; /* a name ends on a capitalised word */
    }
    if (z == a || r->n_authors == ENGINE_MAX_AUTHORS) {
        return;
    }
    const engine_tok_t *s = &r->toks[a], *e = &r->toks[z - 1];
    r->authors[r->n_authors++] = engine_arena_strndup(&r->arena, r->text + s->start, e->end - s->start);
}

/* Names in tokens [k, end), separated by commas, "and" or "&"; a last lone word
 * after a comma is an agency.  Returns how many were added. */
static size_t parse_names(engine_result_t *r, size_t k, size_t end)
{
    size_t seg_a[ENGINE_MAX_AUTHORS], seg_z[ENGINE_MAX_AUTHORS], n = 0;
    bool after_comma[ENGINE_MAX_AUTHORS], comma = false;
    while (k < end && n < ENGINE_MAX_AUTHORS) {
        size_t a = k;
        while (k < end && k - a < NAME_MAX_TOKENS && name_token(r, k)) {
            k++;
        }
        if (k == a) {
            break;
        }
        seg_a[n] = a;
        seg_z[n] = k;
        after_comma[n++] = comma;
        char c = k < end ? r->text[r->toks[k].start] : '\0';
        if (c != ',' && c != '&' && !(k < end && fold_is(r, k, "and"))) {
            break;
        }
        comma = c == ',';
        k++;
        k += k < end && fold_is(r, k, "and");
    }
    if (n >= 2 && after_comma[n - 1] && seg_z[n - 1] - seg_a[n - 1] == 1) {
        n--;
    }
    size_t before = r->n_authors;
    for (size_t i = 0; i < n; i++) {
        add_author(r, seg_a[i], seg_z[i]);
    }
    return r->n_authors - before;
}

/* A byline has no lowercase words but these (and name particles). */
static bool byline_words(const engine_result_t *r, line_t l)
{
    static const char *const OK[] = {"by", "and", "for", "in", "at", "from", "of", "reports"};
    for (size_t k = l.first; k < l.end; k++) {
        const engine_tok_t *t = &r->toks[k];
        if (!(t->flags & ENGINE_TOK_WORD) || (t->flags & (ENGINE_TOK_CAP | ENGINE_TOK_CLITIC)) ||
            particle(r, k)) {
            continue;
        }
        bool ok = false;
        for (size_t i = 0; i < sizeof OK / sizeof OK[0] && !ok; i++) {
            ok = fold_is(r, k, OK[i]);
        }
        if (!ok) {
            return false;
        }
    }
    char last = r->text[r->toks[l.end - 1].end - 1];
    return !(last == '.' && !(r->toks[l.end - 1].flags & ENGINE_TOK_ABBREV)) && last != '?' && last != '!';
}

/* Whether line l is a byline; adds its authors (or warns when it names nobody). */
static bool byline(engine_result_t *r, line_t l)
{
    size_t n = l.end - l.first, k = l.first;
    if (n == 0 || n > BYLINE_MAX_TOKENS || !byline_words(r, l)) {
        return false;
    }
    size_t names_at;
    if (fold_is(r, k, "by") && (r->toks[k].flags & ENGINE_TOK_CAP)) {
        names_at = k + 1;
    } else if (fold_is(r, k, "written") && n >= 2 && fold_is(r, k + 1, "by") &&
               (r->toks[k].flags & ENGINE_TOK_CAP)) {
        names_at = k + 2;
    } else {
        size_t j = k;
        while (j < l.end && j - k < NAME_MAX_TOKENS && name_token(r, j)) {
            j++;
        }
        if (j == k || j >= l.end || !fold_is(r, j, "reports") || l.end - j > 4) {
            return false;
        }
        add_author(r, k, j);
        return true;
    }
    if (parse_names(r, names_at, l.end) == 0) {
        engine_warn(r, "empty_byline");
    }
    return true;
}

void engine_byline(engine_result_t *r)
{
    line_t lines[HEAD_LINES + TAIL_LINES];
    size_t nl = 0, total = 0, first = 0;
    for (size_t k = 1; k <= r->n_toks; k++) {
        if (k == r->n_toks || (r->toks[k].flags & ENGINE_TOK_LINE_START)) {
            line_t l = {first, k};
            if (total < HEAD_LINES) {
                lines[nl++] = l;
            } else {
                if (nl == HEAD_LINES + TAIL_LINES) {
                    memmove(&lines[HEAD_LINES], &lines[HEAD_LINES + 1], (TAIL_LINES - 1) * sizeof lines[0]);
                    nl--;
                }
                lines[nl++] = l;
            }
            total++;
            first = k;
        }
    }
    for (size_t i = 0; i < nl; i++) {
        if (byline(r, lines[i])) {
            r->byline_first = (uint32_t)lines[i].first;
            r->byline_end = (uint32_t)lines[i].end;
            return;
        }
    }
}
