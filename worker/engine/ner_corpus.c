/* ner_corpus.c: see ner_corpus.h.  Tools only; reads files and never logs. */
#include "ner_corpus.h"

#include "ds_err.h"
#include "ds_mem.h"
#include "ner_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SENT 4096

typedef struct {
    ner_map_t titles; /* ner_hash(lowercase word) -> 1 */
    int8_t type[MAX_SENT];
    uint8_t begin[MAX_SENT];
    size_t n;
    unsigned opts;
} pending_t;

static void end_sentence(ner_corpus_t *c, pending_t *pd, unsigned opts);

static uint64_t lower_key(const char *s, size_t len)
{
    char buf[NER_MAX_TOKLEN + 8];
    size_t n = ner_norm_lower(s, len, buf);
    return ner_hash(buf, n);
}

static int load_titles(pending_t *pd, const char *path, char *errstr, size_t errlen)
{
    ner_map_init(&pd->titles, 256);
    pd->n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errlen, "cannot read %s", path);
        return DS_EIO;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#') {
            *ner_map_put(&pd->titles, lower_key(line, strlen(line)), 1) = 1;
        }
    }
    fclose(f);
    return 0;
}

static void push_word(ner_corpus_t *c, pending_t *pd, const char *w, size_t len, int type, int begin)
{
    if (c->ntok == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 65536;
        c->off = ds_xrealloc(c->off, c->cap * sizeof *c->off);
        c->len = ds_xrealloc(c->len, c->cap * sizeof *c->len);
        c->label = ds_xrealloc(c->label, c->cap);
    }
    if (len > 255) {
        len = 255;
    }
    if (pd->n == MAX_SENT) {
        end_sentence(c, pd, pd->opts);
    }
    c->off[c->ntok] = c->text.len;
    c->len[c->ntok] = (uint32_t)len;
    c->label[c->ntok] = NER_O;
    ds_buf_append(&c->text, w, len);
    ds_buf_putc(&c->text, '\0');
    c->ntok++;
    pd->type[pd->n] = (int8_t)type;
    pd->begin[pd->n] = (uint8_t)begin;
    pd->n++;
}

static int is_word(const ner_corpus_t *c, size_t t, const char *const *set)
{
    const char *w = c->text.data + c->off[t];
    for (; *set; set++) {
        if (strcasecmp(w, *set) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Applies the title and determiner rules to span [*b, e) of sentence token base. */
static void trim_span(const ner_corpus_t *c, const pending_t *pd, size_t base, int type, size_t *b, size_t e,
                      unsigned opts)
{
    static const char *const after[] = {"of", "the", "state", "for", "affairs", NULL};
    static const char *const det[] = {"the", "a", "an", NULL};
    if ((opts & NER_CORPUS_STRIP_DET) && *b < e && is_word(c, base + *b, det)) {
        (*b)++;
    }
    while (type == NER_PER && *b < e &&
           ner_map_get(&pd->titles, lower_key(c->text.data + c->off[base + *b], c->len[base + *b]))) {
        (*b)++;
        while (*b < e && is_word(c, base + *b, after)) {
            (*b)++;
        }
    }
}

static int has_capital(const ner_corpus_t *c, size_t from, size_t to)
{
    for (size_t t = from; t < to; t++) {
        char ch = c->text.data[c->off[t]];
        if (ch >= 'A' && ch <= 'Z') {
            return 1;
        }
    }
    return 0;
}

/* Turns the pending sentence's raw types into title-normalised BILOU labels. */
static void end_sentence(ner_corpus_t *c, pending_t *pd, unsigned opts)
{
    size_t base = c->ntok - pd->n;
    for (size_t i = 0; i < pd->n;) {
        if (pd->type[i] < 0) {
            i++;
            continue;
        }
        size_t e = i + 1;
        while (e < pd->n && pd->type[e] == pd->type[i] && !pd->begin[e]) {
            e++;
        }
        size_t b = i;
        trim_span(c, pd, base, pd->type[i], &b, e, opts);
        if (b < e && (!(opts & NER_CORPUS_NAMES_ONLY) || has_capital(c, base + b, base + e))) {
            for (size_t t = b; t < e; t++) {
                int part = e - b == 1 ? NER_U : t == b ? NER_B : t + 1 == e ? NER_L : NER_I;
                c->label[base + t] = NER_LABEL(pd->type[i], part);
            }
        }
        i = e;
    }
    if (pd->n > 0) {
        if (c->nsent + 2 > c->sent_cap) {
            c->sent_cap = c->sent_cap ? c->sent_cap * 2 : 4096;
            c->sent = ds_xrealloc(c->sent, c->sent_cap * sizeof *c->sent);
        }
        c->sent[c->nsent++] = base;
        c->sent[c->nsent] = c->ntok;
    }
    pd->n = 0;
}

static void finish(ner_corpus_t *c)
{
    c->word = ds_xrealloc(c->word, (c->ntok + 1) * sizeof *c->word);
    for (size_t i = 0; i < c->ntok; i++) {
        c->word[i] = c->text.data + c->off[i];
    }
    if (c->sent == NULL) {
        c->sent = ds_xcalloc(1, sizeof *c->sent);
    }
}

/* Type of a tag suffix ("per", "Person", ...), or -1 for one that is not scored. */
static int tag_type(const char *t)
{
    static const struct {
        const char *name;
        int type;
    } tags[] = {{"per", NER_PER},      {"org", NER_ORG},         {"geo", NER_LOC},
                {"gpe", NER_NORP},     {"Person", NER_PER},      {"Organisation", NER_ORG},
                {"Location", NER_LOC}, {"Nationality", NER_NORP}};
    if ((t[0] != 'B' && t[0] != 'I') || t[1] != '-') {
        return -1;
    }
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        if (strcmp(t + 2, tags[i].name) == 0) {
            return tags[i].type;
        }
    }
    return -1;
}

/* Splits one CSV line into at most max fields, unquoting in place. */
static size_t csv_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *r = line, *w = line;
    while (n < max) {
        f[n++] = w;
        if (*r == '"') {
            for (r++; *r; r++) {
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"', r++;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r;
                }
            }
        }
        while (*r && *r != ',') {
            *w++ = *r++;
        }
        int more = *r == ',';
        *w++ = '\0';
        if (!more) {
            break;
        }
        r++;
    }
    return n;
}

int ner_corpus_read_gmb(ner_corpus_t *c, const char *csv, const char *titles_path, char *errstr,
                        size_t errlen)
{
    pending_t *pd = ds_xcalloc(1, sizeof *pd);
    int rc = load_titles(pd, titles_path, errstr, errlen);
    FILE *f = rc == 0 ? fopen(csv, "r") : NULL;
    if (rc == 0 && !f) {
        snprintf(errstr, errlen, "cannot read %s", csv);
        rc = DS_EIO;
    }
    char line[4096];
    for (int first = 1; rc == 0 && fgets(line, sizeof line, f); first = 0) {
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[4];
        if (first || csv_fields(line, fld, 4) < 4) {
            continue;
        }
        if (fld[0][0]) {
            end_sentence(c, pd, 0);
        }
        push_word(c, pd, fld[1], strlen(fld[1]), tag_type(fld[3]), fld[3][0] == 'B');
    }
    /* the last sentence is cut off: drop it */
    if (rc == 0) {
        c->ntok -= pd->n;
        finish(c);
        fclose(f);
    }
    ner_map_free(&pd->titles);
    free(pd);
    return rc;
}

int ner_corpus_read_conll(ner_corpus_t *c, const char *path, const char *titles_path, unsigned opts,
                          char *errstr, size_t errlen)
{
    pending_t *pd = ds_xcalloc(1, sizeof *pd);
    pd->opts = opts;
    int rc = load_titles(pd, titles_path, errstr, errlen);
    FILE *f = rc == 0 ? fopen(path, "r") : NULL;
    if (rc == 0 && !f) {
        snprintf(errstr, errlen, "cannot read %s", path);
        rc = DS_EIO;
    }
    char line[4096];
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab) {
            end_sentence(c, pd, opts);
            continue;
        }
        *tab = '\0';
        push_word(c, pd, line, strlen(line), tag_type(tab + 1), tab[1] == 'B');
    }
    if (rc == 0) {
        end_sentence(c, pd, opts);
        finish(c);
        fclose(f);
    }
    ner_map_free(&pd->titles);
    free(pd);
    return rc;
}

void ner_corpus_free(ner_corpus_t *c)
{
    ds_buf_free(&c->text);
    free(c->off);
    free(c->word);
    free(c->len);
    free(c->label);
    free(c->sent);
    memset(c, 0, sizeof *c);
}

/* Span list of a label sequence: type per span start, written to start/end/type. */
static size_t spans(const uint8_t *lab, size_t n, uint32_t *start, uint32_t *end, uint8_t *type)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int part = NER_LABEL_PART(lab[i]);
        if (part == NER_U || part == NER_B) {
            size_t e = i + 1;
            while (part == NER_B && e < n && NER_LABEL_PART(lab[e]) == NER_I) {
                e++;
            }
            if (part == NER_B && (e >= n || NER_LABEL_PART(lab[e]) != NER_L)) {
                continue; /* malformed: not a span */
            }
            int t = NER_LABEL_TYPE(lab[i]);
            start[k] = (uint32_t)i, end[k] = (uint32_t)(part == NER_U ? i + 1 : e + 1);
            type[k++] = (uint8_t)(t == NER_NORP ? NER_LOC : t);
        }
    }
    return k;
}

void ner_score_add(ner_score_t *s, const uint8_t *gold, const uint8_t *pred, size_t n)
{
    uint32_t *gs = ds_xmalloc(n * 8 + 8), *ps = ds_xmalloc(n * 8 + 8);
    uint8_t *gt = ds_xmalloc(n + 1), *pt = ds_xmalloc(n + 1);
    size_t ng = spans(gold, n, gs, gs + n, gt), np = spans(pred, n, ps, ps + n, pt);
    for (size_t i = 0; i < np; i++) {
        int hit = 0;
        for (size_t j = 0; j < ng && !hit; j++) {
            hit = gs[j] == ps[i] && gs[n + j] == ps[n + i] && gt[j] == pt[i];
        }
        if (hit) {
            s->tp[pt[i]]++;
        } else {
            s->fp[pt[i]]++;
        }
    }
    for (size_t j = 0; j < ng; j++) {
        int hit = 0;
        for (size_t i = 0; i < np && !hit; i++) {
            hit = gs[j] == ps[i] && gs[n + j] == ps[n + i] && gt[j] == pt[i];
        }
        if (!hit) {
            s->fn[gt[j]]++;
        }
    }
    free(gs), free(ps), free(gt), free(pt);
}

void ner_score_prf(const ner_score_t *s, int type, double *p, double *r, double *f)
{
    size_t tp = 0, fp = 0, fn = 0;
    for (int t = 0; t < NER_NORP; t++) {
        if (type < 0 || type == t) {
            tp += s->tp[t], fp += s->fp[t], fn += s->fn[t];
        }
    }
    *p = tp + fp ? 100.0 * (double)tp / (double)(tp + fp) : 0;
    *r = tp + fn ? 100.0 * (double)tp / (double)(tp + fn) : 0;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}
