/* ner_result.c: the entity stage's result: building it from a run, its JSON, the
 * accessors the worker and tests use, and freeing it.
 *
 * Every string the result hands out is owned by it (strs) and lives until
 * ner_result_destroy.  Entities are ordered by salience, then by first mention;
 * countries by mentions, then code; locations by mentions.
 */
#include "ner_internal.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ALIASES 8

struct ner_result {
    ner_entity_t *ents;
    size_t n_ents;
    uint32_t *mtok; /* per mention: first token, end token, type (for labels) */
    size_t n_mtok;
    ner_country_t *countries;
    size_t n_countries;
    ner_location_t *locs;
    size_t n_locs;
    engine_entity_key_t *keys;
    const char **codes;
    char **strs;
    size_t n_strs, cap_strs;
};

static const char *const type_names[NER_NKINDS] = {"PERSON", "ORG", "LOCATION", "NORP", "MISC"};

static char *own(ner_result_t *r, char *s)
{
    if (r->n_strs == r->cap_strs) {
        r->cap_strs = r->cap_strs ? r->cap_strs * 2 : 64;
        r->strs = ds_xrealloc(r->strs, r->cap_strs * sizeof *r->strs);
    }
    return r->strs[r->n_strs++] = s;
}

/* Text of bytes [start, end) with each run of white space as one space. */
static char *byte_text(const engine_doc_t *d, size_t start, size_t end)
{
    ds_buf_t b = DS_BUF_INIT;
    bool gap = false;
    for (size_t i = start; i < end; i++) {
        char c = d->text[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            gap = true;
            continue;
        }
        if (gap && b.len) {
            ds_buf_putc(&b, ' ');
        }
        gap = false;
        ds_buf_putc(&b, c);
    }
    return ds_buf_detach(&b, NULL);
}

static char *span_text(const engine_doc_t *d, size_t first, size_t end)
{
    return byte_text(d, d->toks[first].start, d->toks[end - 1].end);
}

static char *mention_text(const engine_doc_t *d, const ner_mention_t *m)
{
    return byte_text(d, m->bstart, m->bend);
}

static const char *role_text(ner_result_t *r, const ner_run_t *run, const ner_mention_t *m)
{
    const char *canon = run->ner->role_list[m->role].canon;
    if (m->tail_end <= m->tail_first) {
        return canon;
    }
    char *tail = span_text(run->doc, m->tail_first, m->tail_end);
    ds_buf_t b = DS_BUF_INIT;
    ds_buf_printf(&b, "%s %s", canon, tail);
    free(tail);
    return own(r, ds_buf_detach(&b, NULL));
}

static char *norm_key(const char *name)
{
    char *s = ds_xstrdup(name);
    for (char *p = s; *p; p++) {
        *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : (*p == ' ' ? '_' : *p);
    }
    return s;
}

static void add_aliases(ner_result_t *r, const ner_run_t *run, uint32_t ent, ner_entity_t *out)
{
    const char **al = ds_xcalloc(MAX_ALIASES, sizeof *al);
    own(r, (char *)al);
    for (size_t i = 0; i < run->nm && out->n_aliases < MAX_ALIASES; i++) {
        const ner_mention_t *m = &run->m[i];
        if (m->ent != (int32_t)ent) {
            continue;
        }
        char *t = mention_text(run->doc, m);
        bool dup = strcmp(t, out->name) == 0;
        for (size_t k = 0; k < out->n_aliases && !dup; k++) {
            dup = strcmp(al[k], t) == 0;
        }
        if (dup) {
            free(t);
        } else {
            al[out->n_aliases++] = own(r, t);
        }
    }
    out->aliases = al;
}

/* The mention has letters and none of them lowercase. */
static bool caps_only(const engine_doc_t *d, const ner_mention_t *m)
{
    bool letters = false;
    for (uint32_t b = m->bstart; b < m->bend; b++) {
        char c = d->text[b];
        if (c >= 'a' && c <= 'z') {
            return false;
        }
        letters |= c >= 'A' && c <= 'Z';
    }
    return letters;
}

static void build_entity(ner_result_t *r, const ner_run_t *run, uint32_t ent, ner_entity_t *out)
{
    const ner_ent_t *e = &run->e[ent];
    const ner_mention_t *cm = &run->m[e->canon];
    memset(out, 0, sizeof *out);
    /* a country by its own name; a place written in capitals ("SANTIAGO (Reuters)") by
     * the map's spelling, as its name is no acronym */
    if (e->place && e->type == NER_LOC &&
        (e->place->kind == GEO_COUNTRY || (cm->bend - cm->bstart > 3 && caps_only(run->doc, cm)))) {
        out->name = e->place->name;
    } else {
        out->name = own(r, mention_text(run->doc, cm));
    }
    out->type = type_names[e->type];
    out->role = e->role >= 0 ? role_text(r, run, &run->m[e->role]) : NULL;
    out->country = own(r, ds_xstrdup(e->cc));
    out->salience = e->salience;
    uint32_t *pairs = ds_xmalloc((e->count + 1) * 2 * sizeof *pairs);
    own(r, (char *)pairs);
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        if (m->ent == (int32_t)ent) {
            pairs[2 * out->count] = m->bstart;
            pairs[2 * out->count + 1] = m->bend;
            out->count++;
        }
    }
    out->mentions = pairs;
    add_aliases(r, run, ent, out);
}

static int by_salience(const void *a, const void *b, void *ctx)
{
    const ner_run_t *run = ctx;
    const ner_ent_t *x = &run->e[*(const uint32_t *)a], *y = &run->e[*(const uint32_t *)b];
    if (x->salience != y->salience) {
        return x->salience > y->salience ? -1 : 1;
    }
    return run->m[x->canon].first < run->m[y->canon].first ? -1 : 1;
}

static void build_countries(ner_result_t *r, const ner_run_t *run)
{
    r->countries = ds_xcalloc(run->ne + 1, sizeof *r->countries);
    for (size_t i = 0; i < run->ne; i++) {
        const ner_ent_t *e = &run->e[i];
        bool named = e->place && e->place->kind == GEO_COUNTRY && e->type != NER_PER;
        if (!named) {
            continue;
        }
        size_t k = 0;
        while (k < r->n_countries && strcmp(r->countries[k].code, e->place->cc) != 0) {
            k++;
        }
        if (k == r->n_countries) {
            memcpy(r->countries[k].code, e->place->cc, 3);
            r->countries[k].name = e->place->name;
            r->n_countries++;
        }
        r->countries[k].mentions += e->count;
    }
}

static int by_mentions(const void *a, const void *b)
{
    const ner_country_t *x = a, *y = b;
    if (x->mentions != y->mentions) {
        return x->mentions > y->mentions ? -1 : 1;
    }
    return strcmp(x->code, y->code);
}

static void build_locations(ner_result_t *r, const ner_run_t *run, const uint32_t *order)
{
    r->locs = ds_xcalloc(r->n_ents + 1, sizeof *r->locs);
    for (size_t i = 0; i < r->n_ents; i++) {
        const ner_ent_t *e = &run->e[order[i]];
        if (e->type != NER_LOC || !e->place) {
            continue;
        }
        ner_location_t *l = &r->locs[r->n_locs++];
        l->name = r->ents[i].name;
        l->kind = geo_kind_name(e->place->kind);
        memcpy(l->country, e->place->cc, 3);
        l->lat = e->place->lat, l->lon = e->place->lon;
        l->mentions = r->ents[i].count;
    }
}

static void build_keys(ner_result_t *r)
{
    r->keys = ds_xcalloc(r->n_ents + 1, sizeof *r->keys);
    for (size_t i = 0; i < r->n_ents; i++) {
        r->keys[i].type = r->ents[i].type;
        r->keys[i].norm = own(r, norm_key(r->ents[i].name));
    }
    r->codes = ds_xcalloc(r->n_countries + 1, sizeof *r->codes);
    for (size_t i = 0; i < r->n_countries; i++) {
        r->codes[i] = r->countries[i].code;
    }
}

ner_result_t *ner_result_build(ner_run_t *run)
{
    ner_result_t *r = ds_xcalloc(1, sizeof *r);
    uint32_t *order = ds_xmalloc((run->ne + 1) * sizeof *order);
    for (size_t i = 0; i < run->ne; i++) {
        order[i] = (uint32_t)i;
    }
    qsort_r(order, run->ne, sizeof *order, by_salience, run);
    r->n_ents = run->ne;
    r->ents = ds_xcalloc(run->ne + 1, sizeof *r->ents);
    for (size_t i = 0; i < run->ne; i++) {
        build_entity(r, run, order[i], &r->ents[i]);
    }
    r->mtok = ds_xmalloc((run->nm + 1) * 3 * sizeof *r->mtok);
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        if (m->ent >= 0 && !m->sub) {
            uint32_t *t = r->mtok + 3 * r->n_mtok++;
            t[0] = m->first, t[1] = m->end, t[2] = run->e[m->ent].type;
        }
    }
    build_countries(r, run);
    qsort(r->countries, r->n_countries, sizeof *r->countries, by_mentions);
    build_locations(r, run, order);
    build_keys(r);
    free(order);
    return r;
}

static void json_entity(const ner_entity_t *e, ds_json_t *j)
{
    ds_json_obj_open(j);
    ds_json_key(j, "name");
    ds_json_str(j, e->name);
    ds_json_key(j, "type");
    ds_json_str(j, e->type);
    ds_json_key(j, "count");
    ds_json_int(j, e->count);
    ds_json_key(j, "mentions");
    ds_json_arr_open(j);
    for (uint32_t k = 0; k < e->count; k++) {
        ds_json_arr_open(j);
        ds_json_int(j, e->mentions[2 * k]);
        ds_json_int(j, e->mentions[2 * k + 1]);
        ds_json_arr_close(j);
    }
    ds_json_arr_close(j);
    ds_json_key(j, "aliases");
    ds_json_arr_open(j);
    for (size_t k = 0; k < e->n_aliases; k++) {
        ds_json_str(j, e->aliases[k]);
    }
    ds_json_arr_close(j);
    if (e->role) {
        ds_json_key(j, "role");
        ds_json_str(j, e->role);
    }
    if (e->country[0]) {
        ds_json_key(j, "country");
        ds_json_str(j, e->country);
    }
    ds_json_key(j, "salience");
    ds_json_double(j, e->salience, 4);
    ds_json_obj_close(j);
}

void ner_result_json(const ner_result_t *r, ds_json_t *j)
{
    ds_json_key(j, "entities");
    ds_json_arr_open(j);
    for (size_t i = 0; r && i < r->n_ents; i++) {
        json_entity(&r->ents[i], j);
    }
    ds_json_arr_close(j);
    ds_json_key(j, "countries");
    ds_json_arr_open(j);
    for (size_t i = 0; r && i < r->n_countries; i++) {
        ds_json_obj_open(j);
        ds_json_key(j, "code");
        ds_json_str(j, r->countries[i].code);
        ds_json_key(j, "name");
        ds_json_str(j, r->countries[i].name);
        ds_json_key(j, "mentions");
        ds_json_int(j, r->countries[i].mentions);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
    ds_json_key(j, "locations");
    ds_json_arr_open(j);
    for (size_t i = 0; r && i < r->n_locs; i++) {
        const ner_location_t *l = &r->locs[i];
        ds_json_obj_open(j);
        ds_json_key(j, "name");
        ds_json_str(j, l->name);
        ds_json_key(j, "kind");
        ds_json_str(j, l->kind);
        ds_json_key(j, "country");
        ds_json_str(j, l->country);
        ds_json_key(j, "lat");
        ds_json_double(j, l->lat, 4);
        ds_json_key(j, "lon");
        ds_json_double(j, l->lon, 4);
        ds_json_key(j, "mentions");
        ds_json_int(j, l->mentions);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
}

const ner_entity_t *ner_result_entities(const ner_result_t *r, size_t *n)
{
    *n = r ? r->n_ents : 0;
    return r ? r->ents : NULL;
}

const ner_country_t *ner_result_countries(const ner_result_t *r, size_t *n)
{
    *n = r ? r->n_countries : 0;
    return r ? r->countries : NULL;
}

const ner_location_t *ner_result_locations(const ner_result_t *r, size_t *n)
{
    *n = r ? r->n_locs : 0;
    return r ? r->locs : NULL;
}

const engine_entity_key_t *ner_result_keys(const ner_result_t *r, size_t *n)
{
    *n = r ? r->n_ents : 0;
    return r ? r->keys : NULL;
}

const char *const *ner_result_country_codes(const ner_result_t *r, size_t *n)
{
    *n = r ? r->n_countries : 0;
    return r ? r->codes : NULL;
}

void ner_result_labels(const ner_result_t *r, const engine_tok_t *toks, size_t n, uint8_t *labels)
{
    (void)toks;
    memset(labels, NER_O, n);
    for (size_t i = 0; r && i < r->n_mtok; i++) {
        const uint32_t *t = r->mtok + 3 * i;
        if (t[2] >= NER_NTYPES || t[1] > n) {
            continue;
        }
        for (uint32_t k = t[0]; k < t[1]; k++) {
            int part = t[1] - t[0] == 1 ? NER_U : k == t[0] ? NER_B : k + 1 == t[1] ? NER_L : NER_I;
            labels[k] = NER_LABEL(t[2], part);
        }
    }
}

void ner_result_destroy(ner_result_t **self_p)
{
    ner_result_t *r = self_p ? *self_p : NULL;
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n_strs; i++) {
        free(r->strs[i]);
    }
    free(r->strs);
    free(r->ents);
    free(r->mtok);
    free(r->countries);
    free(r->locs);
    free(r->keys);
    free(r->codes);
    free(r);
    *self_p = NULL;
}
