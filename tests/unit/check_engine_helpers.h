/* check_engine_helpers.h: shared helpers for the engine's Check suites
 * (tests/unit/check_engine*.c).  Header-only because every check_*.c is its own
 * binary.  Each test makes its own engine inside the forked test process.
 */
#ifndef CHECK_ENGINE_HELPERS_H
#define CHECK_ENGINE_HELPERS_H

#include "ds_buf.h"
#include "ds_mem.h"
#include "engine.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline engine_t *ce_engine(void)
{
    char err[256] = "";
    char *dir = engine_default_data_dir();
    engine_t *e = engine_new(dir, err, sizeof err);
    ck_assert_msg(e != NULL, "engine_new(%s): %s", dir, err);
    free(dir);
    return e;
}

/* Analyses text with optional input fields; fails the test on error. */
static inline engine_result_t *ce_analyze_in(engine_t *e, const char *text, const engine_input_t *in)
{
    engine_result_t *r = NULL;
    char err[256] = "";
    int rc = engine_analyze(e, text, strlen(text), in, &r, err, sizeof err);
    ck_assert_msg(rc == 0, "engine_analyze: %d %s", rc, err);
    return r;
}

static inline engine_result_t *ce_analyze(engine_t *e, const char *text)
{
    return ce_analyze_in(e, text, NULL);
}

/* The result's JSON (caller frees). */
static inline char *ce_json(const engine_result_t *r)
{
    ds_buf_t b = DS_BUF_INIT;
    engine_result_json(r, 0, &b);
    return ds_buf_detach(&b, NULL);
}

/* Path of a file relative to the repository root: the first folder above the
 * running test binary that holds proto/result.schema.json (the data directory may
 * be elsewhere, e.g. $DOSSIER_DATA). */
static inline char *ce_repo_path(const char *rel)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    ck_assert_int_gt(n, 0);
    path[n] = '\0';
    ds_buf_t b = DS_BUF_INIT;
    for (char *slash = strrchr(path, '/'); slash != NULL; slash = strrchr(path, '/')) {
        *slash = '\0';
        ds_buf_reset(&b);
        ds_buf_printf(&b, "%s/proto/result.schema.json", path);
        if (access(b.data, R_OK) == 0) {
            ds_buf_reset(&b);
            ds_buf_printf(&b, "%s/%s", path, rel);
            return ds_buf_detach(&b, NULL);
        }
    }
    ck_abort_msg("repository root not found above %s", path);
    return NULL;
}

/* Whole file; NULL when missing. */
static inline char *ce_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    ds_buf_t b = DS_BUF_INIT;
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        ds_buf_append(&b, tmp, n);
    }
    fclose(f);
    return ds_buf_detach(&b, len);
}

/* Sample from ../shared/samples: $DS_SAMPLES, else next to the repository. */
static inline char *ce_sample(const char *name)
{
    const char *env = getenv("DS_SAMPLES");
    ds_buf_t b = DS_BUF_INIT;
    if (env != NULL) {
        ds_buf_printf(&b, "%s/%s", env, name);
    } else {
        char *root = ce_repo_path("");
        ds_buf_printf(&b, "%s../shared/samples/%s", root, name);
        free(root);
    }
    char *text = ce_read(b.data, NULL);
    ds_buf_free(&b);
    return text;
}

/* Validates one result against proto/result.schema.json with
 * tests/tools/validate_result.py; returns its exit status and fills out with its
 * messages.  text_path (may be NULL) lets it check offsets against the input. */
static inline int ce_validate(const char *json, const char *text_path, ds_buf_t *out)
{
    char *schema = ce_repo_path("proto/result.schema.json");
    char *tool = ce_repo_path("tests/tools/validate_result.py");
    char tmpl[] = "/tmp/ce-result-XXXXXX";
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(json, f);
    fclose(f);
    ds_buf_t cmd = DS_BUF_INIT;
    ds_buf_printf(&cmd, "/usr/bin/python3 %s %s%s %s %s 2>&1", tool, text_path ? "--text " : "",
                  text_path ? text_path : "", schema, tmpl);
    FILE *p = popen(cmd.data, "r");
    ck_assert_ptr_nonnull(p);
    char line[1024];
    while (fgets(line, sizeof line, p) != NULL) {
        ds_buf_puts(out, line);
    }
    int st = pclose(p);
    unlink(tmpl);
    ds_buf_free(&cmd);
    free(schema);
    free(tool);
    return st;
}

#endif
