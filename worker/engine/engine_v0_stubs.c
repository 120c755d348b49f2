/* engine_v0_stubs.c: stages not written yet; each does nothing.  Removed stage by
 * stage as the real ones land. */
#include "engine_internal.h"

void engine_language(const engine_t *e, engine_result_t *r)
{
    (void)e;
    r->lang = r->in.lang && r->in.lang[0] ? r->in.lang : "unknown";
    r->english = true;
}

void engine_published(engine_result_t *r)
{
    r->published_raw = r->in.published;
}

void engine_tone(const engine_t *e, engine_result_t *r)
{
    (void)e;
    (void)r;
}

void engine_keywords(const engine_t *e, engine_result_t *r)
{
    (void)e;
    (void)r;
}

void engine_summarize(const engine_t *e, engine_result_t *r)
{
    (void)e;
    (void)r;
}

void engine_themes(const engine_t *e, engine_result_t *r)
{
    (void)e;
    (void)r;
}

void engine_dates(engine_result_t *r)
{
    (void)r;
}

void engine_amounts(engine_result_t *r)
{
    (void)r;
}

void engine_quotes(engine_result_t *r)
{
    (void)r;
}

void engine_simhash(engine_result_t *r)
{
    (void)r;
}
