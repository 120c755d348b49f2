/* engine_themes.c: the theme taxonomy (data/engine/themes.tsv) and its matcher.
 *
 * At load, every term is split into words, each folded and stemmed with English
 * Snowball; a word written "=word" must also match exactly (its vocabulary id).
 * Phrases are sorted by first stem (then longest first), and each first stem is
 * flagged ENGINE_SF_THEME, so a document's tokens are matched in one pass: only
 * tokens whose stem starts some phrase look further, and the longest phrase that
 * matches wins and consumes its tokens.  A theme is reported with its count, its
 * score (hits per 1,000 words) and the spans that triggered it, when it has at
 * least THEME_MIN_HITS hits (one suffices in texts under SHORT_TEXT_WORDS words).
 * Themes are ordered by score, then code.  English only.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include "ds_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THEME_MAX_CODES 64
#define PHRASE_MAX_WORDS 6
#define THEME_MIN_HITS 2
#define SHORT_TEXT_WORDS 80

typedef struct {
    uint32_t stem;
    uint32_t exact; /* vocabulary id, or ENGINE_LEX_NONE for a stem match */
} unit_t;

typedef struct {
    uint32_t first_stem;
    uint16_t theme;
    uint16_t len;
    unit_t units[PHRASE_MAX_WORDS];
} phrase_t;

struct engine_themes {
    char codes[THEME_MAX_CODES][24];
    size_t n_codes;
    phrase_t *phrases;
    size_t n_phrases, cap;
};

static int theme_index(engine_themes_t *t, const char *code)
{
    for (size_t i = 0; i < t->n_codes; i++) {
        if (strcmp(t->codes[i], code) == 0) {
            return (int)i;
        }
    }
    if (t->n_codes == THEME_MAX_CODES || strlen(code) >= sizeof t->codes[0]) {
        return -1;
    }
    snprintf(t->codes[t->n_codes], sizeof t->codes[0], "%s", code);
    return (int)t->n_codes++;
}

static bool add_unit(engine_data_t *d, phrase_t *p, const char *w, size_t n)
{
    bool exact = n > 1 && w[0] == '=';
    w += exact;
    n -= exact;
    char low[128], st[128];
    size_t m = engine_fold(w, n, low, sizeof low);
    if (m == 0 || p->len == PHRASE_MAX_WORDS) {
        return false;
    }
    unit_t *u = &p->units[p->len++];
    u->exact = exact ? engine_vocab_add(d, low, m) : ENGINE_LEX_NONE;
    size_t sl = engine_stem(d, "en", low, m, st, sizeof st);
    u->stem = engine_stem_add(d, st, sl);
    return true;
}

static int theme_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_data_t *d = ctx;
    engine_themes_t *t = d->themes;
    int ti = n >= 2 ? theme_index(t, f[0]) : -1;
    if (ti < 0) {
        snprintf(why, wl, "expected CODE<TAB>term (at most %d codes)", THEME_MAX_CODES);
        return -1;
    }
    phrase_t p = {.theme = (uint16_t)ti};
    char *save = NULL;
    for (char *w = strtok_r(f[1], " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
        if (!add_unit(d, &p, w, strlen(w))) {
            snprintf(why, wl, "bad term (at most %d words)", PHRASE_MAX_WORDS);
            return -1;
        }
    }
    if (p.len == 0) {
        snprintf(why, wl, "empty term");
        return -1;
    }
    p.first_stem = p.units[0].stem;
    engine_grow((void **)&t->phrases, &t->cap, t->n_phrases + 1, sizeof *t->phrases);
    t->phrases[t->n_phrases++] = p;
    return 0;
}

static int cmp_phrase(const void *a, const void *b)
{
    const phrase_t *x = a, *y = b;
    if (x->first_stem != y->first_stem) {
        return x->first_stem < y->first_stem ? -1 : 1;
    }
    if (x->len != y->len) {
        return x->len > y->len ? -1 : 1;
    }
    return x->theme < y->theme ? -1 : (x->theme > y->theme);
}

int engine_themes_load(engine_data_t *d, const char *data_dir, char *errstr, size_t errlen)
{
    d->themes = ds_xcalloc(1, sizeof *d->themes);
    int rc = engine_data_lines(data_dir, "themes.tsv", theme_line, d, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    engine_themes_t *t = d->themes;
    qsort(t->phrases, t->n_phrases, sizeof *t->phrases, cmp_phrase);
    for (size_t i = 0; i < t->n_phrases; i++) {
        d->sflags[t->phrases[i].first_stem] |= ENGINE_SF_THEME;
    }
    return 0;
}

void engine_themes_free(engine_data_t *d)
{
    if (d->themes != NULL) {
        free(d->themes->phrases);
        free(d->themes);
        d->themes = NULL;
    }
}

/* First phrase whose first stem is st (phrases are sorted), or n_phrases. */
static size_t first_phrase(const engine_themes_t *t, uint32_t st)
{
    size_t lo = 0, hi = t->n_phrases;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->phrases[mid].first_stem < st) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Word tokens k.. (skipping split-off clitics) match phrase p; *end is the token
 * after the match. */
static bool matches(const engine_t *e, const engine_result_t *r, const phrase_t *p, size_t k, size_t *end)
{
    size_t u = 0;
    while (u < p->len && k < r->n_toks) {
        const engine_tok_t *t = &r->toks[k];
        if (t->flags & ENGINE_TOK_CLITIC) {
            k++;
            continue;
        }
        const engine_word_t *w = &e->words[k];
        if (w->stem != p->units[u].stem ||
            (p->units[u].exact != ENGINE_LEX_NONE && w->vocab != p->units[u].exact)) {
            return false;
        }
        if (u > 0 && t->sent != r->toks[k - 1].sent) {
            return false;
        }
        u++;
        k++;
    }
    *end = k;
    return u == p->len;
}

typedef struct {
    uint32_t start, end;
    uint16_t theme;
} hit_t;

/* Collects hits into hits[] (arena); returns how many. */
static size_t collect(const engine_t *e, engine_result_t *r, hit_t **out)
{
    const engine_data_t *d = e->data;
    const engine_themes_t *t = d->themes;
    size_t n = 0, cap = 0;
    hit_t *hits = NULL;
    for (size_t k = 0; k < r->n_toks; k++) {
        uint32_t st = e->words[k].stem;
        if (st == ENGINE_LEX_NONE || st >= d->stems_static || !(d->sflags[st] & ENGINE_SF_THEME)) {
            continue;
        }
        for (size_t i = first_phrase(t, st); i < t->n_phrases && t->phrases[i].first_stem == st; i++) {
            size_t end;
            if (matches(e, r, &t->phrases[i], k, &end)) {
                engine_grow((void **)&hits, &cap, n + 1, sizeof *hits);
                hits[n++] = (hit_t){r->toks[k].start, r->toks[end - 1].end, t->phrases[i].theme};
                k = end - 1;
                break;
            }
        }
    }
    *out = hits;
    return n;
}

static int cmp_theme(const void *a, const void *b)
{
    const engine_theme_t *x = a, *y = b;
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return strcmp(x->code, y->code);
}

void engine_themes(const engine_t *e, engine_result_t *r)
{
    if (!r->english || r->words == 0) {
        return;
    }
    const engine_themes_t *t = e->data->themes;
    hit_t *hits = NULL;
    size_t nh = collect(e, r, &hits);
    uint32_t count[THEME_MAX_CODES] = {0};
    for (size_t i = 0; i < nh; i++) {
        count[hits[i].theme]++;
    }
    uint32_t min = r->words < SHORT_TEXT_WORDS ? 1 : THEME_MIN_HITS;
    r->themes = engine_arena_alloc(&r->arena, sizeof *r->themes * (t->n_codes + 1));
    r->theme_hits = engine_arena_alloc(&r->arena, sizeof *r->theme_hits * 2 * (nh + 1));
    for (size_t c = 0; c < t->n_codes; c++) {
        if (count[c] < min) {
            continue;
        }
        engine_theme_t *th = &r->themes[r->n_themes++];
        th->code = engine_arena_strdup(&r->arena, t->codes[c]);
        th->count = count[c];
        th->score = 1000.0 * count[c] / (double)r->words;
        th->first_hit = (uint32_t)r->n_theme_hits / 2;
        for (size_t i = 0; i < nh; i++) {
            if (hits[i].theme == c) {
                r->theme_hits[r->n_theme_hits++] = hits[i].start;
                r->theme_hits[r->n_theme_hits++] = hits[i].end;
            }
        }
        th->n_hits = count[c];
    }
    free(hits);
    qsort(r->themes, r->n_themes, sizeof *r->themes, cmp_theme);
}
