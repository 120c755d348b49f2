/* client_input.h: the documents `dossier submit` reads, one at a time, from files,
 * directories (recursively, in sorted order) and stdin.
 *
 * By extension: .txt/.text/.md are text, .html/.htm are HTML (format "html"), .json
 * is one document object (or an array of them), .jsonl is one object per line.
 * Objects carry `text` and optionally `id title published url source lang format
 * meta` (SPEC.md section 5).  Inside directories only those extensions are read and
 * dot-files are skipped; a file named explicitly with another extension is text.
 * "-" is stdin, read as the format given (text by default).
 *
 * An input that cannot be read or parsed still yields a document, with `error` set,
 * so the caller reports it where it happened and goes on.
 */
#ifndef CLIENT_INPUT_H
#define CLIENT_INPUT_H

#include "dossier.h"
#include "ds_buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char origin[1024]; /* "file" or "file:LINE" */
    ds_buf_t text;
    char *id, *title, *url, *source, *published, *lang, *format; /* owned, NULL when absent */
    ds_buf_t meta;                                               /* a MessagePack map, empty when absent */
    char error[512]; /* not empty: this input is unusable, error says why */
} client_doc_t;

typedef struct client_input client_input_t;

/* paths: FILE, DIR or "-" (borrowed for the input's life).  stdin_format: "text",
 * "html", "json" or "jsonl". Returns NULL with errstr for an unknown format. */
client_input_t *client_input_new(char **paths, int npaths, const char *stdin_format, char *errstr,
                                 size_t errlen);
void client_input_destroy(client_input_t **self_p);

/* Fills doc (cleared first) with the next document; returns 1, or 0 at the end. */
int client_input_next(client_input_t *self, client_doc_t *doc);

/* Counts the documents the paths hold (files, and lines of .jsonl); -1 when stdin is
 * among them.  Reads every .jsonl once; used for the progress bar's ETA. */
long client_input_count(char **paths, int npaths);

void client_doc_init(client_doc_t *doc);
void client_doc_clear(client_doc_t *doc);
/* A view of doc as libdossier's document (borrowed from doc). */
void client_doc_view(const client_doc_t *doc, ds_document_t *out);

/* Fills doc from one JSON object (client_jsondoc.c).  Returns 0, or -1 with doc->error. */
int client_doc_from_json(const json_t *obj, client_doc_t *doc);

#endif
