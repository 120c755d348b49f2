/* ner_coref.c: groups mentions into entities and scores their salience.
 *
 * Longer mentions are placed first, so they anchor entities; a shorter one then joins
 * the entity whose name it repeats exactly, ends ("Mottaki" -> "Manouchehr Mottaki"),
 * opens for places ("Sharm" -> "Sharm el-Sheikh") or abbreviates ("IAEA" ->
 * "International Atomic Energy Agency").  Every name of one country ("US", "U.S.",
 * "America") is one entity; demonyms of one country are one NORP entity.  Salience
 * adds, per mention, a weight for frequency, the title and lead sentences and early
 * position, scaled so the most salient entity scores 1.
 */
#include "ner_internal.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    ner_map_t exact;    /* type-mixed phrase key -> entity + 1 */
    ner_map_t suffix;   /* person: last word(s) key -> entity + 1, 0 when ambiguous */
    ner_map_t prefix;   /* location: first word key -> entity + 1 */
    ner_map_t initials; /* organisation: hash of initials -> entity + 1 */
    ner_map_t country;  /* country code -> entity + 1 (one per country and type) */
} index_t;

static uint64_t typed(uint64_t key, int type)
{
    return ner_mix(key, (uint64_t)type + 1);
}

/* Initials of the capitalised words of tokens [first, end): "International Atomic Energy Agency" -> IAEA. */
static size_t initials(const engine_doc_t *d, size_t first, size_t end, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = first; i < end && n + 1 < cap; i++) {
        char c = ner_tok_text(d, i)[0];
        if (c >= 'A' && c <= 'Z') {
            out[n++] = c;
        }
    }
    out[n] = '\0';
    return n;
}

static bool is_acronym(const engine_doc_t *d, const ner_mention_t *m)
{
    if (m->end - m->first != 1 || ner_tok_len(d, m->first) < 2 || ner_tok_len(d, m->first) > 8) {
        return false;
    }
    const char *s = ner_tok_text(d, m->first);
    for (size_t i = 0; i < ner_tok_len(d, m->first); i++) {
        if (s[i] < 'A' || s[i] > 'Z') {
            return false;
        }
    }
    return true;
}

static uint32_t new_entity(ner_run_t *run, uint32_t mi)
{
    ner_ent_t *e = &run->e[run->ne];
    memset(e, 0, sizeof *e);
    e->canon = mi;
    e->type = run->m[mi].type;
    e->role = -1;
    return (uint32_t)run->ne++;
}

static void register_names(ner_run_t *run, index_t *ix, uint32_t mi, uint32_t ent)
{
    const engine_doc_t *d = run->doc;
    const ner_mention_t *m = &run->m[mi];
    *ner_map_put(&ix->exact, typed(m->key, m->type), 0) = ent + 1;
    size_t n = m->end - m->first;
    if (m->type == NER_PER && n >= 2) {
        for (size_t k = 1; k < n && k <= 2; k++) {
            uint32_t *v = ner_map_put(&ix->suffix, ner_span_key(d, m->end - k, m->end), ent + 1);
            *v = *v == ent + 1 ? *v : 0;
        }
    }
    if (m->type == NER_LOC && n >= 2) {
        *ner_map_put(&ix->prefix, ner_span_key(d, m->first, m->first + 1), ent + 1) = ent + 1;
    }
    char ini[16];
    if (m->type == NER_ORG && n >= 2 && initials(d, m->first, m->end, ini, sizeof ini) >= 2) {
        *ner_map_put(&ix->initials, ner_hash(ini, strlen(ini)), ent + 1) = ent + 1;
    }
}

/* The entity an unplaced mention joins, or -1. */
static long find_entity(ner_run_t *run, index_t *ix, uint32_t mi)
{
    const engine_doc_t *d = run->doc;
    const ner_mention_t *m = &run->m[mi];
    const uint32_t *v = ner_map_get(&ix->exact, typed(m->key, m->type));
    if (!v && m->type == NER_PER) {
        v = ner_map_get(&ix->suffix, m->key);
    }
    const uint32_t places = (1u << NER_GAZ_COUNTRY) | (1u << NER_GAZ_CITY) | (1u << NER_GAZ_ADMIN1) |
                            (1u << NER_GAZ_REGION) | (1u << NER_GAZ_DEMONYM);
    if (!v && m->type != NER_PER && m->end - m->first == 1 &&
        !(ner_gaz_span(run, m->first, m->end) & places)) {
        /* a lone word that is the surname of a person of the document, and no place
         * name, is that person whatever the tagger typed it ("Mottaki's") */
        v = ner_map_get(&ix->suffix, m->key);
        if (v && *v) {
            run->m[mi].type = NER_PER;
        }
    }
    if (!v && m->type == NER_LOC && m->end - m->first == 1) {
        v = ner_map_get(&ix->prefix, m->key);
    }
    if (!v && m->type == NER_ORG && is_acronym(d, m)) {
        v = ner_map_get(&ix->initials, ner_hash(ner_tok_text(d, m->first), ner_tok_len(d, m->first)));
    }
    if (!v && m->type != NER_PER) {
        const geo_place_t *p = ner_country_at(run->ner, d, m->first, m->end), *c[1];
        bool country_name =
            m->type != NER_NORP && geo_find(run->ner->geo, m->key, c, 1) == 1 && c[0]->kind == GEO_COUNTRY;
        p = country_name ? c[0] : p;
        if (p && (country_name || m->type == NER_NORP)) {
            v = ner_map_get(&ix->country, typed(ner_hash(p->cc, 2), m->type));
            if (!v) {
                uint32_t e = new_entity(run, mi);
                run->e[e].place = p;
                *ner_map_put(&ix->country, typed(ner_hash(p->cc, 2), m->type), 0) = e + 1;
                return e;
            }
        }
    }
    return v && *v ? (long)*v - 1 : -1;
}

static int by_length(const void *a, const void *b, void *ctx)
{
    const ner_mention_t *m = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t lx = m[x].end - m[x].first, ly = m[y].end - m[y].first;
    if (lx != ly) {
        return lx > ly ? -1 : 1;
    }
    return x < y ? -1 : x > y;
}

static void attach(ner_run_t *run, uint32_t mi, uint32_t ent)
{
    ner_mention_t *m = &run->m[mi];
    ner_ent_t *e = &run->e[ent];
    m->ent = (int32_t)ent;
    e->count++;
    if (e->role < 0 && m->role >= 0) {
        e->role = (int32_t)mi; /* the mention that carries the role */
    }
    if (!e->cc[0] && m->cc[0]) {
        memcpy(e->cc, m->cc, 3);
    }
}

static void salience(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    double *score = ds_xcalloc(run->ne + 1, sizeof *score), best = 0;
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        if (m->ent < 0) {
            continue;
        }
        double w = 1.0 + (m->sent == 0 ? 1.0 : 0) + (m->sent < 3 ? 0.5 : 0);
        w += 0.5 * (1.0 - (double)d->toks[m->first].start / (double)(d->len + 1));
        double tone = d->sents[m->sent].tone;
        w += 0.02 * (tone < 0 ? -tone : tone > 10 ? 10 : tone);
        score[m->ent] += w;
    }
    for (size_t e = 0; e < run->ne; e++) {
        best = score[e] > best ? score[e] : best;
    }
    for (size_t e = 0; e < run->ne; e++) {
        run->e[e].salience = best > 0 ? score[e] / best : 0;
    }
    free(score);
}

void ner_coref(ner_run_t *run)
{
    index_t ix;
    ner_map_init(&ix.exact, run->nm + 1);
    ner_map_init(&ix.suffix, 64);
    ner_map_init(&ix.prefix, 64);
    ner_map_init(&ix.initials, 64);
    ner_map_init(&ix.country, 64);
    uint32_t *order = ds_xmalloc((run->nm + 1) * sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < run->nm; i++) {
        if (!run->m[i].dropped) {
            order[n++] = (uint32_t)i;
        }
    }
    qsort_r(order, n, sizeof *order, by_length, run->m);
    run->e = ds_xmalloc((n + 1) * sizeof *run->e);
    run->ne = 0;
    for (size_t k = 0; k < n; k++) {
        long ent = find_entity(run, &ix, order[k]);
        if (ent < 0) {
            ent = new_entity(run, order[k]);
        }
        register_names(run, &ix, order[k], (uint32_t)ent);
        attach(run, order[k], (uint32_t)ent);
    }
    free(order);
    ner_map_free(&ix.exact);
    ner_map_free(&ix.suffix);
    ner_map_free(&ix.prefix);
    ner_map_free(&ix.initials);
    ner_map_free(&ix.country);
    salience(run);
}
