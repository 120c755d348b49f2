/* engine_ner_glue.c: where the NER/geo stages (ner*.c, geo*.c, written separately)
 * plug into the pipeline.  Until worker/engine/ner.h exists, the engine reports
 * no entities, countries or locations and writes empty arrays.
 */
#include "engine_internal.h"

#if __has_include("ner.h")
#define ENGINE_HAVE_NER 0 /* wired in once ner.h's API settles */
#else
#define ENGINE_HAVE_NER 0
#endif

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

void engine_ner_json(const engine_result_t *r, ds_json_t *j)
{
    (void)r;
    ds_json_key(j, "entities");
    ds_json_arr_open(j);
    ds_json_arr_close(j);
    ds_json_key(j, "countries");
    ds_json_arr_open(j);
    ds_json_arr_close(j);
    ds_json_key(j, "locations");
    ds_json_arr_open(j);
    ds_json_arr_close(j);
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
