/* ner_train.c: trains the named-entity tagger (data/ner/model.bin) on GMB.
 *
 * usage: ner_train --gmb GMB.csv --data DATA_DIR [--epochs N] [--min-count N] [--prune W]
 *                  [--stack 0|1] [--bag N] [--seed N]
 *
 * Splits as ../shared/data/README.md fixes them (held-out = last 2,000 sentences, dev =
 * the 2,000 before, train = the rest) and never reads the held-out slice.  Steps:
 * derive the lexicon (given names, surnames, organisations, usually-lowercase words)
 * from the train split into DATA/ner/lexicon.tsv; extract features with the runtime's
 * own code (ner_tag_features); add headline and all-caps copies of some sentences so
 * the model learns to read words when case says nothing; train a structured averaged
 * perceptron with Viterbi decoding; keep the epoch with the best dev F1; write the
 * pruned, quantised weights.  Deterministic: same input, same model.
 */
#include "ds_mem.h"
#include "geo.h"
#include "ner_corpus.h"
#include "ner_lexicon.h"
#include "ner_map.h"
#include "ner_model.h"
#include "ner_stack.h"
#include "ner_tag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L NER_NLABELS
#define HELD_OUT 2000
#define DEV 2000
#define FOLDS 5

typedef struct {
    const char *gmb, *data;
    int epochs, min_count;
    float prune;
    int stack;     /* train the second, document-level pass too */
    unsigned seed; /* shuffling seed (--seed; for measuring how much dev F1 varies) */
    int bag;       /* pass-2 models averaged (--bag, train_bag) */
} opts_t;

/* Training instances: one per (possibly transformed) sentence. */
typedef struct {
    size_t n;       /* sentences */
    size_t *tok;    /* sentence i: tokens tok[i]..tok[i+1] in feat/gold arrays */
    int32_t **feat; /* per token: feature indices, -1 terminated */
    uint8_t *gold;
    uint64_t *lower; /* per token: lowercase hash (for the document summaries) */
    uint8_t *cas;    /* per token: case class | position in a capitalised run << 4 */
    size_t ntok, cap;
    size_t *orig;  /* per sentence: corpus sentence it was made from */
    uint8_t *mode; /* per sentence: 0 as written, 1 headline copy, 2 all-caps copy */
    uint8_t *use;  /* pass 2: per sentence, 1 when pass 2 tags it (NULL: all) */
    uint8_t *l1;   /* pass 2: per token, the pass-1 labels that stand elsewhere */
} inst_t;

typedef struct {
    ner_map_t index; /* feature key -> index + 1 */
    uint32_t *keys;
    size_t nfeat;
    float *w;
    double *u; /* sum of c * update, for averaging */
    float trans[(L + 1) * L];
    double utrans[(L + 1) * L];
    double c;
} model_t;

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Writes the lexicon (worker/engine/ner_lexicon.h) and says what it holds. */
static int write_lexicon(const ner_corpus_t *c, size_t nsent, size_t skip_from, size_t skip_to,
                         const char *path)
{
    size_t kept[4];
    int rc = ner_lexicon_write(c, nsent, skip_from, skip_to, path, kept);
    fprintf(stderr, "lexicon: %zu given, %zu surnames, %zu orgs, %zu lowercase words\n", kept[0], kept[1],
            kept[2], kept[3]);
    return rc;
}

/* ---- instances ---- */

/* Headline (mode 1: capitalise words of 4+ letters) or all-caps (mode 2) copy of w. */
static void transform(const char *w, size_t len, int mode, char *out)
{
    memcpy(out, w, len);
    out[len] = '\0';
    for (size_t i = 0; i < len; i++) {
        int lower = out[i] >= 'a' && out[i] <= 'z';
        if (lower && (mode == 2 || (i == 0 && len >= 4))) {
            out[i] = (char)(out[i] - 32);
        }
    }
}

/* Index of feature key in m (added when add), or -1 when absent. */
static int32_t feat_index(model_t *m, uint32_t key, int add)
{
    uint32_t *v = add ? ner_map_put(&m->index, key, 0) : ner_map_get(&m->index, key);
    if (v && *v == 0) {
        if (m->nfeat % 65536 == 0) {
            m->keys = ds_xrealloc(m->keys, (m->nfeat + 65536) * sizeof *m->keys);
        }
        m->keys[m->nfeat] = key;
        *v = (uint32_t)++m->nfeat;
    }
    return v ? (int32_t)*v - 1 : -1;
}

static void inst_push(inst_t *in, model_t *m, const uint32_t *keys, size_t nk, uint8_t gold, int add)
{
    if (in->ntok == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 1 << 16;
        in->feat = ds_xrealloc(in->feat, in->cap * sizeof *in->feat);
        in->gold = ds_xrealloc(in->gold, in->cap);
        in->lower = ds_xrealloc(in->lower, in->cap * sizeof *in->lower);
        in->cas = ds_xrealloc(in->cas, in->cap);
    }
    int32_t buf[NER_MAX_FEATS + 1];
    size_t k = 0;
    for (size_t i = 0; i < nk; i++) {
        int32_t f = feat_index(m, keys[i], add);
        if (f >= 0) {
            buf[k++] = f;
        }
    }
    buf[k++] = -1;
    in->feat[in->ntok] = ds_xmalloc(k * sizeof *buf);
    memcpy(in->feat[in->ntok], buf, k * sizeof *buf);
    in->gold[in->ntok++] = gold;
}

/* Adds sentence s of the corpus (transformed by mode 0..2) to the instances. */
static void add_sentence(inst_t *in, model_t *m, const ner_corpus_t *c, size_t s, int mode,
                         const ner_gaz_t *gz, ner_tag_work_t *w, int add)
{
    size_t b = c->sent[s], n = c->sent[s + 1] - b;
    const char **words = ds_xmalloc(n * sizeof *words);
    uint8_t *space = ds_xmalloc(n);
    char *store = ds_xmalloc(n * 256);
    for (size_t i = 0; i < n; i++) {
        words[i] = c->word[b + i];
        if (mode) {
            transform(c->word[b + i], c->len[b + i], mode, store + i * 256);
            words[i] = store + i * 256;
        }
        space[i] = i > 0;
    }
    ner_tag_features(gz, words, c->len + b, space, n, w);
    if (in->n % 4096 == 0) {
        in->tok = ds_xrealloc(in->tok, (in->n + 4097) * sizeof *in->tok);
        in->orig = ds_xrealloc(in->orig, (in->n + 4097) * sizeof *in->orig);
        in->mode = ds_xrealloc(in->mode, in->n + 4097);
    }
    in->tok[in->n] = in->ntok;
    in->orig[in->n] = s, in->mode[in->n] = (uint8_t)mode;
    for (size_t i = 0; i < n; i++) {
        inst_push(in, m, w->feats + i * NER_MAX_FEATS, w->nfeats[i], c->label[b + i], add);
        in->lower[in->ntok - 1] = w->props[i].lower,
                             in->cas[in->ntok - 1] = (uint8_t)(w->props[i].cas | w->props[i].cpos << 4);
    }
    in->tok[++in->n] = in->ntok;
    free(words), free(space), free(store);
}

/* ---- structured averaged perceptron ---- */

static void emissions(const float *w, const inst_t *in, size_t s, float *emit)
{
    size_t b = in->tok[s], n = in->tok[s + 1] - b;
    memset(emit, 0, n * L * sizeof *emit);
    for (size_t i = 0; i < n; i++) {
        for (const int32_t *f = in->feat[b + i]; *f >= 0; f++) {
            const float *row = w + (size_t)*f * L;
            for (int l = 0; l < L; l++) {
                emit[i * L + l] += row[l];
            }
        }
    }
}

static void update(model_t *m, const inst_t *in, size_t s, const uint8_t *pred)
{
    size_t b = in->tok[s], n = in->tok[s + 1] - b;
    for (size_t i = 0; i < n; i++) {
        uint8_t g = in->gold[b + i], p = pred[i];
        unsigned gp = i ? in->gold[b + i - 1] : L, pp = i ? pred[i - 1] : L;
        if (g != p) {
            for (const int32_t *f = in->feat[b + i]; *f >= 0; f++) {
                size_t r = (size_t)*f * L;
                m->w[r + g] += 1, m->u[r + g] += m->c;
                m->w[r + p] -= 1, m->u[r + p] -= m->c;
            }
        }
        if (g != p || gp != pp) {
            m->trans[gp * L + g] += 1, m->utrans[gp * L + g] += m->c;
            m->trans[pp * L + p] -= 1, m->utrans[pp * L + p] -= m->c;
        }
    }
}

typedef struct {
    float *emit, *score;
    uint8_t *back, *pred;
} decode_t;

static void decode(const float *w, const float *trans, const inst_t *in, size_t s, decode_t *d)
{
    size_t n = in->tok[s + 1] - in->tok[s];
    float masked[(L + 1) * L];
    memcpy(masked, trans, sizeof masked);
    ner_trans_mask(masked);
    emissions(w, in, s, d->emit);
    ner_viterbi(d->emit, masked, n, d->pred, d->score, d->back);
}

static void average(const model_t *m, float *w, float *trans)
{
    for (size_t i = 0; i < m->nfeat * L; i++) {
        w[i] = (float)(m->w[i] - m->u[i] / m->c);
    }
    for (size_t i = 0; i < (L + 1) * L; i++) {
        trans[i] = (float)(m->trans[i] - m->utrans[i] / m->c);
    }
}

static double evaluate(const float *w, const float *trans, const inst_t *in, decode_t *d, ner_score_t *sc)
{
    memset(sc, 0, sizeof *sc);
    for (size_t s = 0; s < in->n; s++) {
        if (in->use && !in->use[s]) {
            ner_score_add(sc, in->gold + in->tok[s], in->l1 + in->tok[s], in->tok[s + 1] - in->tok[s]);
            continue;
        }
        decode(w, trans, in, s, d);
        ner_score_add(sc, in->gold + in->tok[s], d->pred, in->tok[s + 1] - in->tok[s]);
    }
    double p, r, f;
    ner_score_prf(sc, -1, &p, &r, &f);
    return f;
}

/* ---- driver ---- */

static int parse(int argc, char **argv, opts_t *o)
{
    *o = (opts_t){NULL, NULL, 12, 1, 0.05f, 1, 12345, 1};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--gmb") == 0) {
            o->gmb = argv[i + 1];
        } else if (strcmp(argv[i], "--data") == 0) {
            o->data = argv[i + 1];
        } else if (strcmp(argv[i], "--epochs") == 0) {
            o->epochs = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--stack") == 0) {
            o->stack = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--bag") == 0) {
            o->bag = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--seed") == 0) {
            o->seed = (unsigned)strtoul(argv[i + 1], NULL, 0);
        } else if (strcmp(argv[i], "--prune") == 0) {
            o->prune = strtof(argv[i + 1], NULL);
        } else {
            return -1;
        }
    }
    return o->gmb && o->data && o->epochs > 0 && o->seed ? 0 : -1;
}

/* Train sentences of fold k see a lexicon derived from the other folds (jackknifing),
 * so the model learns how far a lexicon entry can be trusted on unseen text. */
static void build(inst_t *train, inst_t *dev, model_t *m, const ner_corpus_t *c, size_t ntrain,
                  const ner_gaz_t *gz, ner_gaz_t *const *fold_gz)
{
    ner_tag_work_t w = {0};
    for (size_t s = 0; s < ntrain; s++) {
        const ner_gaz_t *g = fold_gz[s * FOLDS / ntrain];
        add_sentence(train, m, c, s, 0, g, &w, 1);
        if (s % 16 == 3) {
            add_sentence(train, m, c, s, 1, g, &w, 1);
        } else if (s % 16 == 11) {
            add_sentence(train, m, c, s, 2, g, &w, 1);
        }
    }
    for (size_t s = ntrain; s < ntrain + DEV; s++) {
        add_sentence(dev, m, c, s, 0, gz, &w, 0);
    }
    ner_tag_work_free(&w);
}

/* Trains m (zeroed by the caller) on the train sentences outside fold `skip` (-1: all;
 * a sentence's fold is its corpus sentence * FOLDS / ntrain); keeps the averaged
 * weights of the epoch with the best dev F1 in best_w, best_t. */
static void train_epochs(model_t *m, const inst_t *train, const inst_t *dev, int epochs, int skip,
                         size_t ntrain, float *best_w, float *best_t)
{
    size_t maxn = 0;
    for (size_t s = 0; s < train->n; s++) {
        size_t n = train->tok[s + 1] - train->tok[s];
        maxn = n > maxn ? n : maxn;
    }
    decode_t d = {ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L), ds_xmalloc(maxn)};
    size_t *order = ds_xmalloc(train->n * sizeof *order), norder = 0;
    for (size_t s = 0; s < train->n; s++) {
        if ((skip < 0 || train->orig[s] * FOLDS / ntrain != (size_t)skip) && (!train->use || train->use[s])) {
            order[norder++] = s;
        }
    }
    float *avg = ds_xmalloc(m->nfeat * L * sizeof *avg), avg_t[(L + 1) * L];
    double best = -1;
    for (int e = 0; e < epochs; e++) {
        for (size_t s = norder; s > 1; s--) {
            size_t j = rng() % s, t = order[s - 1];
            order[s - 1] = order[j], order[j] = t;
        }
        for (size_t k = 0; k < norder; k++) {
            decode(m->w, m->trans, train, order[k], &d);
            update(m, train, order[k], d.pred);
            m->c += 1;
        }
        average(m, avg, avg_t);
        ner_score_t sc;
        double f = evaluate(avg, avg_t, dev, &d, &sc);
        fprintf(stderr, "epoch %d: dev micro-F1 %.2f%s\n", e + 1, f, f > best ? " (best)" : "");
        if (f > best) {
            best = f;
            memcpy(best_w, avg, m->nfeat * L * sizeof *avg);
            memcpy(best_t, avg_t, sizeof avg_t);
        }
    }
    free(avg), free(order), free(d.emit), free(d.score), free(d.back), free(d.pred);
}

static void report_dev(const float *w, const float *t, const inst_t *dev)
{
    size_t maxn = 0;
    for (size_t s = 0; s < dev->n; s++) {
        size_t n = dev->tok[s + 1] - dev->tok[s];
        maxn = n > maxn ? n : maxn;
    }
    decode_t d = {ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L), ds_xmalloc(maxn)};
    ner_score_t sc;
    (void)evaluate(w, t, dev, &d, &sc);
    static const char *const names[] = {"PER", "ORG", "LOC"};
    for (int k = -1; k < 3; k++) {
        double p, r, f;
        ner_score_prf(&sc, k, &p, &r, &f);
        fprintf(stderr, "dev %-5s P %.2f R %.2f F1 %.2f\n", k < 0 ? "micro" : names[k], p, r, f);
    }
    free(d.emit), free(d.score), free(d.back), free(d.pred);
}

/* Dev F1 and surviving features for a few pruning thresholds (to choose --prune). */
static void prune_sweep(const float *w, const float *t, size_t nfeat, const inst_t *dev)
{
    static const float th[] = {0.5f, 1.0f, 2.0f, 3.0f, 4.0f, 6.0f, 8.0f};
    float *pw = ds_xmalloc(nfeat * L * sizeof *pw);
    size_t maxn = 0;
    for (size_t s = 0; s < dev->n; s++) {
        size_t n = dev->tok[s + 1] - dev->tok[s];
        maxn = n > maxn ? n : maxn;
    }
    decode_t d = {ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L), ds_xmalloc(maxn)};
    for (size_t k = 0; k < sizeof th / sizeof th[0]; k++) {
        size_t feats = 0, weights = 0;
        for (size_t f = 0; f < nfeat; f++) {
            int any = 0;
            for (int l = 0; l < L; l++) {
                float v = w[f * L + l];
                pw[f * L + l] = fabsf(v) < th[k] ? 0 : v;
                any |= pw[f * L + l] != 0;
                weights += pw[f * L + l] != 0;
            }
            feats += any;
        }
        ner_score_t sc;
        double f1 = evaluate(pw, t, dev, &d, &sc);
        fprintf(stderr, "prune %.1f: %zu features, %zu weights, ~%zu KB, dev F1 %.2f\n", th[k], feats,
                weights, (feats * 12 + weights * 3 + feats) / 1024, f1);
    }
    free(pw), free(d.emit), free(d.score), free(d.back), free(d.pred);
}

/* ---- second pass: stacking (worker/engine/ner_stack.h) ---- */

static void model_reset(model_t *m)
{
    free(m->w), free(m->u);
    m->w = ds_xcalloc(m->nfeat * L, sizeof *m->w);
    m->u = ds_xcalloc(m->nfeat * L, sizeof *m->u);
    memset(m->trans, 0, sizeof m->trans);
    memset(m->utrans, 0, sizeof m->utrans);
    m->c = 1;
}

/* l1[token] = labels decoded with (w, t) for the sentences of fold `only` (-1: all). */
static void predict(const float *w, const float *t, const inst_t *in, int only, size_t ntrain, uint8_t *l1)
{
    size_t maxn = 0;
    for (size_t s = 0; s < in->n; s++) {
        size_t n = in->tok[s + 1] - in->tok[s];
        maxn = n > maxn ? n : maxn;
    }
    decode_t d = {ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L * 4), ds_xmalloc(maxn * L), ds_xmalloc(maxn)};
    for (size_t s = 0; s < in->n; s++) {
        if (only < 0 || in->orig[s] * FOLDS / ntrain == (size_t)only) {
            decode(w, t, in, s, &d);
            memcpy(l1 + in->tok[s], d.pred, in->tok[s + 1] - in->tok[s]);
        }
    }
    free(d.emit), free(d.score), free(d.back), free(d.pred);
}

/* Jackknifed pass-1 labels of the train instances: fold k is tagged by a model
 * trained on the other folds, so pass 2 learns from pass-1 errors on unseen text. */
static void jackknife(model_t *m, const inst_t *train, const inst_t *dev, int epochs, size_t ntrain,
                      uint8_t *l1)
{
    float *bw = ds_xmalloc(m->nfeat * L * sizeof *bw), bt[(L + 1) * L];
    for (int k = 0; k < FOLDS; k++) {
        fprintf(stderr, "pass 1, fold %d held out:\n", k);
        model_reset(m);
        train_epochs(m, train, dev, epochs, k, ntrain, bw, bt);
        predict(bw, bt, train, k, ntrain, l1);
    }
    free(bw);
}

/* Document summaries over runs of NER_GMB_DOC_SENTS corpus sentences counted from
 * base, as ner_eval cuts documents; a headline or all-caps copy (stored right after
 * its original) takes its original's summary with its own pass-1 labels. */
static void summaries(const inst_t *in, const uint8_t *l1, size_t base, ner_stack_t *st)
{
    ner_stack_work_t sw = {0};
    uint64_t *lower = ds_xmalloc(in->ntok * sizeof *lower);
    uint8_t *lab = ds_xmalloc(in->ntok), *form = ds_xmalloc(in->ntok);
    ner_stack_t *tmp = ds_xmalloc(in->ntok * sizeof *tmp);
    for (size_t s = 0, e; s < in->n; s = e) {
        size_t doc = (in->orig[s] - base) / NER_GMB_DOC_SENTS, k = 0, orig0 = s;
        for (e = s; e < in->n && (in->orig[e] - base) / NER_GMB_DOC_SENTS == doc; e++) {
            for (size_t t = in->tok[e]; t < in->tok[e + 1] && in->mode[e] == 0; t++, k++) {
                ner_props_t p = {.cas = in->cas[t] & 15};
                lower[k] = in->lower[t], lab[k] = l1[t], form[k] = ner_stack_form(&p, t == in->tok[e]);
            }
        }
        ner_stack_doc(lower, lab, form, k, &sw, tmp);
        k = 0;
        for (size_t q = s; q < e; q++) {
            size_t b = in->tok[q], n = in->tok[q + 1] - b;
            if (in->mode[q] == 0) {
                memcpy(st + b, tmp + k, n * sizeof *st);
                k += n, orig0 = q;
                continue;
            }
            memcpy(st + b, st + in->tok[orig0], n * sizeof *st);
            for (size_t i = 0; i < n; i++) {
                st[b + i].l1 = l1[b + i];
            }
        }
    }
    ner_stack_work_free(&sw);
    free(lower), free(lab), free(form), free(tmp);
}

/* Appends each token's stacking features to its feature list (new keys join m when add). */
static void extend(inst_t *in, model_t *m, const ner_stack_t *st, int add)
{
    for (size_t t = 0, s = 0; t < in->ntok; t++) {
        while (in->tok[s + 1] <= t) {
            s++;
        }
        uint32_t keys[NER_STACK_FEATS];
        ner_props_t p = {.cas = in->cas[t] & 15, .cpos = in->cas[t] >> 4};
        size_t b = in->tok[s], nk = ner_feat_stack(st + b, in->tok[s + 1] - b, t - b, &p, keys), k = 0;
        while (in->feat[t][k] >= 0) {
            k++;
        }
        in->feat[t] = ds_xrealloc(in->feat[t], (k + nk + 1) * sizeof *in->feat[t]);
        for (size_t j = 0; j < nk; j++) {
            int32_t f = feat_index(m, keys[j], add);
            if (f >= 0) {
                in->feat[t][k++] = f;
            }
        }
        in->feat[t][k] = -1;
    }
}

/* Trains o->bag models from zero (the first continuing the shuffling sequence, the
 * others each from a seed of its own) and keeps the mean of their best weights: scores
 * are linear in the weights, so the mean model scores as the mean of the models (an
 * ensemble at the run-time cost of one).  Pass 2's dev F1 varies by ~0.7 with the
 * shuffling alone; the mean of several runs varies less. */
static void train_bag(model_t *m, const inst_t *train, const inst_t *dev, const opts_t *o, size_t ntrain,
                      float *best_w, float *best_t)
{
    int nbag = o->bag > 1 ? o->bag : 1;
    float *w = nbag > 1 ? ds_xmalloc(m->nfeat * L * sizeof *w) : best_w, t[(L + 1) * L] = {0};
    for (int r = 0; r < nbag; r++) {
        if (r > 0) {
            rng_state = o->seed + (uint32_t)r * 0x9E3779B9u;
        }
        model_reset(m);
        train_epochs(m, train, dev, o->epochs, -1, ntrain, w, nbag > 1 ? t : best_t);
        for (size_t i = 0; nbag > 1 && i < m->nfeat * L; i++) {
            best_w[i] = (r ? best_w[i] : 0.0f) + w[i] / (float)nbag;
        }
        for (size_t i = 0; nbag > 1 && i < (L + 1) * L; i++) {
            best_t[i] = (r ? best_t[i] : 0.0f) + t[i] / (float)nbag;
        }
    }
    if (nbag > 1) {
        free(w);
    }
}

/* Marks the sentences pass 2 re-tags at run time (ner_stack_evidence), so that the
 * final dev figure scores pass-1 labels l1 elsewhere, as the runtime does.  Training
 * pass 2 on those sentences only was worse on dev (87.14 against 87.45), so it trains
 * on all and picks its epoch ungated. */
static void gate(inst_t *in, const ner_stack_t *st, uint8_t *l1)
{
    in->use = ds_xmalloc(in->n);
    in->l1 = l1;
    size_t used = 0;
    for (size_t s = 0; s < in->n; s++) {
        size_t b = in->tok[s], n = in->tok[s + 1] - b;
        ner_props_t p[256];
        for (size_t i = 0; i < n && i < 256; i++) {
            p[i] = (ner_props_t){.cas = in->cas[b + i] & 15, .cpos = in->cas[b + i] >> 4};
        }
        in->use[s] = (uint8_t)ner_stack_evidence(st + b, p, n < 256 ? n : 256);
        used += in->use[s];
    }
    fprintf(stderr, "pass 2 re-tags %zu of %zu sentences\n", used, in->n);
}

/* Trains and writes the second pass (DATA/ner/model2.bin); w1, t1: pass 1. */
static int train_stacked(model_t *m, inst_t *train, inst_t *dev, size_t ntrain, const float *w1,
                         const float *t1, const opts_t *o)
{
    uint8_t *l1t = ds_xmalloc(train->ntok), *l1d = ds_xmalloc(dev->ntok);
    ner_stack_t *stt = ds_xmalloc(train->ntok * sizeof *stt), *std = ds_xmalloc(dev->ntok * sizeof *std);
    predict(w1, t1, dev, -1, ntrain, l1d);
    jackknife(m, train, dev, o->epochs, ntrain, l1t);
    summaries(train, l1t, 0, stt);
    summaries(dev, l1d, ntrain, std);
    extend(train, m, stt, 1);
    extend(dev, m, std, 0);
    float *w2 = ds_xmalloc(m->nfeat * L * sizeof *w2), t2[(L + 1) * L];
    fprintf(stderr, "pass 2 (stacked): %zu features\n", m->nfeat);
    train_bag(m, train, dev, o, ntrain, w2, t2);
    gate(dev, std, l1d);
    report_dev(w2, t2, dev);
    char path[4096];
    size_t bytes;
    snprintf(path, sizeof path, "%s/ner/model2.bin", o->data);
    int rc = ner_model_write(path, m->keys, w2, m->nfeat, t2, o->prune, &bytes);
    fprintf(stderr, rc == 0 ? "wrote %s (%zu bytes)\n" : "ner_train: cannot write %s\n", path, bytes);
    free(dev->use);
    dev->use = NULL, dev->l1 = NULL;
    free(l1t), free(l1d), free(stt), free(std), free(w2);
    return rc;
}

int main(int argc, char **argv)
{
    opts_t o;
    char err[512], path[4096];
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: ner_train --gmb GMB.csv --data DATA_DIR [--epochs N] [--prune W] [--stack "
                        "0|1] [--bag N] [--seed N]\n");
        return 64;
    }
    ner_corpus_t c = {0};
    snprintf(path, sizeof path, "%s/ner/titles.txt", o.data);
    if (ner_corpus_read_gmb(&c, o.gmb, path, err, sizeof err) != 0 || c.nsent <= HELD_OUT + DEV) {
        fprintf(stderr, "ner_train: %s\n", c.nsent ? "corpus too small" : err);
        return 66;
    }
    rng_state = o.seed;
    size_t ntrain = c.nsent - HELD_OUT - DEV;
    fprintf(stderr, "corpus: %zu sentences; train %zu, dev %d, held-out %d (not read)\n", c.nsent, ntrain,
            DEV, HELD_OUT);
    snprintf(path, sizeof path, "%s/ner/lexicon.tsv", o.data);
    if (write_lexicon(&c, ntrain, 0, 0, path) != 0) {
        fprintf(stderr, "ner_train: cannot write %s\n", path);
        return 73;
    }
    geo_t *geo = geo_load(o.data, err, sizeof err);
    ner_gaz_t *gz = ner_gaz_new(), *fold_gz[FOLDS];
    if (!geo || ner_gaz_load_all(gz, geo, o.data, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "ner_train: %s\n", err);
        return 66;
    }
    for (size_t k = 0; k < FOLDS; k++) {
        snprintf(path, sizeof path, "%s/ner/lexicon.fold.tmp", o.data);
        fold_gz[k] = ner_gaz_new();
        if (write_lexicon(&c, ntrain, k * ntrain / FOLDS, (k + 1) * ntrain / FOLDS, path) != 0 ||
            ner_gaz_load_all(fold_gz[k], geo, o.data, path, err, sizeof err) != 0) {
            fprintf(stderr, "ner_train: fold lexicon: %s\n", err);
            return 73;
        }
        remove(path);
    }
    model_t m = {0};
    inst_t train = {0}, dev = {0};
    ner_map_init(&m.index, 1 << 22);
    build(&train, &dev, &m, &c, ntrain, gz, fold_gz);
    fprintf(stderr, "features: %zu; training instances %zu\n", m.nfeat, train.n);
    m.w = ds_xcalloc(m.nfeat * L, sizeof *m.w);
    m.u = ds_xcalloc(m.nfeat * L, sizeof *m.u);
    m.c = 1;
    float *best_w = ds_xmalloc(m.nfeat * L * sizeof *best_w), best_t[(L + 1) * L];
    train_epochs(&m, &train, &dev, o.epochs, -1, ntrain, best_w, best_t);
    report_dev(best_w, best_t, &dev);
    if (getenv("NER_PRUNE_SWEEP")) {
        prune_sweep(best_w, best_t, m.nfeat, &dev);
    }
    size_t bytes;
    snprintf(path, sizeof path, "%s/ner/model.bin", o.data);
    if (ner_model_write(path, m.keys, best_w, m.nfeat, best_t, o.prune, &bytes) != 0) {
        fprintf(stderr, "ner_train: cannot write %s\n", path);
        return 73;
    }
    fprintf(stderr, "wrote %s (%zu bytes)\n", path, bytes);
    if (o.stack && train_stacked(&m, &train, &dev, ntrain, best_w, best_t, &o) != 0) {
        return 73;
    }
    return 0;
}
