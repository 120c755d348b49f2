/* ner.c: loading the entity stage's data and running it over a document.
 *
 * ner_run tags each sentence (in chunks of at most NER_CHUNK tokens, so memory stays
 * bounded whatever the input), turns BILOU labels into mentions, and hands them to
 * the rule, coreference and place stages (see ner_internal.h for the order).
 */
#include "ner_internal.h"

#include "ds_mem.h"
#include "ner_stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t ner_span_key(const engine_doc_t *d, size_t first, size_t end)
{
    ner_phash_t ph;
    ner_phash_init(&ph);
    for (size_t i = first; i < end; i++) {
        if (i > first && d->toks[i].start > d->toks[i - 1].end) {
            ner_phash_space(&ph);
        }
        ner_phash_add(&ph, ner_tok_text(d, i), ner_tok_len(d, i));
    }
    return ner_phash_final(&ph);
}

void ner_add_prefixes(ner_map_t *map, const char *phrase, size_t len)
{
    for (size_t p = 1; p <= len; p++) {
        *ner_map_put(map, ner_phrase_key(phrase, p), 0) = 1;
    }
}

bool ner_tok_cap(const engine_doc_t *d, size_t i)
{
    const unsigned char *s = (const unsigned char *)ner_tok_text(d, i);
    size_t n = ner_tok_len(d, i);
    return n > 0 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] == 0xC3 && n > 1 && s[1] < 0x9F));
}

uint32_t ner_gaz_span(const ner_run_t *run, size_t first, size_t end)
{
    return ner_gaz_classes(run->ner->gaz, ner_span_key(run->doc, first, end));
}

bool ner_tok_is(const engine_doc_t *d, size_t i, const char *word)
{
    size_t n = strlen(word);
    return ner_tok_len(d, i) == n && strncasecmp(ner_tok_text(d, i), word, n) == 0;
}

const geo_place_t *ner_country_at(const ner_t *ner, const engine_doc_t *d, size_t first, size_t end)
{
    if (end == first + 1) {
        /* "then-Iranian", "pro-American": the part after the last hyphen */
        const char *s = ner_tok_text(d, first), *h = memrchr(s, '-', ner_tok_len(d, first));
        if (h && h + 1 < s + ner_tok_len(d, first)) {
            uint64_t k = ner_phrase_key(h + 1, (size_t)(s + ner_tok_len(d, first) - h - 1));
            const geo_place_t *p = geo_demonym(ner->geo, k);
            if (p) {
                return p;
            }
        }
    }
    uint64_t key = ner_span_key(d, first, end);
    const geo_place_t *p = geo_demonym(ner->geo, key);
    if (p) {
        return p;
    }
    const geo_place_t *cand[1];
    if (geo_find(ner->geo, key, cand, 1) == 1 && cand[0]->kind == GEO_COUNTRY) {
        return cand[0];
    }
    return NULL;
}

/* roles.tsv: phrase<TAB>canonical role<TAB>implied country (may be empty). */
static int load_roles(ner_t *ner, const char *dir, char *errstr, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ner/roles.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errlen, "ner: cannot read %s", path);
        return DS_EIO;
    }
    ds_buf_t buf = DS_BUF_INIT;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '#' && strchr(line, '\t')) {
            ds_buf_puts(&buf, line);
        }
    }
    fclose(f);
    ner->roles_buf = ds_buf_detach(&buf, NULL);
    size_t cap = 64;
    ner->role_list = ds_xmalloc(cap * sizeof *ner->role_list);
    ner_map_init(&ner->roles, 512);
    ner_map_init(&ner->role_pre, 4096);
    for (char *l = ner->roles_buf, *nl; l && *l; l = nl) {
        nl = strchr(l, '\n');
        if (nl) {
            *nl++ = '\0';
        }
        char *f1 = strchr(l, '\t'), *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
        *f1 = '\0';
        if (f2) {
            *f2++ = '\0';
        }
        if (ner->n_roles == cap) {
            ner->role_list = ds_xrealloc(ner->role_list, (cap *= 2) * sizeof *ner->role_list);
        }
        ner_role_t *r = &ner->role_list[ner->n_roles];
        r->canon = f1 + 1;
        snprintf(r->cc, sizeof r->cc, "%.2s", f2 ? f2 : "");
        *ner_map_put(&ner->roles, ner_phrase_key(l, strlen(l)), 0) = (uint32_t)++ner->n_roles;
        ner_add_prefixes(&ner->role_pre, l, strlen(l));
    }
    return 0;
}

/* names.tsv: TYPE<TAB>name of well-known entities. */
static int load_known(ner_t *ner, const char *dir, char *errstr, size_t errlen)
{
    static const char *const types[] = {"PERSON", "ORG", "LOCATION", "NORP"};
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/ner/names.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errlen, "ner: cannot read %s", path);
        return DS_EIO;
    }
    ner_map_init(&ner->known, 256);
    ner_map_init(&ner->known_pre, 2048);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) {
            continue;
        }
        *tab = '\0';
        for (uint32_t t = 0; t < 4; t++) {
            if (strcmp(line, types[t]) == 0) {
                *ner_map_put(&ner->known, ner_phrase_key(tab + 1, strlen(tab + 1)), 0) = t + 1;
                ner_add_prefixes(&ner->known_pre, tab + 1, strlen(tab + 1));
            }
        }
    }
    fclose(f);
    return 0;
}

ner_t *ner_load(const char *data_dir, char *errstr, size_t errlen)
{
    char path[4096];
    ner_t *ner = ds_xcalloc(1, sizeof *ner);
    ner->work = ds_xcalloc(1, sizeof *ner->work);
    ner->geo = geo_load(data_dir, errstr, errlen);
    if (!ner->geo) {
        goto fail;
    }
    ner->gaz = ner_gaz_new();
    if (ner_gaz_load_all(ner->gaz, ner->geo, data_dir, NULL, errstr, errlen) != 0) {
        goto fail;
    }
    snprintf(path, sizeof path, "%s/ner/model.bin", data_dir);
    ner->model = ner_model_load(path, errstr, errlen);
    if (!ner->model || load_roles(ner, data_dir, errstr, errlen) != 0 ||
        load_known(ner, data_dir, errstr, errlen) != 0) {
        goto fail;
    }
    snprintf(path, sizeof path, "%s/ner/model2.bin", data_dir);
    if (access(path, F_OK) == 0 && !(ner->model2 = ner_model_load(path, errstr, errlen))) {
        goto fail;
    }

    /* propagating found names to untagged repeats cost 0.1 F1 on GMB dev (it spreads
     * the tagger's errors); the other rules help there or carry issue 6's behaviours */
    ner->rules_off = NER_RULE_PROPAGATE;
    return ner;
fail:
    ner_destroy(&ner);
    return NULL;
}

void ner_destroy(ner_t **self_p)
{
    ner_t *ner = self_p ? *self_p : NULL;
    if (!ner) {
        return;
    }
    geo_destroy(&ner->geo);
    ner_gaz_destroy(&ner->gaz);
    ner_model_destroy(&ner->model);
    ner_model_destroy(&ner->model2);
    if (ner->work) {
        ner_doc_work_free(ner->work);
        free(ner->work);
    }
    if (ner->role_list) {
        ner_map_free(&ner->roles);
        ner_map_free(&ner->role_pre);
    }
    if (ner->known.cap) {
        ner_map_free(&ner->known);
        ner_map_free(&ner->known_pre);
    }
    free(ner->role_list);
    free(ner->roles_buf);
    free(ner);
    *self_p = NULL;
}

void ner_mention_update(const engine_doc_t *d, ner_mention_t *m)
{
    m->bstart = d->toks[m->first].start;
    m->bend = d->toks[m->end - 1].end;
    m->key = ner_span_key(d, m->first, m->end);
}

ner_mention_t *ner_add_mention(ner_run_t *run, uint32_t first, uint32_t end, uint32_t sent, int type)
{
    if (run->nm == run->cap_m) {
        run->cap_m = run->cap_m ? run->cap_m * 2 : 64;
        run->m = ds_xrealloc(run->m, run->cap_m * sizeof *run->m);
    }
    ner_mention_t *m = &run->m[run->nm++];
    memset(m, 0, sizeof *m);
    m->first = first, m->end = end, m->sent = sent, m->type = (uint8_t)type;
    m->role = -1, m->ent = -1;
    ner_mention_update(run->doc, m);
    return m;
}

static int check_doc(const engine_doc_t *d, char *errstr, size_t errlen)
{
    for (size_t i = 0; i < d->n_toks; i++) {
        if (d->toks[i].start > d->toks[i].end || d->toks[i].end > d->len ||
            (i > 0 && d->toks[i].start < d->toks[i - 1].end)) {
            snprintf(errstr, errlen, "ner: token %zu has a bad span", i);
            return DS_EINVAL;
        }
    }
    for (size_t s = 0; s < d->n_sents; s++) {
        if (d->sents[s].tok_first > d->sents[s].tok_end || d->sents[s].tok_end > d->n_toks) {
            snprintf(errstr, errlen, "ner: sentence %zu has a bad token range", s);
            return DS_EINVAL;
        }
    }
    return 0;
}

static void extract(ner_run_t *run, uint32_t sent, size_t first, size_t end)
{
    const uint8_t *lab = run->labels;
    for (size_t i = first; i < end; i++) {
        int part = NER_LABEL_PART(lab[i]);
        if (part != NER_B && part != NER_U) {
            continue;
        }
        size_t e = i + 1;
        while (part == NER_B && e < end && NER_LABEL_PART(lab[e - 1]) != NER_L) {
            e++;
        }
        ner_add_mention(run, (uint32_t)i, (uint32_t)e, sent, NER_LABEL_TYPE(lab[i]));
        i = e - 1;
    }
}

/* Sentence spans of at most NER_CHUNK tokens (so a run-on "sentence" costs bounded
 * scratch per span); returns their count, spans[count] being the end. */
static size_t chunk_spans(const engine_doc_t *d, size_t *spans, uint32_t *sent_of)
{
    size_t k = 0;
    for (size_t s = 0; s < d->n_sents; s++) {
        size_t first = d->sents[s].tok_first, end = d->sents[s].tok_end;
        for (size_t c = first; c < end; c += NER_CHUNK) {
            spans[k] = c, sent_of[k++] = (uint32_t)s;
            spans[k] = end - c > NER_CHUNK ? c + NER_CHUNK : end;
        }
    }
    return k;
}

static void tag_doc(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    size_t n = d->n_toks, maxspans = d->n_sents + n / NER_CHUNK + 2;
    const char **s = ds_xmalloc((n + 1) * sizeof *s);
    uint32_t *len = ds_xmalloc((n + 1) * sizeof *len), *sent_of = ds_xmalloc(maxspans * sizeof *sent_of);
    uint8_t *space = ds_xmalloc(n + 1);
    size_t *spans = ds_xmalloc((maxspans + 1) * sizeof *spans);
    for (size_t i = 0; i < n; i++) {
        s[i] = ner_tok_text(d, i);
        len[i] = ner_tok_len(d, i);
        space[i] = i > 0 && d->toks[i].start > d->toks[i - 1].end;
    }
    size_t nspan = chunk_spans(d, spans, sent_of);
    ner_tag_doc(run->ner->model, run->ner->model2, run->ner->gaz, s, len, space, spans, nspan, run->ner->work,
                run->labels);
    for (size_t k = 0; k < nspan; k++) {
        extract(run, sent_of[k], spans[k], spans[k + 1]);
    }
    free(s), free(len), free(sent_of), free(space), free(spans);
}

int ner_run(const ner_t *ner, const engine_doc_t *doc, ner_result_t **out, char *errstr, size_t errlen)
{
    *out = NULL;
    int rc = check_doc(doc, errstr, errlen);
    if (rc != 0) {
        return rc;
    }
    ner_run_t run = {.ner = ner, .doc = doc};
    run.labels = ds_xcalloc(doc->n_toks + 1, 1);
    tag_doc(&run);
    ner_rules(&run);
    ner_coref(&run);
    ner_places(&run);
    *out = ner_result_build(&run);
    free(run.labels);
    free(run.m);
    free(run.e);
    return 0;
}

void ner_set_rules_off(ner_t *ner, unsigned mask)
{
    ner->rules_off = mask;
}

const struct ner_model *ner_model_of(const ner_t *ner)
{
    return ner->model;
}

const struct ner_model *ner_model2_of(const ner_t *ner)
{
    return ner->model2;
}

const struct ner_gaz *ner_gaz_of(const ner_t *ner)
{
    return ner->gaz;
}
