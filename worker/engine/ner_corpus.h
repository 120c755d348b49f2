/* ner_corpus.h: reading annotated corpora and scoring spans, for the NER trainer and
 * evaluator (tools/ner_train.c, tools/ner_eval.c); the runtime never calls it.
 *
 * Gold labels are converted to BILOU over PER, ORG, LOC, NORP: GMB per/org/geo/gpe
 * (gpe, mostly nationality adjectives, becomes NORP), re3d Person/Organisation/
 * Location/Nationality.  Person spans lose leading title words (titles.txt) and the
 * "of/the/state/for/affairs" that follow them, as ../shared/data/README.md specifies.
 * Scoring is entity-level exact span, NORP counted as LOC.
 */
#ifndef NER_CORPUS_H
#define NER_CORPUS_H

#include "ds_buf.h"
#include "ner_feat.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    ds_buf_t text;     /* all words, NUL-separated */
    size_t *off;       /* word i starts at text.data + off[i] */
    const char **word; /* valid after a read returns 0 */
    uint32_t *len;
    uint8_t *label; /* gold BILOU label per token */
    size_t ntok, cap;
    size_t *sent; /* sentence i is tokens [sent[i], sent[i+1]) */
    size_t nsent, sent_cap;
} ner_corpus_t;

/* Options for gold normalisation. */
enum {
    NER_CORPUS_STRIP_DET = 1,  /* drop a leading the/a/an from every gold span (re3d) */
    NER_CORPUS_NAMES_ONLY = 2, /* drop gold spans with no capitalised word (re3d pronouns) */
};

/* GMB's CSV has no document ids but keeps sentences in article order, so trainer and
 * evaluator treat each run of this many consecutive sentences (counted from the start
 * of a split) as one document for the document-level pass. */
#define NER_GMB_DOC_SENTS 10

/* GMB CSV (UTF-8): "Sentence #,Word,POS,Tag"; the cut-off last sentence is dropped. */
int ner_corpus_read_gmb(ner_corpus_t *c, const char *csv, const char *titles_path, char *errstr,
                        size_t errlen);
/* CoNLL "word<TAB>tag" with blank lines between sentences (re3d); may be called again to append. */
int ner_corpus_read_conll(ner_corpus_t *c, const char *path, const char *titles_path, unsigned opts,
                          char *errstr, size_t errlen);
void ner_corpus_free(ner_corpus_t *c);

typedef struct {
    size_t tp[NER_NTYPES], fp[NER_NTYPES], fn[NER_NTYPES];
} ner_score_t;

/* Adds one sentence's spans (pred and gold are BILOU label arrays of n tokens). */
void ner_score_add(ner_score_t *s, const uint8_t *gold, const uint8_t *pred, size_t n);
/* Precision, recall, F1 in percent for a type (0..2) or the micro average (type < 0). */
void ner_score_prf(const ner_score_t *s, int type, double *p, double *r, double *f);

#endif
