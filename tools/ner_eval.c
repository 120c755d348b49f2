/* ner_eval.c: scores the entity stage on GMB (dev or held-out) and re3d.
 *
 * usage: ner_eval --data DATA_DIR [--gmb GMB.csv [--split dev|test]] [--re3d FILE...]
 *                 [--errors | --conll] [--tagger-only] [--rules-off MASK] [--repeat N]
 *
 * Entity-level exact-span P/R/F1 per type and micro-averaged, scored as
 * ../shared/data/README.md fixes it (NORP counts as LOC, leading titles dropped from
 * gold persons).  By default each corpus runs through the whole entity stage
 * (ner_run: tagger, rules, document-level consistency) on text rebuilt from the gold
 * tokens, a "document" being each run of NER_EVAL_DOC sentences (GMB's CSV has no
 * document ids; its sentences are in document order, so ten consecutive ones mostly
 * share an article); --tagger-only scores the bare tagger (both passes when there is a
 * second-pass model, over the same documents).  re3d gold spans also lose a leading determiner and spans with
 * no capitalised word (pronouns, descriptions), since Dossier extracts names.  Prints throughput of the stage
 * too.  Never used for training or tuning on the held-out slice.
 */
#include "ds_buf.h"
#include "ds_mem.h"
#include "ner.h"
#include "ner_corpus.h"
#include "ner_stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NER_EVAL_DOC NER_GMB_DOC_SENTS

typedef struct {
    const char *data, *gmb, *split;
    const char *re3d[8];
    int n_re3d, errors, tagger_only, repeat;
    long rules_off; /* -1: the stage's default */
} opts_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rebuilds text for sentences [s0, s1) and runs the entity stage; writes labels. */
static int run_doc(const ner_t *ner, const ner_corpus_t *c, size_t s0, size_t s1, uint8_t *labels,
                   size_t *bytes)
{
    size_t t0 = c->sent[s0], nt = c->sent[s1] - t0;
    ds_buf_t text = DS_BUF_INIT;
    engine_tok_t *tok = ds_xcalloc(nt + 1, sizeof *tok);
    engine_sent_t *sent = ds_xcalloc(s1 - s0 + 1, sizeof *sent);
    for (size_t s = s0; s < s1; s++) {
        engine_sent_t *es = &sent[s - s0];
        es->tok_first = (uint32_t)(c->sent[s] - t0);
        es->tok_end = (uint32_t)(c->sent[s + 1] - t0);
        for (size_t t = c->sent[s]; t < c->sent[s + 1]; t++) {
            if (text.len) {
                ds_buf_putc(&text, t == c->sent[s] ? '\n' : ' ');
            }
            tok[t - t0].start = (uint32_t)text.len;
            ds_buf_append(&text, c->word[t], c->len[t]);
            tok[t - t0].end = (uint32_t)text.len;
            tok[t - t0].sent = (uint32_t)(s - s0);
        }
        es->start = tok[es->tok_first].start;
        es->end = tok[es->tok_end - 1].end;
    }
    engine_doc_t doc = {.text = ds_buf_str(&text),
                        .len = text.len,
                        .toks = tok,
                        .n_toks = nt,
                        .sents = sent,
                        .n_sents = s1 - s0,
                        .lang = "en",
                        .published = ""};
    ner_result_t *r = NULL;
    char err[256];
    int rc = ner_run(ner, &doc, &r, err, sizeof err);
    if (rc == 0) {
        ner_result_labels(r, tok, nt, labels);
    } else {
        fprintf(stderr, "ner_eval: %s\n", err);
    }
    *bytes += text.len + 1;
    ner_result_destroy(&r);
    ds_buf_free(&text);
    free(tok);
    free(sent);
    return rc;
}

/* Tags sentences [s0, s1) (one document) with the bare tagger, both passes. */
static void run_tagger(const ner_t *ner, const ner_corpus_t *c, size_t s0, size_t s1, uint8_t *labels,
                       size_t *bytes, ner_doc_work_t *w)
{
    size_t b = c->sent[s0], n = c->sent[s1] - b;
    uint8_t *space = ds_xmalloc(n + 1);
    size_t *spans = ds_xmalloc((s1 - s0 + 1) * sizeof *spans);
    for (size_t s = s0; s <= s1; s++) {
        spans[s - s0] = c->sent[s] - b;
    }
    for (size_t i = 0; i < n; i++) {
        space[i] = 1;
        *bytes += c->len[b + i] + 1;
    }
    ner_tag_doc(ner_model_of(ner), ner_model2_of(ner), ner_gaz_of(ner), c->word + b, c->len + b, space, spans,
                s1 - s0, w, labels);
    free(space);
    free(spans);
}

/* "B", "I", "L" or "U" for an entity label, 'O' for outside. */
static char part_char(uint8_t label)
{
    int part = label ? NER_LABEL_PART(label) : 0;
    return (part >= 1 && part <= 4) ? "BILU"[part - 1] : 'O';
}

static void print_errors(const ner_corpus_t *c, size_t s, const uint8_t *pred, int all)
{
    static const char *const tn[] = {"PER", "ORG", "LOC", "NORP"};
    const uint8_t *gold = c->label + c->sent[s];
    if (all) { /* one token a line: word, gold, prediction (CoNLL style) */
        for (size_t t = c->sent[s]; t < c->sent[s + 1]; t++) {
            uint8_t g = c->label[t], p = pred[t - c->sent[s]];
            printf("%s\t%c%s%s\t%c%s%s\n", c->word[t], part_char(g), g ? "-" : "",
                   g ? tn[NER_LABEL_TYPE(g)] : "", part_char(p), p ? "-" : "",
                   p ? tn[NER_LABEL_TYPE(p)] : "");
        }
        printf("\n");
        return;
    }
    if (memcmp(gold, pred, c->sent[s + 1] - c->sent[s]) == 0) {
        return;
    }
    for (size_t t = c->sent[s]; t < c->sent[s + 1]; t++) {
        uint8_t g = c->label[t], p = pred[t - c->sent[s]];
        printf("%s", c->word[t]);
        if (g != p) {
            printf("[%c%s/%c%s]", part_char(g), g ? tn[NER_LABEL_TYPE(g)] : "", part_char(p),
                   p ? tn[NER_LABEL_TYPE(p)] : "");
        }
        printf(" ");
    }
    printf("\n");
}

/* Scores sentences [s0, s1) of c; prints the table row block under name. */
static void score_corpus(const opts_t *o, const ner_t *ner, const ner_corpus_t *c, size_t s0, size_t s1,
                         const char *name)
{
    ner_score_t sc;
    memset(&sc, 0, sizeof sc);
    uint8_t *pred = ds_xmalloc(c->ntok + 1);
    size_t bytes = 0, toks = c->sent[s1] - c->sent[s0];
    ner_doc_work_t w = {0};
    double t0 = now_s();
    for (int rep = 0; rep < (o->repeat > 0 ? o->repeat : 1); rep++) {
        for (size_t s = s0; s < s1;) {
            size_t e = s1 - s > NER_EVAL_DOC ? s + NER_EVAL_DOC : s1;
            if (o->tagger_only) {
                run_tagger(ner, c, s, e, pred + c->sent[s], &bytes, &w);
            } else if (run_doc(ner, c, s, e, pred + c->sent[s], &bytes) != 0) {
                exit(70);
            }
            s = e;
        }
    }
    double dt = now_s() - t0;
    for (size_t s = s0; s < s1; s++) {
        size_t n = c->sent[s + 1] - c->sent[s];
        ner_score_add(&sc, c->label + c->sent[s], pred + c->sent[s], n);
        if (o->errors) {
            print_errors(c, s, pred + c->sent[s], o->errors > 1);
        }
    }
    static const char *const names[] = {"PER", "ORG", "LOC"};
    printf("%-22s %-6s %7s %7s %7s\n", name, "type", "P", "R", "F1");
    for (int k = 0; k < 4; k++) {
        double p, r, f;
        ner_score_prf(&sc, k < 3 ? k : -1, &p, &r, &f);
        printf("%-22s %-6s %7.2f %7.2f %7.2f\n", "", k < 3 ? names[k] : "micro", p, r, f);
    }
    printf("%-22s %zu sentences, %zu tokens, %.0f KB/s (%s)\n\n", "", s1 - s0, toks,
           (double)bytes / 1024.0 / (dt > 0 ? dt : 1e-9), o->tagger_only ? "tagger" : "entity stage");
    ner_doc_work_free(&w);
    free(pred);
}

static int parse(int argc, char **argv, opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->rules_off = -1;
    o->split = "test";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--errors") == 0) {
            o->errors = 1;
        } else if (strcmp(a, "--conll") == 0) {
            o->errors = 2;
        } else if (strcmp(a, "--tagger-only") == 0) {
            o->tagger_only = 1;
        } else if (!v) {
            return -1;
        } else if (strcmp(a, "--data") == 0) {
            o->data = v, i++;
        } else if (strcmp(a, "--gmb") == 0) {
            o->gmb = v, i++;
        } else if (strcmp(a, "--rules-off") == 0) {
            o->rules_off = strtol(v, NULL, 0), i++;
        } else if (strcmp(a, "--repeat") == 0) {
            o->repeat = atoi(v), i++;
        } else if (strcmp(a, "--split") == 0) {
            o->split = v, i++;
        } else if (strcmp(a, "--re3d") == 0 && o->n_re3d < 8) {
            o->re3d[o->n_re3d++] = v, i++;
        } else {
            return -1;
        }
    }
    return o->data ? 0 : -1;
}

int main(int argc, char **argv)
{
    opts_t o;
    char err[512], titles[4096];
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: ner_eval --data DIR [--gmb GMB.csv [--split dev|test]] [--re3d FILE]... "
                        "[--errors | --conll] [--tagger-only]\n");
        return 64;
    }
    ner_t *ner = ner_load(o.data, err, sizeof err);
    if (!ner) {
        fprintf(stderr, "ner_eval: %s\n", err);
        return 66;
    }
    if (o.rules_off >= 0) {
        ner_set_rules_off(ner, (unsigned)o.rules_off);
    }
    snprintf(titles, sizeof titles, "%s/ner/titles.txt", o.data);
    if (o.gmb) {
        ner_corpus_t c = {0};
        if (ner_corpus_read_gmb(&c, o.gmb, titles, err, sizeof err) != 0 || c.nsent < 4000) {
            fprintf(stderr, "ner_eval: %s\n", err);
            return 66;
        }
        int dev = strcmp(o.split, "dev") == 0;
        size_t s0 = c.nsent - (dev ? 4000 : 2000), s1 = s0 + 2000;
        score_corpus(&o, ner, &c, s0, s1, dev ? "GMB dev" : "GMB held-out");
        ner_corpus_free(&c);
    }
    if (o.n_re3d) {
        ner_corpus_t c = {0};
        for (int i = 0; i < o.n_re3d; i++) {
            if (ner_corpus_read_conll(&c, o.re3d[i], titles, NER_CORPUS_STRIP_DET | NER_CORPUS_NAMES_ONLY,
                                      err, sizeof err) != 0) {
                fprintf(stderr, "ner_eval: %s\n", err);
                return 66;
            }
        }
        score_corpus(&o, ner, &c, 0, c.nsent, "re3d (out of domain)");
        ner_corpus_free(&c);
    }
    ner_destroy(&ner);
    return 0;
}
