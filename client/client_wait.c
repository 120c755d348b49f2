/* client_wait.c: `dossier submit --wait`: after every document was answered, ask the
 * broker (dossier.status, through the same windowed pipeline) until each accepted or
 * duplicate document is done or dead.  Rounds: every unfinished document is asked
 * once, then the round pauses briefly, so the broker sees at most `window` requests
 * at once and a few rounds per second. */
#include "client.h"
#include "client_submit.h"

#include "ds_clock.h"
#include "ds_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUND_PAUSE_MS 200

void client_waitlist_add(client_waitlist_t *w, const char *id, const char *origin)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->docs = ds_xrealloc(w->docs, w->cap * sizeof *w->docs);
    }
    client_waited_t *d = &w->docs[w->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "%s", id);
    d->origin = ds_xstrdup(origin);
}

void client_waitlist_free(client_waitlist_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->docs[i].origin);
    }
    free(w->docs);
    memset(w, 0, sizeof *w);
}

static void on_status(client_report_t *rep, client_waited_t *d, const ds_pipeline_done_t *done)
{
    if (done->rc != 0 || d->final[0]) {
        return;
    }
    const char *s = done->status.status;
    if (strcmp(s, "done") == 0 || strcmp(s, "dead") == 0) {
        snprintf(d->final, sizeof d->final, "%s", s);
        snprintf(d->error, sizeof d->error, "%.255s", done->status.error);
        client_report_doc(rep, d->origin, d->id, s, NULL, done->status.error);
    }
}

/* One round: asks about every unfinished document.  Returns unfinished count, or -1
 * when interrupted or timed out. */
static long round_trip(ds_pipeline_t *p, client_waitlist_t *w, client_report_t *rep, int64_t end)
{
    size_t next = 0;
    while (!client_interrupted && (end == 0 || ds_now_ms() < end)) {
        while (next < w->n && w->docs[next].final[0]) {
            next++;
        }
        char err[256];
        if (next < w->n && ds_pipeline_status(p, w->docs[next].id, &w->docs[next], err, sizeof err) == 0) {
            next++;
            continue;
        }
        if (next >= w->n && ds_pipeline_pending(p) == 0) {
            long left = 0;
            for (size_t i = 0; i < w->n; i++) {
                left += w->docs[i].final[0] == '\0';
            }
            return left;
        }
        ds_pipeline_done_t done;
        if (ds_pipeline_next(p, 100, &done) == 1 && strcmp(done.service, "dossier.status") == 0) {
            on_status(rep, done.tag, &done);
        }
        client_report_tick(rep, false);
    }
    return -1;
}

static void list_pending(client_report_t *rep, const client_waitlist_t *w, const char *why)
{
    long n = 0;
    for (size_t i = 0; i < w->n; i++) {
        n += w->docs[i].final[0] == '\0';
    }
    client_report_note(rep, "%s; %ld documents not yet done or dead:", why, n);
    long shown = 0;
    for (size_t i = 0; i < w->n && shown < 20; i++) {
        if (w->docs[i].final[0] == '\0') {
            client_report_note(rep, "  %s  %s", w->docs[i].id, w->docs[i].origin);
            shown++;
        }
    }
    if (n > shown) {
        client_report_note(rep, "  ... and %ld more (ask with `dossier status ID`)", n - shown);
    }
}

int client_wait_run(ds_pipeline_t *p, client_waitlist_t *w, client_report_t *rep, int64_t timeout_ms)
{
    rep->waiting = true;
    rep->wait_total = (long)w->n;
    int64_t end = timeout_ms > 0 ? ds_now_ms() + timeout_ms : 0;
    long left;
    while ((left = round_trip(p, w, rep, end)) > 0) {
        struct timespec ts = {0, ROUND_PAUSE_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (left < 0) {
        list_pending(rep, w, client_interrupted ? "interrupted" : "--wait-timeout passed");
        return client_interrupted ? CLIENT_EXIT_INTERRUPTED : EX_TEMPFAIL;
    }
    return rep->dead > 0 ? CLIENT_EXIT_DOCS_FAILED : EX_OK;
}
