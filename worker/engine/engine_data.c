/* engine_data.c: loads the engine's data files once per process (engine_data.h).
 *
 * Everything lives under data_dir/engine/ (see data/engine/LICENSES.md for each
 * file's source and licence, data/build-engine-data.sh for how the generated ones
 * are made).  Loading builds the interned vocabulary and stem tables; analysing a
 * document never parses a data file.  Every malformed line is an error naming the
 * file and line, so a broken deployment fails at start-up, not per document.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include "ds_mem.h"

#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_FIELDS 4

static int split_line(char *line, char **fields)
{
    int n = 0;
    char *p = line;
    fields[n++] = p;
    while ((p = strchr(p, '\t')) != NULL && n < LINE_MAX_FIELDS) {
        *p++ = '\0';
        fields[n++] = p;
    }
    return n;
}

int engine_data_lines(const char *data_dir, const char *name, engine_line_fn fn, void *ctx, char *errstr,
                      size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/engine/%s", data_dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(errstr, errlen, "cannot open %s: %s", path, strerror(errno));
        return DS_ECONFIG;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int rc = 0, lineno = 0;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) {
            line[--got] = '\0';
        }
        if (got == 0 || line[0] == '#') {
            continue;
        }
        char *fields[LINE_MAX_FIELDS];
        int n = split_line(line, fields);
        char why[256] = "";
        if (fn(ctx, fields, n, why, sizeof why) != 0) {
            snprintf(errstr, errlen, "%s line %d: %s", path, lineno, why);
            rc = DS_ECONFIG;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

uint32_t engine_vocab_add(engine_data_t *d, const char *w, size_t n)
{
    bool added;
    uint32_t id = engine_lex_add(&d->vocab, w, n, engine_hash(w, n), &added);
    if (added) {
        engine_grow((void **)&d->ventries, &d->vcap, id + 1, sizeof *d->ventries);
        memset(&d->ventries[id], 0, sizeof d->ventries[id]);
    }
    return id;
}

uint32_t engine_stem_add(engine_data_t *d, const char *s, size_t n)
{
    bool added;
    uint32_t id = engine_lex_add(&d->stems, s, n, engine_hash(s, n), &added);
    if (added) {
        engine_grow((void **)&d->sflags, &d->scap, id + 1, sizeof *d->sflags);
        d->sflags[id] = 0;
    }
    return id;
}

/* Snowball algorithm names by ISO 639-1 code. */
static const char *const STEMMER_LANGS[][2] = {
    {"en", "english"},    {"fr", "french"},     {"de", "german"},  {"es", "spanish"}, {"it", "italian"},
    {"pt", "portuguese"}, {"nl", "dutch"},      {"sv", "swedish"}, {"da", "danish"},  {"no", "norwegian"},
    {"nb", "norwegian"},  {"fi", "finnish"},    {"ru", "russian"}, {"tr", "turkish"}, {"ro", "romanian"},
    {"hu", "hungarian"},  {"id", "indonesian"}, {"ca", "catalan"}, {"el", "greek"},   {"ar", "arabic"},
    {"hi", "hindi"},      {"lt", "lithuanian"}, {"eu", "basque"},  {"ga", "irish"},   {"hy", "armenian"},
    {"sr", "serbian"},    {"ne", "nepali"},     {"ta", "tamil"},
};

size_t engine_stem(engine_data_t *d, const char *lang, const char *w, size_t n, char *out, size_t cap)
{
    size_t nl = sizeof STEMMER_LANGS / sizeof STEMMER_LANGS[0];
    size_t i = 0;
    while (i < nl && strcmp(STEMMER_LANGS[i][0], lang) != 0) {
        i++;
    }
    struct sb_stemmer *st = NULL;
    if (i < nl && i <= ENGINE_MAX_LANGS) {
        if (d->stemmers[i] == NULL) {
            d->stemmers[i] = sb_stemmer_new(STEMMER_LANGS[i][1], "UTF_8");
        }
        st = d->stemmers[i];
    }
    const sb_symbol *s = st ? sb_stemmer_stem(st, (const sb_symbol *)w, (int)n) : NULL;
    size_t m = s ? (size_t)sb_stemmer_length(st) : n;
    const char *src = s ? (const char *)s : w;
    if (m >= cap) {
        m = cap - 1;
    }
    memcpy(out, src, m);
    out[m] = '\0';
    return m;
}

int engine_lang_index(const engine_data_t *d, const char *lang)
{
    for (int i = 0; i < d->n_langs; i++) {
        if (strcmp(d->langs[i], lang) == 0) {
            return i;
        }
    }
    return -1;
}

static bool parse_float(const char *s, float *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0') {
        return false;
    }
    *out = (float)v;
    return true;
}

/* A folded copy of a lexicon word: lexicon files are lowercase already, but the
 * engine's folding (typographic apostrophes) must agree with analysis. */
static uint32_t add_word(engine_data_t *d, const char *w)
{
    char buf[256];
    size_t n = engine_fold(w, strlen(w), buf, sizeof buf);
    return engine_vocab_add(d, buf, n);
}

static int vader_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_data_t *d = ctx;
    float v;
    if (n < 2 || !parse_float(f[1], &v)) {
        snprintf(why, wl, "expected word<TAB>valence");
        return -1;
    }
    uint32_t id = add_word(d, f[0]);
    d->ventries[id].valence = v;
    return 0;
}

static int rules_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_data_t *d = ctx;
    float v;
    if (n < 3 || !parse_float(f[2], &v)) {
        snprintf(why, wl, "expected kind<TAB>word<TAB>value");
        return -1;
    }
    if (strcmp(f[0], "negate") == 0) {
        uint32_t id = add_word(d, f[1]);
        d->ventries[id].flags |= ENGINE_VF_NEGATE;
    } else if (strcmp(f[0], "booster") == 0 && strchr(f[1], ' ') == NULL) {
        uint32_t id = add_word(d, f[1]);
        d->ventries[id].booster = v;
    } else if (strcmp(f[0], "constant") == 0 && strcmp(f[1], "allcaps") == 0) {
        d->allcaps_incr = v;
    }
    return 0; /* multi-word boosters and idioms are not used */
}

static int stop_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_data_t *d = ctx;
    if (n < 2 || strlen(f[0]) > 3) {
        snprintf(why, wl, "expected lang<TAB>word");
        return -1;
    }
    int li = engine_lang_index(d, f[0]);
    if (li < 0) {
        if (d->n_langs == ENGINE_MAX_LANGS) {
            snprintf(why, wl, "more than %d stopword languages", ENGINE_MAX_LANGS);
            return -1;
        }
        li = d->n_langs++;
        snprintf(d->langs[li], sizeof d->langs[li], "%s", f[0]);
    }
    uint32_t id = add_word(d, f[1]);
    d->ventries[id].stop |= 1u << li;
    return 0;
}

static int active_line(void *ctx, char **f, int n, char *why, size_t wl)
{
    engine_data_t *d = ctx;
    (void)n;
    char low[128], st[128];
    size_t m = engine_fold(f[0], strlen(f[0]), low, sizeof low);
    if (m == 0) {
        snprintf(why, wl, "word too long");
        return -1;
    }
    m = engine_stem(d, "en", low, m, st, sizeof st);
    uint32_t id = engine_stem_add(d, st, m);
    d->sflags[id] |= ENGINE_SF_ACTIVE;
    return 0;
}

/* Gives every static vocabulary word its English stem. */
static void stem_vocabulary(engine_data_t *d)
{
    for (uint32_t id = 0; id < d->vocab.n; id++) {
        size_t n;
        const char *w = engine_lex_key(&d->vocab, id, &n);
        char st[256];
        size_t m = engine_stem(d, "en", w, n, st, sizeof st);
        uint32_t sid = engine_stem_add(d, st, m);
        d->ventries[id].stem = sid;
        d->ventries[id].flags |= ENGINE_VF_STEMMED;
    }
}

/* A word that starts an event pattern (engine_events.c tests the flag per token). */
static void mark_event_word(void *ctx, const char *form)
{
    engine_data_t *d = ctx;
    uint32_t id = engine_vocab_add(d, form, strlen(form));
    d->ventries[id].flags |= ENGINE_VF_EVENT;
}

int engine_data_load(engine_t *e, char *errstr, size_t errlen)
{
    engine_data_t *d = ds_xcalloc(1, sizeof *d);
    e->data = d;
    engine_lex_init(&d->vocab, 32768);
    engine_lex_init(&d->stems, 32768);
    d->allcaps_incr = 0.733f;
    const char *dir = e->data_dir;
    int rc = engine_data_lines(dir, "vader.tsv", vader_line, d, errstr, errlen);
    rc = rc ? rc : engine_data_lines(dir, "vader-rules.tsv", rules_line, d, errstr, errlen);
    rc = rc ? rc : engine_data_lines(dir, "stopwords.tsv", stop_line, d, errstr, errlen);
    rc = rc ? rc : engine_data_lines(dir, "activity.txt", active_line, d, errstr, errlen);
    rc = rc ? rc : engine_themes_load(d, dir, errstr, errlen);
    rc = rc ? rc : engine_currency_load(d, dir, errstr, errlen);
    rc = rc ? rc : engine_lang_load(d, dir, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    engine_dates_load(d);
    static const char *const REPORTING[] = {"said",  "says",      "told",     "tells",   "added",
                                            "asked", "according", "reported", "reports", "announced"};
    for (size_t i = 0; i < sizeof REPORTING / sizeof REPORTING[0]; i++) {
        uint32_t id = engine_vocab_add(d, REPORTING[i], strlen(REPORTING[i]));
        d->ventries[id].flags |= ENGINE_VF_REPORTING;
    }
    static const char *const TONE_WORDS[] = {"but", "least", "at", "very"};
    for (size_t i = 0; i < 4; i++) {
        d->tone_ids[i] = engine_vocab_add(d, TONE_WORDS[i], strlen(TONE_WORDS[i]));
    }
    d->lang_en = engine_lang_index(d, "en");
    if (d->lang_en < 0) {
        snprintf(errstr, errlen, "%s/engine/stopwords.tsv has no English stopwords", dir);
        return DS_ECONFIG;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/engine/events.tsv", dir);
    e->events = engine_events_load(path, errstr, errlen);
    if (e->events == NULL) {
        return DS_ECONFIG;
    }
    engine_events_triggers(e->events, mark_event_word, d);
    stem_vocabulary(d);
    d->vocab_static = d->vocab.n;
    d->stems_static = d->stems.n;
    return 0;
}

void engine_data_free(engine_t *e)
{
    engine_data_t *d = e->data;
    if (d == NULL) {
        return;
    }
    engine_themes_free(d);
    engine_currency_free(d);
    engine_lang_free(d);
    for (size_t i = 0; i <= ENGINE_MAX_LANGS; i++) {
        if (d->stemmers[i] != NULL) {
            sb_stemmer_delete(d->stemmers[i]);
        }
    }
    engine_lex_free(&d->vocab);
    engine_lex_free(&d->stems);
    free(d->ventries);
    free(d->sflags);
    free(d);
    e->data = NULL;
}
