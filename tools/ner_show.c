/* ner_show.c: runs the engine's tokenizer and the entity stage on a file and prints
 * the "entities", "countries" and "locations" JSON; for looking at what the stage does.
 *
 * usage: ner_show --data DATA_DIR FILE|-
 */
#include "ds_buf.h"
#include "ds_json.h"
#include "engine_internal.h"
#include "ner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    ds_buf_t b = DS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ds_buf_append(&b, chunk, n);
    }
    if (f != stdin) {
        fclose(f);
    }
    return ds_buf_detach(&b, len);
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc != 4 || strcmp(argv[1], "--data") != 0) {
        fprintf(stderr, "usage: ner_show --data DATA_DIR FILE|-\n");
        return 64;
    }
    ner_t *ner = ner_load(argv[2], err, sizeof err);
    size_t len;
    char *text = slurp(argv[3], &len);
    if (!ner || !text) {
        fprintf(stderr, "ner_show: %s\n", ner ? "cannot read input" : err);
        return 66;
    }
    engine_result_t r;
    memset(&r, 0, sizeof r);
    r.text = text, r.len = len;
    engine_tokenize(&r);
    engine_segment(&r);
    engine_doc_t doc;
    engine_doc_view(&r, &doc);
    ner_result_t *nr = NULL;
    if (ner_run(ner, &doc, &nr, err, sizeof err) != 0) {
        fprintf(stderr, "ner_show: %s\n", err);
        return 65;
    }
    ds_buf_t out = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &out);
    ds_json_obj_open(&j);
    ner_result_json(nr, &j);
    ds_json_obj_close(&j);
    printf("%s\n", ds_buf_str(&out));
    ds_buf_free(&out);
    ner_result_destroy(&nr);
    free(r.toks), free(r.sents), free(r.paras), free(text);
    ner_destroy(&ner);
    return 0;
}
