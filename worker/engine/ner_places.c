/* ner_places.c: puts LOCATION entities on the map and gives NORP entities their country.
 *
 * Countries resolve first (coreference already tied every name of a country to it), so
 * the set of countries a document names is known when a city or region is chosen.  A
 * candidate place scores by kind (a country or region name usually means that; an
 * admin1 needs its country in the document), by population, by whether the document
 * names its country, and most of all by an adjacent "Place, Qualifier" ("Atlanta,
 * Georgia": the qualifier picks the country, or the admin1 inside it).  PERSON and ORG
 * entities are never looked up, so "Michael Jordan" stays a person.
 */
#include "ner_internal.h"

#include <math.h>
#include <string.h>

#define MAX_CAND 16
#define MAX_DOC_CC 64

/* Countries the document names, with how many entities name each. */
typedef struct {
    char cc[MAX_DOC_CC][3];
    uint32_t count[MAX_DOC_CC];
    size_t n;
    const char *self; /* the country of the entity being placed, counted once less */
} ccset_t;

static bool cc_in(const ccset_t *s, const char *cc)
{
    for (size_t i = 0; i < s->n; i++) {
        if (cc[0] && strncmp(s->cc[i], cc, 2) == 0) {
            return s->count[i] > (s->self && strncmp(s->self, cc, 2) == 0 ? 1u : 0u);
        }
    }
    return false;
}

static void cc_add(ccset_t *s, const char *cc)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strncmp(s->cc[i], cc, 2) == 0) {
            s->count[i]++;
            return;
        }
    }
    if (cc[0] && s->n < MAX_DOC_CC) {
        memcpy(s->cc[s->n], cc, 3);
        s->count[s->n++] = 1;
    }
}

/* The country named right after a mention ("Atlanta, Georgia" -> the candidates of
 * "Georgia"), written to qual; returns how many. */
static size_t qualifier(const ner_run_t *run, const ner_mention_t *m, const geo_place_t **qual)
{
    const engine_doc_t *d = run->doc;
    size_t end = d->sents[m->sent].tok_end, i = m->end;
    if (i + 1 >= end || !ner_tok_is(d, i, ",")) {
        return 0;
    }
    for (size_t n = 3; n >= 1; n--) {
        if (i + 1 + n <= end) {
            size_t k = geo_find(run->ner->geo, ner_span_key(d, i + 1, i + 1 + n), qual, MAX_CAND);
            if (k) {
                return k;
            }
        }
    }
    return 0;
}

static double score(const geo_place_t *p, const ccset_t *doc, const geo_place_t *const *qual, size_t nq,
                    const geo_place_t *self_qual)
{
    static const double kind_prior[] = {4.0, 1.0, 0.0, 3.5, 3.0};
    double s = kind_prior[p->kind];
    if (p->kind == GEO_CITY) {
        s += log10((double)p->pop + 10.0) / 2.0;
    }
    if (cc_in(doc, p->cc)) {
        s += p->kind == GEO_ADMIN1 ? 3.0 : 2.0;
    }
    for (size_t q = 0; q < nq; q++) {
        if (qual[q]->kind == GEO_COUNTRY && strncmp(qual[q]->cc, p->cc, 2) == 0) {
            s += 10.0;
        } else if (qual[q]->kind == GEO_ADMIN1 && p->kind == GEO_CITY &&
                   strncmp(qual[q]->cc, p->cc, 2) == 0 && strcmp(qual[q]->admin1 + 3, p->admin1) == 0) {
            s += 12.0;
        }
    }
    if (self_qual && p->kind == GEO_ADMIN1 && strncmp(self_qual->cc, p->cc, 2) == 0) {
        s += 8.0; /* "Atlanta, Georgia": Georgia is the state of the US city before it */
    }
    return s;
}

static const geo_place_t *choose(const ner_run_t *run, const ner_ent_t *e, const ccset_t *doc)
{
    const ner_mention_t *m = &run->m[e->canon];
    const geo_place_t *cand[MAX_CAND], *qual[MAX_CAND];
    size_t nc = geo_find(run->ner->geo, m->key, cand, MAX_CAND);
    size_t nq = qualifier(run, m, qual);
    /* is this mention itself the qualifier of a place before it? */
    const geo_place_t *self_qual = NULL;
    const engine_doc_t *d = run->doc;
    if (m->first >= 2 && ner_tok_is(d, m->first - 1, ",")) {
        for (size_t i = 0; i < run->nm; i++) {
            const ner_mention_t *o = &run->m[i];
            if (o->end == m->first - 1 && o->ent >= 0 && run->e[o->ent].place) {
                self_qual = run->e[o->ent].place;
            }
        }
    }
    const geo_place_t *best = NULL;
    double bs = -1;
    for (size_t i = 0; i < nc; i++) {
        double s = score(cand[i], doc, qual, nq, self_qual);
        if (s > bs) {
            bs = s, best = cand[i];
        }
    }
    return best;
}

void ner_places(ner_run_t *run)
{
    ccset_t doc = {.n = 0};
    for (size_t i = 0; i < run->ne; i++) {
        ner_ent_t *e = &run->e[i];
        if (e->place && e->type != NER_PER) {
            memcpy(e->cc, e->place->cc, 3);
            cc_add(&doc, e->cc);
        }
    }
    /* cities first by mention order is not needed: two passes let a place before a
     * comma resolve, then the qualifier after it */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < run->ne; i++) {
            ner_ent_t *e = &run->e[i];
            if (e->type != NER_LOC) {
                continue;
            }
            doc.self = e->place ? e->place->cc : NULL;
            const geo_place_t *p = choose(run, e, &doc);
            /* a name that coreference tied to a country keeps it unless the context
             * picks another sense ("Atlanta, Georgia") */
            if (p && (!e->place || e->place->kind != GEO_COUNTRY || p->kind != GEO_COUNTRY)) {
                e->place = p;
                memcpy(e->cc, p->cc, 3);
            }
        }
    }
}
