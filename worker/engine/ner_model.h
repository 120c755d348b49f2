/* ner_model.h: the tagger's trained weights, read from data/ner/model.bin.
 *
 * File layout (little-endian, written by tools/ner_train.c, mapped read-only):
 *   char magic[8] "DSNER01\n"; uint32 nlabels, nslots, nblob, reserved; float scale;
 *   float trans[(nlabels+1)*nlabels] (last row: sentence start);
 *   uint32 keys[nslots] (0 = empty, open addressing, linear probing on key & (nslots-1));
 *   uint32 offs[nslots]; uint8 blob[nblob]: at offs[i], a count byte then count
 *   (uint8 label, int16 weight) triples; a weight is q * scale.
 * Invariants: nslots is a power of two with at least one empty slot; every offset and
 * triple lies inside the blob (checked at load, so a corrupt file is an error, not a crash).
 */
#ifndef NER_MODEL_H
#define NER_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define NER_MODEL_MAGIC "DSNER01\n"

typedef struct ner_model ner_model_t;

ner_model_t *ner_model_load(const char *path, char *errstr, size_t errlen);
void ner_model_destroy(ner_model_t **self_p);

/* Adds the weights of nf features to scores[NER_NLABELS] (caller zeroes it). */
void ner_model_emit(const ner_model_t *m, const uint32_t *feats, size_t nf, float *scores);
/* (NER_NLABELS+1) x NER_NLABELS transition scores, forbidden moves already -inf-like. */
const float *ner_model_trans(const ner_model_t *m);
/* The same transitions gathered for ner_viterbi_span. */
struct ner_vtab;
const struct ner_vtab *ner_model_vtab(const ner_model_t *m);

/* Writer used by the trainer: weights[nfeat*NER_NLABELS] for keys[nfeat]; weights with
 * |w| < prune are dropped.  Returns 0 or DS_EIO. */
int ner_model_write(const char *path, const uint32_t *keys, const float *weights, size_t nfeat,
                    const float *trans, float prune, size_t *bytes_out);

#endif
