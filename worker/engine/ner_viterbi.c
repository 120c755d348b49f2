/* ner_viterbi.c: exact first-order Viterbi decoding over BILOU labels.
 *
 * Transitions that BILOU forbids (O -> I-X, B-X -> O, B-X -> I-Y, ...) carry
 * NER_FORBIDDEN in the transition matrix (ner_trans_mask), far below any reachable
 * score, so every decoded sequence is a well-formed set of spans.  Used by the
 * runtime tagger and by the trainer (structured perceptron), so both decode alike.
 */
#include "ner_feat.h"

#include <float.h>

int ner_transition_ok(unsigned a, unsigned b)
{
    unsigned pb = NER_LABEL_PART(b);
    if (a == NER_NLABELS || a == NER_O || NER_LABEL_PART(a) == NER_L || NER_LABEL_PART(a) == NER_U) {
        return pb == NER_O || pb == NER_B || pb == NER_U;
    }
    /* a is B or I: b must continue the same type */
    return (pb == NER_I || pb == NER_L) && NER_LABEL_TYPE(a) == NER_LABEL_TYPE(b);
}

static int final_ok(unsigned a)
{
    unsigned p = NER_LABEL_PART(a);
    return p == NER_O || p == NER_L || p == NER_U;
}

void ner_trans_mask(float *trans)
{
    for (unsigned a = 0; a <= NER_NLABELS; a++) {
        for (unsigned b = 0; b < NER_NLABELS; b++) {
            if (!ner_transition_ok(a, b)) {
                trans[a * NER_NLABELS + b] = NER_FORBIDDEN;
            }
        }
    }
}

void ner_viterbi(const float *emit, const float *trans, size_t n, uint8_t *labels, float *score,
                 uint8_t *back)
{
    const int L = NER_NLABELS;
    if (n == 0) {
        return;
    }
    /* predecessors BILOU allows for each label: O, every L and U before O/B/U; B and
     * I of the same type before I/L (ner_transition_ok, written out) */
    static const uint8_t pred[NER_NLABELS][9] = {
        {0, 3, 4, 7, 8, 11, 12, 15, 16}, {0, 3, 4, 7, 8, 11, 12, 15, 16}, {1, 2},   {1, 2},
        {0, 3, 4, 7, 8, 11, 12, 15, 16}, {0, 3, 4, 7, 8, 11, 12, 15, 16}, {5, 6},   {5, 6},
        {0, 3, 4, 7, 8, 11, 12, 15, 16}, {0, 3, 4, 7, 8, 11, 12, 15, 16}, {9, 10},  {9, 10},
        {0, 3, 4, 7, 8, 11, 12, 15, 16}, {0, 3, 4, 7, 8, 11, 12, 15, 16}, {13, 14}, {13, 14},
        {0, 3, 4, 7, 8, 11, 12, 15, 16},
    };
    _Static_assert(NER_NLABELS == 17, "the predecessor table is written for four types");
    static const uint8_t npred[NER_NLABELS] = {9, 9, 2, 2, 9, 9, 2, 2, 9, 9, 2, 2, 9, 9, 2, 2, 9};
    for (int b = 0; b < L; b++) {
        score[b] = emit[b] + trans[NER_NLABELS * L + b];
    }
    for (size_t t = 1; t < n; t++) {
        const float *prev = score + (t - 1) * L;
        for (int b = 0; b < L; b++) {
            int arg = pred[b][0];
            float best = prev[arg] + trans[arg * L + b];
            for (int k = 1; k < npred[b]; k++) {
                int a = pred[b][k];
                float v = prev[a] + trans[a * L + b];
                if (v > best) {
                    best = v, arg = a;
                }
            }
            score[t * L + b] = best + emit[t * L + b];
            back[t * L + b] = (uint8_t)arg;
        }
    }
    float best = -FLT_MAX;
    int arg = 0;
    for (int a = 0; a < L; a++) {
        if (final_ok((unsigned)a) && score[(n - 1) * L + a] > best) {
            best = score[(n - 1) * L + a], arg = a;
        }
    }
    for (size_t t = n; t-- > 0;) {
        labels[t] = (uint8_t)arg;
        arg = back[t * L + arg];
    }
}
