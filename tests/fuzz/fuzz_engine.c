/* fuzz_engine.c: libFuzzer target for engine_analyze() and the JSON writer.
 *
 * The first input byte picks the options (format text/html, a given publication
 * date or language, counts-only mode); the rest is the document.  Every accepted
 * document must produce JSON, every offset must lie inside the analysed text, and
 * analysing it again must give the same JSON.  The engine is loaded once (data dir
 * from $DOSSIER_DATA or found next to the binary).
 */
#include "engine.h"
#include "engine_internal.h"

#include "ds_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static engine_t *engine_once(void)
{
    static engine_t *e;
    if (e == NULL) {
        char err[256];
        char *dir = engine_default_data_dir();
        e = engine_new(dir, err, sizeof err);
        if (e == NULL) {
            fprintf(stderr, "fuzz_engine: %s\n", err);
            abort();
        }
        free(dir);
    }
    return e;
}

static void check_spans(const engine_result_t *r)
{
    for (size_t i = 0; i < r->n_toks; i++) {
        if (r->toks[i].start >= r->toks[i].end || r->toks[i].end > r->len) {
            abort();
        }
    }
    for (size_t i = 0; i < r->n_dates; i++) {
        if (r->dates[i].start > r->dates[i].end || r->dates[i].end > r->len) {
            abort();
        }
    }
    for (size_t i = 0; i < r->n_quotes; i++) {
        if (r->quotes[i].start > r->quotes[i].end || r->quotes[i].end > r->len) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    engine_t *e = engine_once();
    uint8_t opt = data[0];
    engine_input_t in = {
        .format = (opt & 1) ? "html" : NULL,
        .published = (opt & 2) ? "2007-05-01" : NULL,
        .lang = (opt & 4) ? "en" : NULL,
        .mode = (opt & 8) ? ENGINE_COUNTS : ENGINE_FULL,
        .max_bytes = 1 << 16,
    };
    char err[256];
    engine_result_t *r = NULL;
    if (engine_analyze(e, (const char *)data + 1, size - 1, &in, &r, err, sizeof err) != 0) {
        return 0;
    }
    check_spans(r);
    ds_buf_t a = DS_BUF_INIT, b = DS_BUF_INIT;
    engine_result_json(r, 0, &a);
    engine_summary_t s;
    engine_result_summary(r, &s);
    engine_result_destroy(&r);
    if (engine_analyze(e, (const char *)data + 1, size - 1, &in, &r, err, sizeof err) != 0) {
        abort(); /* accepted once, must be accepted again */
    }
    engine_result_json(r, 0, &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
        abort(); /* not deterministic */
    }
    engine_result_destroy(&r);
    ds_buf_free(&a);
    ds_buf_free(&b);
    return 0;
}
