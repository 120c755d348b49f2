/* client_submit.c: `dossier submit FILE|DIR|-...`: reads documents (client_input.c)
 * and sends them through libdossier's windowed pipeline, so up to --window documents
 * are in flight; each is resent with the same id until the broker answers (ids are
 * idempotency keys) and `busy` is retried after its retry_after_ms.  With --wait it
 * then follows every accepted document until it is done or dead (client_wait.c).
 *
 * Ctrl-C stops reading, gives the documents in flight a moment to be answered, then
 * lists those that were not confirmed; a second Ctrl-C skips the moment.
 */
#include "client.h"
#include "client_input.h"
#include "client_report.h"
#include "client_submit.h"

#include "dossier.h"
#include "ds_clock.h"
#include "ds_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    int64_t window;
    char *stdin_format;
    char *output;
    bool wait;
    int64_t wait_timeout_ms;
    int64_t deadline_ms;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"window", DS_SET_INT, &opt.window, "64", NULL, "documents in flight at most"},
    {"stdin-format", DS_SET_STR, &opt.stdin_format, "text", NULL,
     "how to read '-': text, html, json or jsonl"},
    {"output", DS_SET_STR, &opt.output, "auto", NULL,
     "auto (a progress bar on a terminal, else JSON lines), bar or json"},
    {"wait", DS_SET_BOOL, &opt.wait, "false", NULL,
     "then wait until every document is done or dead; exit 65 if any is dead or rejected"},
    {"wait-timeout", DS_SET_INT, &opt.wait_timeout_ms, "0", NULL, "give up waiting after N ms (0: never)"},
    {"deadline", DS_SET_INT, &opt.deadline_ms, "0", NULL,
     "stop resending a document N ms after it was first sent (0: resend until answered)"},
};

static const ds_settings_t settings = {
    "dossier submit",
    DS_VERSION,
    "[options] FILE|DIR|-...",
    "Submits documents to the broker: .txt (text), .html/.htm (HTML), .json (one object or an\n"
    "array) and .jsonl (one object per line, with text and optionally id, title, published, url,\n"
    "source, lang, format, meta).  Directories are read recursively; '-' is stdin.  Documents\n"
    "without an id get sha256-<digest of the text>, so submitting the same text again is a\n"
    "duplicate.  Prints one JSON line per document, or a progress bar on a terminal.",
    table,
    sizeof table / sizeof table[0]};

typedef struct {
    char *origin;
} tag_t;

typedef struct {
    client_input_t *in;
    ds_pipeline_t *pipe;
    client_report_t rep;
    client_waitlist_t waitlist;
    client_doc_t doc;
    bool have_doc; /* doc read but not yet in the pipeline */
    bool eof;
    char last_origin[1024];
} run_t;

static void on_done(run_t *r, const ds_pipeline_done_t *d)
{
    tag_t *tag = d->tag;
    r->rep.busy += d->busy_retries;
    if (d->rc != 0) {
        client_report_doc(&r->rep, tag->origin, d->id, "unconfirmed", ds_errname(d->rc),
                          "no answer from the broker before --deadline");
    } else {
        const ds_submit_reply_t *s = &d->submit;
        client_report_doc(&r->rep, tag->origin, d->id, s->status, s->code, s->error);
        if (opt.wait && (strcmp(s->status, "accepted") == 0 || strcmp(s->status, "duplicate") == 0)) {
            client_waitlist_add(&r->waitlist, d->id, tag->origin);
        }
    }
    free(tag->origin);
    free(tag);
}

/* Puts the current document into the pipeline.  Returns 1 when it went (or was
 * reported as unusable), 0 when the pipeline is full. */
static int send_doc(run_t *r)
{
    if (r->doc.error[0]) {
        r->rep.submitted++;
        client_report_doc(&r->rep, r->doc.origin, r->doc.id, "rejected", "invalid_input", r->doc.error);
        return 1;
    }
    ds_document_t view;
    client_doc_view(&r->doc, &view);
    tag_t *tag = ds_xcalloc(1, sizeof *tag);
    char id[DOSSIER_ID_MAX + 1] = "";
    char err[512];
    int rc = ds_pipeline_submit(r->pipe, &view, tag, id, err, sizeof err);
    if (rc == DOSSIER_EBUSY) {
        free(tag);
        return 0;
    }
    r->rep.submitted++;
    if (rc != 0) {
        client_report_doc(&r->rep, r->doc.origin, id, "rejected", "invalid_input", err);
        free(tag);
        return 1;
    }
    tag->origin = ds_xstrdup(r->doc.origin);
    snprintf(r->last_origin, sizeof r->last_origin, "%s", r->doc.origin);
    return 1;
}

/* Reads and sends documents while the window has room. */
static void fill(run_t *r)
{
    while (!r->eof && !client_interrupted) {
        if (!r->have_doc) {
            r->have_doc = client_input_next(r->in, &r->doc) == 1;
            r->eof = !r->have_doc;
            if (r->eof) {
                break;
            }
        }
        if (!send_doc(r)) {
            break;
        }
        r->have_doc = false;
    }
}

static int pump(run_t *r, int timeout_ms)
{
    ds_pipeline_done_t d;
    int rc = ds_pipeline_next(r->pipe, timeout_ms, &d);
    if (rc == 1 && strcmp(d.service, "dossier.submit") == 0) {
        on_done(r, &d);
    }
    client_report_tick(&r->rep, false);
    return rc;
}

/* After Ctrl-C: a moment for answers in flight, then the list of what is unconfirmed. */
static void stop_cleanly(run_t *r)
{
    int64_t end = ds_now_ms() + (client_common.timeout_ms < 2000 ? client_common.timeout_ms : 2000);
    client_interrupted = 1;
    while (ds_pipeline_pending(r->pipe) > 0 && ds_now_ms() < end && client_interrupted < 2) {
        pump(r, 50);
    }
    size_t n = ds_pipeline_pending(r->pipe);
    client_report_note(&r->rep, "interrupted: %zu document%s sent but not confirmed%s", n, n == 1 ? "" : "s",
                       n ? " (submit them again: ids make it safe):" : "");
    for (size_t i = 0; i < n; i++) {
        void *tag = NULL;
        const char *id = ds_pipeline_pending_id(r->pipe, i, &tag);
        client_report_note(&r->rep, "  %s  %s", id, ((tag_t *)tag)->origin);
        client_report_doc(&r->rep, ((tag_t *)tag)->origin, id, "unconfirmed", NULL, "interrupted");
        free(((tag_t *)tag)->origin);
        free(tag);
    }
    if (!r->eof) {
        client_report_note(&r->rep, "not sent: the documents after %s",
                           r->last_origin[0] ? r->last_origin : "the start");
    }
}

static int run(run_t *r)
{
    while (!client_interrupted) {
        fill(r);
        if (r->eof && ds_pipeline_pending(r->pipe) == 0) {
            break;
        }
        if (pump(r, 100) < 0) {
            client_error("socket error talking to %s", client_common.broker);
            return EX_IOERR;
        }
    }
    if (client_interrupted) {
        stop_cleanly(r);
        return CLIENT_EXIT_INTERRUPTED;
    }
    int code = EX_OK;
    if (opt.wait && r->waitlist.n > 0) {
        code = client_wait_run(r->pipe, &r->waitlist, &r->rep, opt.wait_timeout_ms);
    }
    if (code == EX_OK && (r->rep.rejected > 0 || r->rep.unconfirmed > 0)) {
        code = r->rep.rejected > 0 ? CLIENT_EXIT_DOCS_FAILED : EX_TEMPFAIL;
    }
    return code;
}

static int setup(run_t *r, char **pos, int npos)
{
    char err[512];
    r->in = client_input_new(pos, npos, opt.stdin_format, err, sizeof err);
    if (r->in == NULL) {
        client_error("%s", err);
        return EX_USAGE;
    }
    int code = client_probe_broker("dossier.submit", client_common.timeout_ms);
    if (code >= 0) {
        return code;
    }
    r->pipe = ds_pipeline_new(client_common.broker, (int)opt.window, err, sizeof err);
    if (r->pipe == NULL) {
        client_error("%s", err);
        return EX_USAGE;
    }
    ds_pipeline_set_timeout(r->pipe, (int)client_common.timeout_ms);
    ds_pipeline_set_deadline(r->pipe, opt.deadline_ms);
    long total = -1;
    if (client_report_init(&r->rep, opt.output, total) != 0) {
        client_error("--output must be auto, bar or json, not '%s'", opt.output);
        return EX_USAGE;
    }
    if (r->rep.bar) {
        r->rep.total = client_input_count(pos, npos);
    }
    return -1;
}

int client_cmd_submit(int argc, char **argv)
{
    char **pos = ds_xcalloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    int code = client_settings(&settings, argc, argv, pos, &npos);
    run_t r;
    memset(&r, 0, sizeof r);
    client_doc_init(&r.doc);
    if (code < 0 && npos == 0) {
        client_error("nothing to submit: give FILE, DIR or - (see dossier submit --help)");
        code = EX_USAGE;
    }
    if (code < 0) {
        code = setup(&r, pos, npos);
    }
    if (code < 0) {
        client_catch_signals();
        code = run(&r);
        client_report_finish(&r.rep);
    }
    client_doc_clear(&r.doc);
    ds_buf_free(&r.doc.text);
    ds_buf_free(&r.doc.meta);
    client_waitlist_free(&r.waitlist);
    ds_pipeline_destroy(&r.pipe);
    client_input_destroy(&r.in);
    ds_settings_free(&settings);
    free(pos);
    return code;
}
