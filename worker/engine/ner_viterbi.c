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

/* Labels that may open a span or stand outside one (O, B-X, U-X), which all share the
 * predecessors O, L-X and U-X (kStart, in the order whose first maximum wins), and the
 * labels that continue a span (I-X, L-X), whose predecessors are B-X and I-X. */
static const uint8_t kOpen[9] = {0, 1, 4, 5, 8, 9, 12, 13, 16};
static const uint8_t kStart[9] = {0, 3, 4, 7, 8, 11, 12, 15, 16};
static const uint8_t kCont[8] = {2, 3, 6, 7, 10, 11, 14, 15};

/* One Viterbi step: score[b] = max over allowed a of prev[a] + trans[a][b], plus emit[b];
 * ties go to the first predecessor in kStart order (or B before I), as they always have. */
static void step(const float *prev, const float *tstart, const float *tcont, const float *emit, float *score,
                 uint8_t *back)
{
    float pv[9];
    for (int k = 0; k < 9; k++) {
        pv[k] = prev[kStart[k]];
    }
    for (int j = 0; j < 9; j++) {
        const float *tr = tstart + j * 9;
        float best = pv[0] + tr[0];
        int arg = 0;
        for (int k = 1; k < 9; k++) {
            float v = pv[k] + tr[k];
            if (v > best) {
                best = v, arg = k;
            }
        }
        score[kOpen[j]] = best + emit[kOpen[j]];
        back[kOpen[j]] = kStart[arg];
    }
    for (int j = 0; j < 8; j++) {
        int b = kCont[j], a0 = 1 + 4 * (j / 2); /* B-X, then I-X = a0 + 1 */
        float best = prev[a0] + tcont[2 * j], v = prev[a0 + 1] + tcont[2 * j + 1];
        int arg = a0;
        if (v > best) {
            best = v, arg = a0 + 1;
        }
        score[b] = best + emit[b];
        back[b] = (uint8_t)arg;
    }
}

void ner_viterbi(const float *emit, const float *trans, size_t n, uint8_t *labels, float *score,
                 uint8_t *back)
{
    const int L = NER_NLABELS;
    _Static_assert(NER_NLABELS == 17, "the label groups are written for four types");
    if (n == 0) {
        return;
    }
    float tstart[9 * 9], tcont[8 * 2]; /* the allowed transitions, gathered once */
    for (int j = 0; j < 9; j++) {
        for (int k = 0; k < 9; k++) {
            tstart[j * 9 + k] = trans[kStart[k] * L + kOpen[j]];
        }
    }
    for (int j = 0; j < 8; j++) {
        int a0 = 1 + 4 * (j / 2);
        tcont[2 * j] = trans[a0 * L + kCont[j]];
        tcont[2 * j + 1] = trans[(a0 + 1) * L + kCont[j]];
    }
    for (int b = 0; b < L; b++) {
        score[b] = emit[b] + trans[NER_NLABELS * L + b];
    }
    for (size_t t = 1; t < n; t++) {
        step(score + (t - 1) * L, tstart, tcont, emit + t * L, score + t * L, back + t * L);
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
