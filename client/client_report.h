/* client_report.h: how `dossier submit` tells people and programs what happened.
 *
 * Two modes, chosen once: on a terminal a progress bar on stderr (submitted,
 * accepted, duplicate, rejected, busy retries, documents per second, ETA), redrawn at
 * most ten times a second, with rejected documents printed above it; otherwise one
 * JSON object per document and line on stdout:
 *   {"origin":"a.txt","id":"...","status":"accepted"}
 *   {"origin":"b.json","id":"...","status":"rejected","code":"bad_field","error":"..."}
 * The same lines, with status done or dead, report the --wait phase.
 */
#ifndef CLIENT_REPORT_H
#define CLIENT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    bool bar;     /* progress bar on stderr, else JSON lines on stdout */
    bool waiting; /* in the --wait phase */
    long total;   /* documents expected, -1 when unknown */
    int64_t start_ms;
    int64_t drawn_ms;
    long submitted, accepted, duplicate, rejected, unconfirmed, busy;
    long wait_total, done, dead; /* --wait phase */
} client_report_t;

/* mode: "auto" (bar when stdout is a terminal), "bar" or "json". Returns -1 for an
 * unknown mode. */
int client_report_init(client_report_t *r, const char *mode, long total);

/* One document's outcome (status: accepted, duplicate, rejected, unconfirmed, done,
 * dead...).  code, error and state may be NULL or "". */
void client_report_doc(client_report_t *r, const char *origin, const char *id, const char *status,
                       const char *code, const char *error);

/* Redraws the bar when due (always when force). */
void client_report_tick(client_report_t *r, bool force);

/* Clears the bar and prints the summary line (bar mode only). */
void client_report_finish(client_report_t *r);

/* Prints a note line (above the bar in bar mode; to stderr). */
void client_report_note(client_report_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
