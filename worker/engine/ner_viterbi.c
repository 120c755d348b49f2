/* ner_viterbi.c: exact first-order Viterbi decoding over BILOU labels.
 *
 * Transitions that BILOU forbids (O -> I-X, B-X -> O, B-X -> I-Y, ...) carry
 * NER_FORBIDDEN in the transition matrix (ner_trans_mask), far below any reachable
 * score, so every decoded sequence is a well-formed set of spans.  Used by the
 * runtime tagger and by the trainer (structured perceptron), so both decode alike.
 * The runtime decodes each stretch of a sentence between tokens it labels O without a
 * look (ner_tag.c) on its own: with O fixed around it, the best path of the stretch is
 * the best path of the sentence there (ner_viterbi_span).
 */
#include "ner_feat.h"

#include <float.h>
#include <string.h>
#ifdef __SSE__
#include <xmmintrin.h>
#endif

int ner_transition_ok(unsigned a, unsigned b)
{
    unsigned pb = NER_LABEL_PART(b);
    if (a == NER_NLABELS || a == NER_O || NER_LABEL_PART(a) == NER_L || NER_LABEL_PART(a) == NER_U) {
        return pb == NER_O || pb == NER_B || pb == NER_U;
    }
    /* a is B or I: b must continue the same type */
    return (pb == NER_I || pb == NER_L) && NER_LABEL_TYPE(a) == NER_LABEL_TYPE(b);
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
static const uint8_t kStart[9] = {0, 3, 4, 7, 8, 11, 12, 15, 16}; /* also the labels ending a span */
static const uint8_t kCont[8] = {2, 3, 6, 7, 10, 11, 14, 15};

#define OPEN_LANES 12 /* the nine open labels, padded to three vectors of four */

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* One Viterbi step: score[b] = max over allowed a of prev[a] + trans[a][b], plus emit[b].
 * topen[k * OPEN_LANES + j] is the move from kStart[k] to kOpen[j]; the open labels are
 * scored four at a time with the same float additions and comparisons, lane by lane.
 * Which predecessor won is found again only for the labels on the best path (best_pred). */
/* Lanes of v greater than those of best, else best's (the comparison step() always made). */
static v4f keep_greater(v4f best, v4f v)
{
#ifdef __SSE__
    return _mm_max_ps(v, best); /* v > best ? v : best, lane by lane, in one instruction */
#else
    v4i gt = v > best;
    return (v4f)(((v4i)v & gt) | ((v4i)best & ~gt));
#endif
}

static void step(const float *prev, const float *topen, const float *tcont, const float *emit, float *score)
{
    v4f b0, b1, b2, t0, t1, t2;
    memcpy(&t0, topen, sizeof t0);
    memcpy(&t1, topen + 4, sizeof t1);
    memcpy(&t2, topen + 8, sizeof t2);
    b0 = prev[kStart[0]] + t0, b1 = prev[kStart[0]] + t1, b2 = prev[kStart[0]] + t2;
    for (int k = 1; k < 9; k++) {
        float p = prev[kStart[k]];
        const float *tk = topen + k * OPEN_LANES;
        memcpy(&t0, tk, sizeof t0);
        memcpy(&t1, tk + 4, sizeof t1);
        memcpy(&t2, tk + 8, sizeof t2);
        b0 = keep_greater(b0, p + t0), b1 = keep_greater(b1, p + t1), b2 = keep_greater(b2, p + t2);
    }
    float best[OPEN_LANES];
    memcpy(best, &b0, sizeof b0);
    memcpy(best + 4, &b1, sizeof b1);
    memcpy(best + 8, &b2, sizeof b2);
    for (int j = 0; j < 9; j++) {
        score[kOpen[j]] = best[j] + emit[kOpen[j]];
    }
    for (int j = 0; j < 8; j++) {
        int b = kCont[j], a0 = 1 + 4 * (j / 2); /* B-X, then I-X = a0 + 1 */
        float bv = prev[a0] + tcont[2 * j], v = prev[a0 + 1] + tcont[2 * j + 1];
        score[b] = (v > bv ? v : bv) + emit[b];
    }
}

/* The predecessor that step() kept for label b: the first, in kStart order (B before I
 * for a continuing label), of those with the highest prev[a] + trans[a][b]. */
static unsigned best_pred(const float *prev, const float *trans, unsigned b)
{
    const int L = NER_NLABELS;
    unsigned part = NER_LABEL_PART(b);
    if (part == NER_I || part == NER_L) {
        unsigned a0 = b - part + 1; /* B of b's type */
        return prev[a0 + 1] + trans[(a0 + 1) * L + b] > prev[a0] + trans[a0 * L + b] ? a0 + 1 : a0;
    }
    unsigned arg = kStart[0];
    float best = prev[arg] + trans[arg * L + b];
    for (int k = 1; k < 9; k++) {
        float v = prev[kStart[k]] + trans[kStart[k] * L + b];
        if (v > best) {
            best = v, arg = kStart[k];
        }
    }
    return arg;
}

void ner_viterbi_prep(const float *trans, ner_vtab_t *vt)
{
    const int L = NER_NLABELS;
    _Static_assert(NER_NLABELS == 17, "the label groups are written for four types");
    _Static_assert(sizeof vt->open == 9 * OPEN_LANES * sizeof(float), "open moves, padded lanes");
    vt->trans = trans;
    memset(vt->open, 0, sizeof vt->open);
    for (int k = 0; k < 9; k++) {
        for (int j = 0; j < 9; j++) {
            vt->open[k * OPEN_LANES + j] = trans[kStart[k] * L + kOpen[j]];
        }
    }
    for (int j = 0; j < 8; j++) {
        int a0 = 1 + 4 * (j / 2);
        vt->cont[2 * j] = trans[a0 * L + kCont[j]];
        vt->cont[2 * j + 1] = trans[(a0 + 1) * L + kCont[j]];
    }
}

void ner_viterbi_span(const ner_vtab_t *vt, const float *emit, size_t n, int after_o, int before_o,
                      uint8_t *labels, float *score)
{
    const int L = NER_NLABELS;
    const float *trans = vt->trans;
    if (n == 0) {
        return;
    }
    const float *first = trans + (after_o ? NER_O : NER_NLABELS) * L;
    for (int b = 0; b < L; b++) {
        score[b] = emit[b] + first[b];
    }
    for (size_t t = 1; t < n; t++) {
        step(score + (t - 1) * L, vt->open, vt->cont, emit + t * L, score + t * L);
    }
    float best = -FLT_MAX;
    int arg = 0;
    for (int k = 0; k < 9; k++) { /* the labels that may end a span: kStart, ascending */
        int a = kStart[k];
        float v = score[(n - 1) * L + a] + (before_o ? trans[a * L + NER_O] : 0.0f);
        if (v > best) {
            best = v, arg = a;
        }
    }
    for (size_t t = n; t-- > 0;) {
        labels[t] = (uint8_t)arg;
        arg = t ? (int)best_pred(score + (t - 1) * L, trans, (unsigned)arg) : 0;
    }
}

void ner_viterbi(const float *emit, const float *trans, size_t n, uint8_t *labels, float *score,
                 uint8_t *back)
{
    ner_vtab_t vt;
    (void)back; /* back pointers are found again on the best path only */
    ner_viterbi_prep(trans, &vt);
    ner_viterbi_span(&vt, emit, n, 0, 0, labels, score);
}
