/* client_submit.h: what `dossier submit` shares between its phases: the documents it
 * is waiting for (client_wait.c runs the --wait phase over them). */
#ifndef CLIENT_SUBMIT_H
#define CLIENT_SUBMIT_H

#include "client_report.h"
#include "dossier.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char id[DOSSIER_ID_MAX + 1];
    char *origin;   /* owned */
    char final[16]; /* "" until done or dead */
    char error[256];
} client_waited_t;

typedef struct {
    client_waited_t *docs;
    size_t n, cap;
} client_waitlist_t;

void client_waitlist_add(client_waitlist_t *w, const char *id, const char *origin);
void client_waitlist_free(client_waitlist_t *w);

/* Polls dossier.status through p until every document is done or dead, the timeout
 * (0: none) passes, or Ctrl-C.  Reports each as it finishes.  Returns the exit code:
 * EX_OK, CLIENT_EXIT_DOCS_FAILED when any is dead, EX_TEMPFAIL on timeout,
 * CLIENT_EXIT_INTERRUPTED. */
int client_wait_run(ds_pipeline_t *p, client_waitlist_t *w, client_report_t *rep, int64_t timeout_ms);

#endif
