/* client_analyze.c: `dossier analyze [--local] FILE|-`: one document's result JSON
 * on stdout.
 *
 * --local runs the engine in this process (worker/engine/engine.h): no broker, no
 * Redis; the data files come from --data or the engine's default.  Without --local
 * the document goes the whole way: submitted to the broker, waited for until done
 * or dead, and read back from Redis.
 */
#include "client.h"
#include "client_redis.h"

#include "dossier.h"
#include "ds_clock.h"
#include "ds_mem.h"
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
    bool local;
    char *data;
    char *format;
    char *analysis;
    char *id, *title, *published, *lang;
    int64_t wait_timeout_ms;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"local", DS_SET_BOOL, &opt.local, "false", NULL, "analyse in this process (no broker, no Redis)"},
    {"data", DS_SET_STR, &opt.data, NULL, "DOSSIER_DATA", "engine data directory (--local)"},
    {"format", DS_SET_STR, &opt.format, "auto", NULL, "text, html, or auto (html for .html/.htm files)"},
    {"analysis", DS_SET_STR, &opt.analysis, "full", NULL, "full, or counts (counts and title only; --local)"},
    {"id", DS_SET_STR, &opt.id, NULL, NULL, "document id"},
    {"title", DS_SET_STR, &opt.title, NULL, NULL, "title (overrides the inferred one)"},
    {"published", DS_SET_STR, &opt.published, NULL, NULL, "publication date"},
    {"lang", DS_SET_STR, &opt.lang, NULL, NULL, "ISO 639-1 language (overrides detection)"},
    {"wait-timeout", DS_SET_INT, &opt.wait_timeout_ms, "60000", NULL,
     "without --local: how long to wait for the result (ms)"},
};

static const ds_settings_t settings = {
    "dossier analyze",
    DS_VERSION,
    "[--local] [options] FILE|-",
    "Analyses one document and prints the result JSON.  With --local the engine runs in this\n"
    "process; otherwise the document is submitted to the broker and read back from Redis.",
    table,
    sizeof table / sizeof table[0]};

static const char *format_for(const char *path)
{
    if (strcmp(opt.format, "auto") != 0) {
        return opt.format;
    }
    const char *dot = strrchr(path, '.');
    return dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0) ? "html" : "text";
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static int analyze_local(const char *path, const ds_buf_t *text)
{
    char err[512];
    char *dir = or_null(opt.data) ? ds_xstrdup(opt.data) : engine_default_data_dir();
    engine_t *e = engine_new(dir, err, sizeof err);
    if (e == NULL) {
        client_error("cannot load the engine's data from %s: %s (set --data DIR or DOSSIER_DATA)", dir, err);
        free(dir);
        return EX_CONFIG;
    }
    free(dir);
    engine_input_t in = {.id = or_null(opt.id),
                         .title = or_null(opt.title),
                         .published = or_null(opt.published),
                         .lang = or_null(opt.lang),
                         .format = format_for(path),
                         .mode = strcmp(opt.analysis, "counts") == 0 ? ENGINE_COUNTS : ENGINE_FULL};
    engine_result_t *res = NULL;
    int64_t t0 = ds_now_us();
    int rc = engine_analyze(e, ds_buf_str(text), text->len, &in, &res, err, sizeof err);
    int code = EX_OK;
    if (rc != 0) {
        client_error("%s: %s (%s)", path, err, ds_errname(rc));
        code = EX_DATAERR;
    } else {
        ds_buf_t out = DS_BUF_INIT;
        engine_result_json(res, ds_now_us() - t0, &out);
        ds_buf_putc(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        ds_buf_free(&out);
    }
    engine_result_destroy(&res);
    engine_destroy(&e);
    return code;
}

/* Polls dossier.status until done or dead; returns the exit code or -1 when done. */
static int await_done(ds_client_t *c, const char *id)
{
    int64_t end = ds_now_ms() + opt.wait_timeout_ms;
    char err[512];
    while (!client_interrupted) {
        ds_status_reply_t st;
        if (ds_client_status(c, id, &st, err, sizeof err) != 0) {
            client_error("%s", err);
            return EX_UNAVAILABLE;
        }
        if (strcmp(st.status, "done") == 0) {
            return -1;
        }
        if (strcmp(st.status, "dead") == 0) {
            client_error("document %s is dead after %lld attempts: %s", id, (long long)st.attempts, st.error);
            return CLIENT_EXIT_DOCS_FAILED;
        }
        if (ds_now_ms() > end) {
            client_error("document %s is still %s after %lld ms", id, st.status,
                         (long long)opt.wait_timeout_ms);
            return EX_TEMPFAIL;
        }
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return CLIENT_EXIT_INTERRUPTED;
}

static int analyze_remote(const char *path, const ds_buf_t *text)
{
    int code = client_probe_broker("dossier.submit", client_common.timeout_ms);
    if (code >= 0) {
        return code;
    }
    char err[512];
    ds_client_t *c = ds_client_new(client_common.broker, err, sizeof err);
    if (c == NULL) {
        client_error("%s", err);
        return EX_USAGE;
    }
    ds_client_set_timeout(c, (int)client_common.timeout_ms);
    ds_document_t doc = {or_null(opt.id),
                         ds_buf_str(text),
                         text->len,
                         or_null(opt.title),
                         NULL,
                         NULL,
                         or_null(opt.published),
                         or_null(opt.lang),
                         format_for(path),
                         NULL,
                         0};
    ds_submit_reply_t rep;
    int rc = ds_client_submit(c, &doc, &rep, err, sizeof err);
    if (rc != 0) {
        client_error("%s: %s", path, err);
        code = rc == DOSSIER_EINVAL ? EX_DATAERR : EX_UNAVAILABLE;
    } else if (strcmp(rep.status, "accepted") != 0 && strcmp(rep.status, "duplicate") != 0) {
        client_error("%s: %s (%s): %s", path, rep.status, rep.code, rep.error);
        code = CLIENT_EXIT_DOCS_FAILED;
    } else {
        client_catch_signals();
        code = await_done(c, rep.id);
    }
    ds_client_destroy(&c);
    if (code < 0) {
        code = client_print_result(rep.id);
    }
    return code;
}

int client_cmd_analyze(int argc, char **argv)
{
    char *pos[2] = {NULL, NULL};
    int npos = 0;
    char **many = ds_xcalloc((size_t)argc + 1, sizeof *many);
    int code = client_settings(&settings, argc, argv, many, &npos);
    if (code < 0 && npos != 1) {
        client_error("give exactly one FILE or - (see dossier analyze --help)");
        code = EX_USAGE;
    }
    pos[0] = npos > 0 ? many[0] : NULL;
    ds_buf_t text = DS_BUF_INIT;
    if (code < 0 && client_read_file(pos[0], &text) != 0) {
        client_error("cannot read %s: %s", pos[0], strerror(errno));
        code = EX_NOINPUT;
    }
    if (code < 0) {
        code = opt.local ? analyze_local(pos[0], &text) : analyze_remote(pos[0], &text);
    }
    ds_buf_free(&text);
    ds_settings_free(&settings);
    free(many);
    return code;
}
