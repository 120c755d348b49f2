/* engine.c: the engine's public entry points (engine.h) and the stage pipeline.
 *
 * engine_analyze() checks the input at the boundary (size, UTF-8, emptiness),
 * prepares the analysed text (NFC, or text extracted from HTML), then runs the
 * stages in order; each stage reads what earlier ones left in the result.  The
 * order matters: tokens -> sentences/paragraphs -> counts -> metadata (needs lines
 * and tokens) -> word lookup -> language (chooses the English-only stages) -> stems
 * -> publication date (relative dates need it) -> tone (per sentence, which NER
 * uses) -> dates and amounts (mark their tokens ENGINE_TOK_MEASURE) -> NER/geo ->
 * keywords, summary, themes, quotes, fingerprint.
 */
#include "engine_internal.h"

#include "ds_digest.h"
#include "ds_mem.h"
#include "ds_utf8.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DS_DATADIR
#define DS_DATADIR "/usr/local/share/dossier"
#endif

void engine_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return;
    }
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        n *= 2;
    }
    *p = ds_xrealloc(*p, n * elem);
    *cap = n;
}

void engine_warn(engine_result_t *r, const char *code)
{
    for (size_t i = 0; i < r->n_warnings; i++) {
        if (strcmp(r->warnings[i], code) == 0) {
            return;
        }
    }
    if (r->n_warnings < ENGINE_MAX_WARNINGS) {
        r->warnings[r->n_warnings++] = code;
    }
}

void engine_doc_view(const engine_result_t *r, engine_doc_t *doc)
{
    doc->text = r->text;
    doc->len = r->len;
    doc->toks = r->toks;
    doc->n_toks = r->n_toks;
    doc->sents = r->sents;
    doc->n_sents = r->n_sents;
    doc->paras = r->paras;
    doc->n_paras = r->n_paras;
    doc->lang = r->lang;
    doc->published = r->published ? r->published : "";
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

engine_t *engine_new(const char *data_dir, char *errstr, size_t errlen)
{
    char *dir = data_dir ? ds_xstrdup(data_dir) : engine_default_data_dir();
    if (!is_dir(dir)) {
        snprintf(errstr, errlen, "data directory %s not found", dir);
        free(dir);
        return NULL;
    }
    engine_t *e = ds_xcalloc(1, sizeof *e);
    e->data_dir = dir;
    if (engine_data_load(e, errstr, errlen) != 0 || engine_ner_load(e, errstr, errlen) != 0) {
        engine_destroy(&e);
        return NULL;
    }
    return e;
}

void engine_destroy(engine_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    engine_t *e = *self_p;
    engine_ner_unload(e);
    engine_events_free(&e->events);
    engine_data_free(e);
    free(e->data_dir);
    free(e->words);
    free(e->stem_map);
    engine_arena_free(&e->tmp);
    free(e);
    *self_p = NULL;
}

static const char *dup_opt(engine_result_t *r, const char *s)
{
    return s ? engine_arena_strdup(&r->arena, s) : NULL;
}

static engine_result_t *result_new(const engine_input_t *in)
{
    engine_result_t *r = ds_xcalloc(1, sizeof *r);
    engine_arena_init(&r->arena);
    if (in != NULL) {
        r->in = *in;
    }
    r->in.id = dup_opt(r, r->in.id);
    r->in.title = dup_opt(r, r->in.title);
    r->in.published = dup_opt(r, r->in.published);
    r->in.url = dup_opt(r, r->in.url);
    r->in.source = dup_opt(r, r->in.source);
    r->in.lang = dup_opt(r, r->in.lang);
    r->in.format = dup_opt(r, r->in.format);
    r->published_ms = -1;
    r->lang = "unknown";
    r->title = "";
    return r;
}

/* True for 64 lowercase hex digits (and nothing more). */
static bool digest_given(const char *d)
{
    if (d == NULL) {
        return false;
    }
    for (int i = 0; i < 64; i++) {
        if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f'))) {
            return false;
        }
    }
    return d[64] == '\0';
}

/* Size, UTF-8 and emptiness, checked on the bytes as submitted. */
static int check_input(const char *text, size_t len, const engine_input_t *in, char *errstr, size_t errlen)
{
    size_t max = (in && in->max_bytes) ? in->max_bytes : ENGINE_MAX_BYTES_DEFAULT;
    if (len > max || len > UINT32_MAX / 2) {
        snprintf(errstr, errlen, "document is %zu bytes, limit is %zu", len, max);
        return DS_ETOOBIG;
    }
    size_t bad = 0;
    if (ds_utf8_validate((const uint8_t *)text, len, &bad) != 0) {
        snprintf(errstr, errlen, "invalid UTF-8 at byte %zu", bad);
        return DS_EUTF8;
    }
    return 0;
}

void engine_set_stage_hook(engine_t *e, engine_stage_fn fn, void *ctx)
{
    e->stage_hook = fn;
    e->stage_ctx = ctx;
}

static void stage_done(engine_t *e, const char *stage)
{
    if (e->stage_hook != NULL) {
        e->stage_hook(e->stage_ctx, stage);
    }
}

#define STAGE(name, call)                                                                                    \
    do {                                                                                                     \
        call;                                                                                                \
        stage_done(e, name);                                                                                 \
    } while (0)

static void run_stages(engine_t *e, engine_result_t *r)
{
    STAGE("tokens", engine_tokenize(r));
    STAGE("segment", engine_segment(r));
    STAGE("counts", engine_count(r));
    STAGE("meta", engine_meta(e, r));
    if (r->in.mode == ENGINE_COUNTS) {
        return;
    }
    STAGE("words", engine_words_lookup(e, r));
    STAGE("language", engine_language(e, r));
    STAGE("stems", engine_words_stem(e, r));
    STAGE("readability", engine_readability(e, r));
    STAGE("published", engine_published(r));
    STAGE("tone", engine_tone(e, r));
    STAGE("dates", engine_dates(e, r));
    STAGE("amounts", engine_amounts(e, r));
    STAGE("ner", engine_ner_run(e, r));
    STAGE("keywords", engine_keywords(e, r));
    STAGE("summary", engine_summarize(e, r));
    STAGE("themes", engine_themes(e, r));
    STAGE("quotes", engine_quotes(r));
    STAGE("events", engine_events(e, r));
    STAGE("simhash", engine_simhash(e, r));
}

int engine_analyze(engine_t *e, const char *text, size_t len, const engine_input_t *in, engine_result_t **out,
                   char *errstr, size_t errlen)
{
    *out = NULL;
    if (e == NULL || (text == NULL && len > 0)) {
        snprintf(errstr, errlen, "no engine or no text");
        return DS_EINVAL;
    }
    int rc = check_input(text ? text : "", len, in, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    engine_arena_reset(&e->tmp, ENGINE_TMP_KEEP_MAX);
    engine_result_t *r = result_new(in);
    if (in && digest_given(in->digest)) {
        memcpy(r->digest, in->digest, 64);
        r->digest[64] = '\0';
    } else {
        ds_sha256_hex((const uint8_t *)(text ? text : ""), len, r->digest);
    }
    rc = engine_prepare_text(e, r, text ? text : "", len, errstr, errlen);
    stage_done(e, "prepare");
    if (rc != 0) {
        engine_result_destroy(&r);
        return rc;
    }
    run_stages(e, r);
    engine_finish(r);
    *out = r;
    return 0;
}

void engine_result_destroy(engine_result_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    engine_result_t *r = *self_p;
    engine_ner_free(r);
    free(r->toks);
    free(r->sents);
    free(r->paras);
    free(r->dates);
    free(r->amounts);
    free(r->quotes);
    engine_arena_free(&r->arena);
    free(r);
    *self_p = NULL;
}

/* Walks up from the running binary's folder looking for data/engine. */
static char *find_near_exe(void)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        return NULL;
    }
    path[n] = '\0';
    for (int up = 0; up < 6; up++) {
        char *slash = strrchr(path, '/');
        if (slash == NULL) {
            return NULL;
        }
        *slash = '\0';
        char cand[PATH_MAX + 16];
        snprintf(cand, sizeof cand, "%s/data/engine", path);
        if (is_dir(cand)) {
            cand[strlen(cand) - strlen("/engine")] = '\0';
            return ds_xstrdup(cand);
        }
    }
    return NULL;
}

char *engine_default_data_dir(void)
{
    const char *env = getenv("DOSSIER_DATA");
    if (env != NULL && env[0] != '\0') {
        return ds_xstrdup(env);
    }
    char *near = find_near_exe();
    return near ? near : ds_xstrdup(DS_DATADIR);
}
