/* producer.c: an example Dossier producer in C using only libdossier (dossier.h).
 *
 * Submits each file named on the command line as one text document with up to 32 in
 * flight, then prints one line per file: its id and the broker's answer.
 *
 *   cc producer.c $(pkg-config --cflags --libs dossier) -o producer
 *   ./producer tcp://127.0.0.1:5555 article1.txt article2.txt
 */
#include <dossier.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 65536, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *bigger = realloc(buf, cap);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Sends file i; returns 1 when it went into the pipeline, 0 when the window is full. */
static int send_file(ds_pipeline_t *p, const char *path, int *failed)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        (*failed)++;
        return 1;
    }
    ds_document_t doc = {0};
    doc.text = text;
    doc.text_len = len;
    char err[256];
    int rc = ds_pipeline_submit(p, &doc, (void *)path, NULL, err, sizeof err);
    free(text);
    if (rc == DOSSIER_EBUSY) {
        return 0;
    }
    if (rc != 0) {
        printf("%s  -  rejected: %s\n", path, err);
        (*failed)++;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s BROKER_ENDPOINT FILE...\n", argv[0]);
        return 64;
    }
    char err[256];
    ds_pipeline_t *p = ds_pipeline_new(argv[1], 32, err, sizeof err);
    if (p == NULL) {
        fprintf(stderr, "%s\n", err);
        return 64;
    }
    ds_pipeline_set_timeout(p, 3000);   /* resend after 3 s without an answer */
    ds_pipeline_set_deadline(p, 60000); /* give up on a document after a minute */
    int next = 2, failed = 0;
    while (next < argc || ds_pipeline_pending(p) > 0) {
        while (next < argc && send_file(p, argv[next], &failed)) {
            next++;
        }
        ds_pipeline_done_t done;
        if (ds_pipeline_next(p, 1000, &done) == 1) {
            const char *status = done.rc == 0 ? done.submit.status : "unconfirmed";
            printf("%s  %s  %s%s%s\n", (const char *)done.tag, done.id, status,
                   done.submit.error[0] ? ": " : "", done.submit.error);
            failed += done.rc != 0 || strcmp(status, "rejected") == 0;
        }
    }
    ds_pipeline_destroy(&p);
    return failed ? 65 : 0;
}
