/* client_watch.h: the lines `dossier watch` prints for a finished document
 * (client_watch_fmt.c), kept apart from the Redis loop so they can be unit-tested. */
#ifndef CLIENT_WATCH_H
#define CLIENT_WATCH_H

#include "ds_buf.h"

typedef struct {
    const char *id;
    const char *status;    /* from the results stream: done or dead */
    const char *result;    /* the result JSON, or NULL */
    const char *error;     /* the hash's error (dead documents), or NULL */
    const char *published; /* the hash's fields, or NULL */
    const char *title;
} client_watch_doc_t;

/* "DATE  TITLE  | top entities | countries | tone X" (no newline). */
void client_watch_line(const client_watch_doc_t *d, ds_buf_t *out);

/* The result JSON with "status" (and "error" when dead) added, on one line. */
void client_watch_json(const client_watch_doc_t *d, ds_buf_t *out);

#endif
