/* ner_stack.h: the tagger's second, document-level pass (stacking).
 *
 * Why: a name the first pass tags in one sentence and misses or mistypes in another
 * ("Gazprom said ... Gazprom shares") should be read alike.  Pass 1 tags every
 * sentence of the document (model.bin); a summary per lowercase word of what pass 1
 * said about it elsewhere in the document (its majority label type, whether it sat
 * inside a multi-token entity) becomes extra features for pass 2 (model2.bin), which
 * was trained on jackknifed pass-1 output of the train split (tools/ner_train.c) so it
 * learns how far pass 1 can be trusted on unseen text.
 * Invariants: pure functions of their arguments and the caller's scratch; without a
 * second model, ner_tag_doc is exactly pass 1.
 */
#ifndef NER_STACK_H
#define NER_STACK_H

#include "ner_tag.h"

#include <stddef.h>
#include <stdint.h>

/* What pass 1 says about a token and about its word elsewhere in the document. */
typedef struct ner_stack_s {
    uint8_t l1;  /* pass-1 label */
    uint8_t maj; /* 0: the word is nowhere else; 1: elsewhere always O; 2 + type: commonest type elsewhere */
    uint8_t multi;  /* 0, or 1 + type of a multi-token entity holding the word elsewhere */
    uint8_t others; /* occurrences elsewhere, capped at 3 */
    uint8_t casing; /* elsewhere: bit 0 capitalised inside a sentence, bit 1 lowercase */
} ner_stack_t;

/* Scratch for document summaries; reuse it across documents. */
typedef struct {
    ner_map_t words; /* lowercase hash -> 1 + row of cnt */
    uint32_t *cnt;   /* per word: 5 label-type counts (O, PER, ORG, LOC, NORP), 4 multi-token counts */
    size_t rows, cap;
    uint32_t *row; /* per token: offset of its word's counts in cnt */
    size_t cap_tok;
} ner_stack_work_t;

void ner_stack_work_free(ner_stack_work_t *w);

/* How a token is written, for the summaries: 1 capitalised (not all caps) and not first
 * in its sentence, 2 lowercase, 0 otherwise (case says nothing there). */
uint8_t ner_stack_form(const ner_props_t *p, int first);

/* Fills st[n] for a document of n tokens: lower[i] is token i's lowercase hash (0: no
 * token of a sentence, skipped), l1[i] its pass-1 label (BILOU, so spans are read from
 * the labels alone), form[i] its ner_stack_form. */
void ner_stack_doc(const uint64_t *lower, const uint8_t *l1, const uint8_t *form, size_t n,
                   ner_stack_work_t *w, ner_stack_t *st);

/* The stacking features of token i of a sentence's st[n]: its word's summary, and
 * its neighbours' (at most NER_STACK_FEATS). */
#define NER_STACK_FEATS 6
size_t ner_feat_stack(const ner_stack_t *st, size_t n, size_t i, const ner_props_t *t, uint32_t *out);

/* Every key ner_feat_stack can make, by its small values (17 KB), so that the runtime
 * looks them up instead of hashing six per token. */
typedef struct ner_stack_keys {
    uint32_t maj[6][4], multi[5], majcas[48][5], l1maj[6][5], neigh[64][64], casing[4][10];
} ner_stack_keys_t;
void ner_stack_keys_init(ner_stack_keys_t *k);
/* ner_feat_stack through the table. */
size_t ner_feat_stack_keys(const ner_stack_keys_t *k, const ner_stack_t *st, size_t n, size_t i,
                           const ner_props_t *t, uint32_t *out);

/* 1 when a sentence of m tokens is worth a second look: one of its capitalised or
 * tagged words occurs elsewhere in the document with an entity reading. */
int ner_stack_evidence(const ner_stack_t *st, const ner_props_t *p, size_t m);

/* Scratch for ner_tag_doc; reuse it across documents, free with ner_doc_work_free. */
typedef struct ner_doc_work {
    ner_tag_work_t w1, w2;
    ner_stack_work_t sw;
    uint64_t *lower;
    uint8_t *l1, *form;
    ner_stack_t *st;
    ner_props_t *props; /* pass 1's token properties, reused by pass 2 */
    uint32_t *pairs;    /* and its pair features, NER_PAIR_FEATS per token */
    uint8_t *npairs;
    size_t cap;
} ner_doc_work_t;

void ner_doc_work_free(ner_doc_work_t *w);

/* Tags a document of n tokens cut into nspan sentence spans (span k is tokens
 * [spans[k], spans[k+1])): pass 1 with m1, then, when m2 is not NULL, pass 2 with m2
 * and the document summary for the spans where a capitalised or tagged word has an
 * entity reading elsewhere in the document.  labels[n] receives BILOU labels. */
void ner_tag_doc(const ner_model_t *m1, const ner_model_t *m2, const ner_gaz_t *gz, const char *const *s,
                 const uint32_t *len, const uint8_t *space, const size_t *spans, size_t nspan,
                 ner_doc_work_t *w, uint8_t *labels);

#endif
