/* ner_lexicon.c: see ner_lexicon.h. */
#include "ner_lexicon.h"

#include "ds_buf.h"
#include "ds_err.h"
#include "ds_mem.h"
#include "ner_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ner_map_t map; /* key -> entry + 1 */
    char **text;
    uint32_t *count, *other;
    size_t n, cap;
} counter_t;

static uint32_t counter_at(counter_t *ct, const char *s, size_t len)
{
    uint32_t *v = ner_map_put(&ct->map, ner_phrase_key(s, len), 0);
    if (*v == 0) {
        if (ct->n == ct->cap) {
            ct->cap = ct->cap ? ct->cap * 2 : 4096;
            ct->text = ds_xrealloc(ct->text, ct->cap * sizeof *ct->text);
            ct->count = ds_xrealloc(ct->count, ct->cap * 4);
            ct->other = ds_xrealloc(ct->other, ct->cap * 4);
        }
        ct->text[ct->n] = ds_xstrndup(s, len);
        ct->count[ct->n] = ct->other[ct->n] = 0;
        *v = (uint32_t)++ct->n;
    }
    return *v - 1;
}

static void span_text(const ner_corpus_t *c, size_t b, size_t e, ds_buf_t *out)
{
    ds_buf_reset(out);
    for (size_t t = b; t < e; t++) {
        if (t > b) {
            ds_buf_putc(out, ' ');
        }
        ds_buf_append(out, c->word[t], c->len[t]);
    }
}

/* Counts names in gold spans (cts: 0 given, 1 surname, 2 org) and word case (3). */
static void count_sentence(const ner_corpus_t *c, size_t s, counter_t *cts, ds_buf_t *tmp)
{
    for (size_t t = c->sent[s]; t < c->sent[s + 1]; t++) {
        int part = NER_LABEL_PART(c->label[t]), type = NER_LABEL_TYPE(c->label[t]);
        if (t > c->sent[s]) {
            uint32_t i = counter_at(&cts[3], c->word[t], c->len[t]);
            cts[3].count[i]++;
            cts[3].other[i] += ner_case(c->word[t], c->len[t]) == NER_CASE_LOWER;
        }
        if (part != NER_B && part != NER_U) {
            continue;
        }
        size_t e = t + 1;
        while (part == NER_B && e < c->sent[s + 1] && NER_LABEL_PART(c->label[e - 1]) != NER_L) {
            e++;
        }
        uint32_t i;
        if (type == NER_PER && e - t >= 2) {
            i = counter_at(&cts[0], c->word[t], c->len[t]);
            cts[0].count[i]++;
        }
        if (type == NER_PER) {
            i = counter_at(&cts[1], c->word[e - 1], c->len[e - 1]);
            cts[1].count[i]++;
        }
        if (type == NER_ORG) {
            span_text(c, t, e, tmp);
            i = counter_at(&cts[2], tmp->data, tmp->len);
            cts[2].count[i]++;
        }
    }
}

/* An "organisation" whose first word is a given name and last word a surname is a
 * mislabelled person (GMB has some). */
static int person_like(counter_t *cts, const char *phrase)
{
    const char *sp = strchr(phrase, ' '), *last = strrchr(phrase, ' ');
    if (!sp) {
        return 0;
    }
    const uint32_t *g = ner_map_get(&cts[0].map, ner_phrase_key(phrase, (size_t)(sp - phrase)));
    const uint32_t *s = ner_map_get(&cts[1].map, ner_phrase_key(last + 1, strlen(last + 1)));
    return g && s && cts[0].count[*g - 1] >= 2 && cts[1].count[*s - 1] >= 2;
}

static int usually_lower(counter_t *words, const char *w)
{
    const uint32_t *v = ner_map_get(&words->map, ner_phrase_key(w, strlen(w)));
    return v && words->other[*v - 1] * 2 > words->count[*v - 1];
}

static void free_counter(counter_t *ct)
{
    for (size_t i = 0; i < ct->n; i++) {
        free(ct->text[i]);
    }
    free(ct->text), free(ct->count), free(ct->other);
    ner_map_free(&ct->map);
}

int ner_lexicon_write(const ner_corpus_t *c, size_t nsent, size_t skip_from, size_t skip_to, const char *path,
                      size_t kept[4])
{
    counter_t cts[4];
    memset(cts, 0, sizeof cts);
    for (int i = 0; i < 4; i++) {
        ner_map_init(&cts[i].map, 1 << 14);
    }
    ds_buf_t tmp = DS_BUF_INIT;
    for (size_t s = 0; s < nsent; s++) {
        if (s < skip_from || s >= skip_to) {
            count_sentence(c, s, cts, &tmp);
        }
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        for (int k = 0; k < 4; k++) {
            free_counter(&cts[k]);
        }
        ds_buf_free(&tmp);
        return DS_EIO;
    }
    fprintf(f, "# Derived by tools/ner_train.c from the GMB train split (ODbL 1.0); see README.md.\n");
    static const char *const cls[] = {"given", "surname", "org", "lower"};
    memset(kept, 0, 4 * sizeof *kept);
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < cts[k].n; i++) {
            const char *w = cts[k].text[i];
            int keep = k == 3 ? cts[k].count[i] >= 5 && cts[k].other[i] * 10 >= cts[k].count[i] * 9
                              : cts[k].count[i] >= (k == 2 ? 3u : 2u) && (w[0] < 'a' || w[0] > 'z') &&
                                    (k == 2 ? !person_like(cts, w) : !usually_lower(&cts[3], w));
            if (keep) {
                fprintf(f, "%s\t%s\n", cls[k], w);
                kept[k]++;
            }
        }
    }
    for (int k = 0; k < 4; k++) {
        free_counter(&cts[k]);
    }
    ds_buf_free(&tmp);
    return fclose(f) == 0 ? 0 : DS_EIO;
}
