/* ner_tag.c: see ner_tag.h.  Pure apart from the caller's scratch buffers. */
#include "ner_tag.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

void ner_tag_work_free(ner_tag_work_t *w)
{
    free(w->gaz);
    free(w->props);
    free(w->feats);
    free(w->nfeats);
    free(w->emit);
    free(w->score);
    free(w->back);
    memset(w, 0, sizeof *w);
}

static void reserve(ner_tag_work_t *w, size_t n)
{
    if (n <= w->cap) {
        return;
    }
    size_t cap = w->cap ? w->cap : 64;
    while (cap < n) {
        cap *= 2;
    }
    w->gaz = ds_xrealloc(w->gaz, cap * sizeof *w->gaz);
    w->props = ds_xrealloc(w->props, cap * sizeof *w->props);
    w->feats = ds_xrealloc(w->feats, cap * NER_MAX_FEATS * sizeof *w->feats);
    w->nfeats = ds_xrealloc(w->nfeats, cap);
    w->emit = ds_xrealloc(w->emit, cap * NER_NLABELS * sizeof *w->emit);
    w->score = ds_xrealloc(w->score, cap * NER_NLABELS * sizeof *w->score);
    w->back = ds_xrealloc(w->back, cap * NER_NLABELS);
    w->cap = cap;
}

void ner_tag_features(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                      size_t n, ner_tag_work_t *w)
{
    reserve(w, n);
    ner_gaz_tag(gz, s, len, space, n, w->gaz);
    for (size_t i = 0; i < n; i++) {
        ner_props(s[i], len[i], w->gaz[i], &w->props[i]);
    }
    unsigned sflags = ner_sentence_flags(s, len, n);
    for (size_t i = 0; i < n; i++) {
        w->nfeats[i] = (uint8_t)ner_features(w->props, n, i, sflags, w->feats + i * NER_MAX_FEATS);
    }
}

void ner_tag_sentence(const ner_model_t *m, const ner_gaz_t *gz, const char *const *s, const uint32_t *len,
                      const uint8_t *space, size_t n, ner_tag_work_t *w, uint8_t *labels)
{
    if (n == 0) {
        return;
    }
    ner_tag_features(gz, s, len, space, n, w);
    memset(w->emit, 0, n * NER_NLABELS * sizeof *w->emit);
    for (size_t i = 0; i < n; i++) {
        ner_model_emit(m, w->feats + i * NER_MAX_FEATS, w->nfeats[i], w->emit + i * NER_NLABELS);
    }
    ner_viterbi(w->emit, ner_model_trans(m), n, labels, w->score, w->back);
}
