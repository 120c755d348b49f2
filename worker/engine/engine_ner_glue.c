/* engine_ner_glue.c: where the NER/geo stage (ner.h, written separately) plugs into
 * the pipeline.
 *
 * Built in when worker/engine/ner.h exists.  The stage loads from data_dir/ner and
 * data_dir/geo; a data directory without ner/ runs the engine without entities and
 * every result says so with the warning "ner_unavailable" (a broken ner/ is an
 * error at engine_new()).  NER runs on English (and unknown-language) text only,
 * after tone, because it reads each sentence's tone.  Without ner.h the engine
 * writes three empty arrays.
 */
#include "engine_internal.h"

#include <stdio.h>
#include <sys/stat.h>

#if defined(__has_include)
#if __has_include("ner.h")
#define ENGINE_HAVE_NER 1
#include "ner.h"
#endif
#endif

#ifdef ENGINE_HAVE_NER

int engine_ner_load(engine_t *e, char *errstr, size_t errlen)
{
    char dir[4096];
    struct stat st;
    snprintf(dir, sizeof dir, "%s/ner", e->data_dir);
    e->ner = NULL;
    if (stat(dir, &st) != 0) {
        return 0; /* no NER data: entities are skipped with a warning */
    }
    e->ner = ner_load(e->data_dir, errstr, errlen);
    return e->ner != NULL ? 0 : DS_ECONFIG;
}

void engine_ner_unload(engine_t *e)
{
    ner_destroy((ner_t **)&e->ner);
}

void engine_ner_run(engine_t *e, engine_result_t *r)
{
    r->ner = NULL;
    if (e->ner == NULL) {
        engine_warn(r, "ner_unavailable");
        return;
    }
    if (!r->english) {
        return;
    }
    engine_doc_t doc;
    engine_doc_view(r, &doc);
    ner_result_t *nr = NULL;
    char err[128];
    if (ner_run(e->ner, &doc, &nr, err, sizeof err) == 0) {
        r->ner = nr;
    } else {
        engine_warn(r, "ner_failed");
    }
}

void engine_ner_json(const engine_result_t *r, ds_json_t *j)
{
    ner_result_json(r->ner, j);
}

void engine_ner_summary(const engine_result_t *r, engine_summary_t *out)
{
    out->entities = ner_result_keys(r->ner, &out->n_entities);
    out->countries = ner_result_country_codes(r->ner, &out->n_countries);
}

void engine_ner_free(engine_result_t *r)
{
    ner_result_destroy((ner_result_t **)&r->ner);
}

#else

int engine_ner_load(engine_t *e, char *errstr, size_t errlen)
{
    (void)errstr;
    (void)errlen;
    e->ner = NULL;
    return 0;
}

void engine_ner_unload(engine_t *e)
{
    e->ner = NULL;
}

void engine_ner_run(engine_t *e, engine_result_t *r)
{
    (void)e;
    r->ner = NULL;
}

static void empty_array(ds_json_t *j, const char *key)
{
    ds_json_key(j, key);
    ds_json_arr_open(j);
    ds_json_arr_close(j);
}

void engine_ner_json(const engine_result_t *r, ds_json_t *j)
{
    (void)r;
    empty_array(j, "entities");
    empty_array(j, "countries");
    empty_array(j, "locations");
}

void engine_ner_summary(const engine_result_t *r, engine_summary_t *out)
{
    (void)r;
    out->entities = NULL;
    out->n_entities = 0;
    out->countries = NULL;
    out->n_countries = 0;
}

void engine_ner_free(engine_result_t *r)
{
    r->ner = NULL;
}

#endif
