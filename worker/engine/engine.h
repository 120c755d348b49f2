/* engine.h: the analysis engine, a pure library: text in, result out.
 *
 * No sockets, no Redis, no clock, no logging, no globals.  engine_new() loads the
 * data files (lexicons, gazetteers, model weights) once per process from data_dir;
 * engine_analyze() is then a pure function of its inputs: analysing the same input
 * twice gives byte-identical JSON.  An engine_t is not thread-safe; use one per
 * process (workers are single-threaded prefork children).
 *
 * Callers: worker/ (dossier-worker), client/ (dossier analyze --local), tests, bench.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include "ds_buf.h"
#include "ds_err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct engine engine_t;
typedef struct engine_result engine_result_t;

typedef enum {
    ENGINE_FULL = 0,   /* every stage */
    ENGINE_COUNTS = 1, /* counts and title only (bench's trivial job, `--analysis counts`) */
} engine_mode_t;

/* Optional fields from the submit body; NULL when absent.  Given values take
 * precedence over what the engine infers.  All borrowed for the call. */
typedef struct {
    const char *id;
    const char *title;
    const char *published; /* as given by the producer; the engine normalises it */
    const char *url;
    const char *source;
    const char *lang;   /* ISO 639-1 */
    const char *format; /* "text" (default) or "html" */
    engine_mode_t mode;
    size_t max_bytes;   /* reject larger texts with DS_ETOOBIG; 0 = 1 MiB */
    const char *digest; /* SHA-256 of the text as 64 lowercase hex digits when the
                           caller has it already (the broker sends it); the engine
                           computes it when NULL or malformed */
} engine_input_t;

/* What the worker needs for the Redis hash fields and indexes, borrowed from the
 * result (valid until engine_result_destroy). */
typedef struct {
    const char *type; /* "PERSON", "ORG", "LOCATION", "NORP", "MISC" */
    const char *norm; /* normalised name for index keys: lowercase, spaces as '_' */
} engine_entity_key_t;

typedef struct {
    const char *title;     /* "" when none */
    const char *published; /* ISO 8601 date or datetime, "" when unknown */
    int64_t published_ms;  /* Unix ms of `published`, or -1 when unknown */
    const char *lang;      /* ISO 639-1 or "unknown" */
    int64_t words;
    double tone;      /* tone.score */
    uint64_t simhash; /* 64-bit SimHash of the text, 0 when not computed */
    const engine_entity_key_t *entities;
    size_t n_entities;
    const char *const *countries; /* ISO 3166-1 alpha-2 */
    size_t n_countries;
    const char *const *themes; /* theme codes */
    size_t n_themes;
} engine_summary_t;

/* Loads data from data_dir (NULL: engine_default_data_dir()).  Returns NULL and fills
 * errstr when a data file is missing or malformed.  Caller owns. */
engine_t *engine_new(const char *data_dir, char *errstr, size_t errlen);
void engine_destroy(engine_t **self_p);

/* Analyses text[0..len).  Returns 0 and an owned result in *out, or a negative DS_E*
 * code (DS_EUTF8 with the byte offset in errstr, DS_EEMPTY, DS_ETOOBIG, DS_EANALYSIS)
 * with a one-line reason in errstr. */
int engine_analyze(engine_t *e, const char *text, size_t len, const engine_input_t *in, engine_result_t **out,
                   char *errstr, size_t errlen) DS_WUR;

/* Appends the result as one JSON object valid against proto/result.schema.json.
 * elapsed_us is stored in analyzer.elapsed_us (the engine has no clock). */
void engine_result_json(const engine_result_t *r, int64_t elapsed_us, ds_buf_t *out);

void engine_result_summary(const engine_result_t *r, engine_summary_t *out);
void engine_result_destroy(engine_result_t **self_p);

/* A benchmark seam: when set, fn(ctx, stage) is called after each pipeline stage of
 * engine_analyze() ("prepare", "tokens", "segment", ..., "simhash") so a caller
 * with a clock can time the stages.  Only benchmarks set it; the engine itself has
 * no clock.  fn NULL removes it. */
typedef void (*engine_stage_fn)(void *ctx, const char *stage);
void engine_set_stage_hook(engine_t *e, engine_stage_fn fn, void *ctx);

/* Where data lives when no directory is given: $DOSSIER_DATA, else ../data next to
 * the running binary's folder, else the installed share/dossier.  Caller owns. */
char *engine_default_data_dir(void);

#define ENGINE_VERSION "1.0.0"

#endif
