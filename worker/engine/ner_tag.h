/* ner_tag.h: tagging one sentence: gazetteer bits, token properties, features,
 * emission scores from the model, Viterbi.  The trainer calls ner_tag_features so
 * that training and runtime extract features by the same code path.
 */
#ifndef NER_TAG_H
#define NER_TAG_H

#include "ner_feat.h"
#include "ner_gaz.h"
#include "ner_map.h"
#include "ner_model.h"

#include <stddef.h>
#include <stdint.h>

/* Most distinct tokens whose score vectors a work keeps (340 bytes each); past that it
 * starts afresh at the next sentence. */
#define NER_TAG_MAX_TYPES 16384

/* Scratch space for one sentence, grown as needed; reuse it across sentences (and
 * documents: the cached vectors are pure functions of the token and the model). */
typedef struct {
    size_t cap;
    uint32_t *gaz;
    ner_props_t *props;
    uint32_t *feats; /* cap * NER_MAX_FEATS */
    uint8_t *nfeats;
    float *emit, *score;
    uint8_t *back;
    size_t *idx; /* per token: its type's cached vectors */
    const float **vecs;
    uint8_t *live; /* per token: scored (else O without a look) */
    /* per distinct token (props and sentence mode): its unary and four neighbour
     * score vectors, 5 * NER_NLABELS floats each; lives as long as the work */
    ner_map_t types;
    float *tvec;
    size_t ntypes, cap_types;
    /* per sentence mode (0, NER_SENT_HEADLINE, NER_SENT_ALLCAPS): the four neighbour
     * score vectors of a position past the sentence edge, once edge_ok has its bit */
    float edge[4][4 * NER_NLABELS];
    unsigned edge_ok;
    /* per distinct token text: its ner_props (without gazetteer bits) and the
     * gazetteer's entry for it alone (ner_gaz_entry); lives as long as the work */
    ner_map_t words;
    ner_props_t *wprops;
    uint32_t *wgaz;
    size_t nwords, cap_words;
    uint32_t *first;              /* per token: its wgaz */
    struct ner_stack_keys *skeys; /* the second pass's feature keys, made at its first use */
} ner_tag_work_t;

void ner_tag_work_free(ner_tag_work_t *w);

/* Fills w->feats/w->nfeats for tokens s[0..n) (space[i]: whitespace before token i).
 * (Tagging keeps each token's pair features there instead.) */
void ner_tag_features(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                      size_t n, ner_tag_work_t *w);

/* Tags a sentence: labels[n] receives BILOU labels.  Scores are cached per distinct
 * token in w, so reuse one w for all sentences of a document. */
void ner_tag_sentence(const ner_model_t *m, const ner_gaz_t *gz, const char *const *s, const uint32_t *len,
                      const uint8_t *space, size_t n, ner_tag_work_t *w, uint8_t *labels);

/* The same with the second pass's stacking features st[n] (ner_stack.h); st NULL:
 * ner_tag_sentence. */
struct ner_stack_s;
void ner_tag_sentence_stacked(const ner_model_t *m, const ner_gaz_t *gz, const char *const *s,
                              const uint32_t *len, const uint8_t *space, size_t n, ner_tag_work_t *w,
                              const struct ner_stack_s *st, uint8_t *labels);
/* Tags a sentence whose token properties (ner_props, ner_sentence_chains) are known:
 * the second pass reuses the first pass's, and its pair features: pairs[i *
 * NER_PAIR_FEATS] holds npairs[i] of them for token i (as ner_tag_pairs copied them). */
void ner_tag_props(const ner_model_t *m, const ner_props_t *props, const uint32_t *pairs,
                   const uint8_t *npairs, size_t n, ner_tag_work_t *w, const struct ner_stack_s *st,
                   uint8_t *labels);

/* Copies the pair features (ner_feat_pairs) of the n tokens the last ner_tag_sentence
 * scored into pairs[n * NER_PAIR_FEATS] and npairs[n]. */
void ner_tag_pairs(const ner_tag_work_t *w, size_t n, uint32_t *pairs, uint8_t *npairs);

#endif
