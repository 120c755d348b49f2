/* engine_tone.c: tone per sentence and per document, GDELT-style, scored with the
 * VADER lexicon and VADER's rules.
 *
 * Per word (VADER): the lexicon valence; +/- the ALL-CAPS emphasis when the
 * sentence mixes case; boosters and dampeners among the three words before it
 * (scaled 1, 0.95, 0.9 by distance); each negation among those three words
 * (including a split-off "n't") multiplies by -0.74, as does "least" not preceded by
 * "at"/"very"; booster words carry no valence of their own.  Per sentence, the
 * first "but" halves the words before it and multiplies the ones after by 1.5;
 * the sentence's compound score is s / sqrt(s^2 + 15).
 *
 * GDELT-style figures count words by the sign of their adjusted valence: positive
 * and negative are percentages of all words, score = positive - negative, polarity
 * = positive + negative, activity = percentage of active words (data/engine/
 * activity.txt, by stem).  Each sentence keeps its own tone and compound
 * (engine_sent_t), which the entity stages read.  English only.
 */
#include "engine_internal.h"

#include <math.h>
#include <string.h>

#define WINDOW 3
#define N_SCALAR (-0.74)
#define BUT_BEFORE 0.5
#define BUT_AFTER 1.5
#define VADER_ALPHA 15.0

typedef struct {
    engine_t *e;
    engine_result_t *r;
    uint32_t *idx; /* word token indexes of the sentence */
    size_t n;
} sent_words_t;

static const engine_vocab_t *vocab_of(const sent_words_t *s, size_t i)
{
    uint32_t id = s->e->words[s->idx[i]].vocab;
    return id == ENGINE_LEX_NONE ? NULL : &s->e->data->ventries[id];
}

static bool word_is(const sent_words_t *s, size_t i, int which)
{
    return s->e->words[s->idx[i]].vocab == s->e->data->tone_ids[which];
}

/* Negation: a negation word, or a word followed by a split-off "n't". */
static bool negates(const sent_words_t *s, size_t i)
{
    const engine_vocab_t *v = vocab_of(s, i);
    if (v != NULL && (v->flags & ENGINE_VF_NEGATE)) {
        return true;
    }
    uint32_t k = s->idx[i] + 1;
    if (k >= s->r->n_toks || !(s->r->toks[k].flags & ENGINE_TOK_CLITIC)) {
        return false;
    }
    const engine_tok_t *t = &s->r->toks[k];
    const char *p = s->r->text + t->start;
    return t->end - t->start >= 3 && (p[0] == 'n' || p[0] == 'N');
}

/* The adjusted valence of word i (0 when it carries none). */
static double valence(const sent_words_t *s, size_t i, bool cap_diff)
{
    const engine_vocab_t *v = vocab_of(s, i);
    if (v == NULL || v->valence == 0 || v->booster != 0) {
        return 0;
    }
    double val = v->valence;
    double sign = val > 0 ? 1 : -1;
    bool upper = (s->r->toks[s->idx[i]].flags & ENGINE_TOK_UPPER) != 0;
    if (cap_diff && upper) {
        val += sign * s->e->data->allcaps_incr;
    }
    static const double scale[WINDOW] = {1.0, 0.95, 0.9};
    for (size_t j = 1; j <= WINDOW && j <= i; j++) {
        const engine_vocab_t *p = vocab_of(s, i - j);
        if (p != NULL && p->booster != 0 && p->valence == 0) {
            double b = p->booster * sign;
            if (cap_diff && (s->r->toks[s->idx[i - j]].flags & ENGINE_TOK_UPPER)) {
                b += sign * s->e->data->allcaps_incr;
            }
            val += b * scale[j - 1];
        }
        if (negates(s, i - j)) {
            val *= N_SCALAR;
        }
    }
    if (i >= 1 && word_is(s, i - 1, ENGINE_TONE_LEAST) &&
        !(i >= 2 && (word_is(s, i - 2, ENGINE_TONE_AT) || word_is(s, i - 2, ENGINE_TONE_VERY)))) {
        val *= N_SCALAR;
    }
    return val;
}

static bool mixed_case(const sent_words_t *s)
{
    size_t up = 0;
    for (size_t i = 0; i < s->n; i++) {
        up += (s->r->toks[s->idx[i]].flags & ENGINE_TOK_UPPER) != 0;
    }
    return up > 0 && up < s->n;
}

/* Scores one sentence; adds its positive/negative word counts to the totals. */
static void score_sentence(sent_words_t *s, engine_sent_t *sent, engine_tone_t *tot)
{
    bool cap_diff = mixed_case(s);
    size_t but = s->n;
    for (size_t i = 0; i < s->n && but == s->n; i++) {
        but = word_is(s, i, ENGINE_TONE_BUT) ? i : but;
    }
    double sum = 0;
    uint32_t pos = 0, neg = 0;
    for (size_t i = 0; i < s->n; i++) {
        double v = valence(s, i, cap_diff);
        if (v == 0) {
            continue;
        }
        if (but < s->n) {
            v *= i < but ? BUT_BEFORE : (i > but ? BUT_AFTER : 1.0);
        }
        sum += v;
        pos += v > 0;
        neg += v < 0;
    }
    double c = sum / sqrt(sum * sum + VADER_ALPHA);
    sent->compound = (float)(c < -1 ? -1 : (c > 1 ? 1 : c));
    sent->tone = s->n ? (float)(100.0 * ((double)pos - (double)neg) / (double)s->n) : 0;
    tot->pos_words += pos;
    tot->neg_words += neg;
}

void engine_tone(engine_t *e, engine_result_t *r)
{
    memset(&r->tone, 0, sizeof r->tone);
    if (!r->english || r->words == 0) {
        return;
    }
    uint32_t *idx = engine_arena_alloc_raw(&e->tmp, sizeof *idx * (r->n_toks + 1));
    const engine_data_t *d = e->data;
    for (size_t si = 0; si < r->n_sents; si++) {
        engine_sent_t *sent = &r->sents[si];
        sent_words_t s = {e, r, idx, 0};
        for (uint32_t k = sent->tok_first; k < sent->tok_end; k++) {
            const engine_tok_t *t = &r->toks[k];
            if ((t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) && !(t->flags & ENGINE_TOK_CLITIC)) {
                idx[s.n++] = k;
                uint32_t st = e->words[k].stem;
                if (st != ENGINE_LEX_NONE && st < d->stems_static && (d->sflags[st] & ENGINE_SF_ACTIVE)) {
                    r->tone.active_words++;
                }
            }
        }
        score_sentence(&s, sent, &r->tone);
    }
    engine_tone_t *t = &r->tone;
    t->words = (uint32_t)r->words;
    double w = (double)r->words;
    t->positive = 100.0 * t->pos_words / w;
    t->negative = 100.0 * t->neg_words / w;
    t->score = t->positive - t->negative;
    t->polarity = t->positive + t->negative;
    t->activity = 100.0 * t->active_words / w;
}
