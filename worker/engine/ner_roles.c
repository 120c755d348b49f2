/* ner_roles.c: titles and roles are attached to people, not swallowed by names.
 *
 * A role phrase (data/ner/roles.tsv, longest match) that overlaps the start of a
 * mention is cut off it: "State Powell" after "Secretary of" becomes PERSON "Powell"
 * with role Secretary of State; a mention inside a role ("Defense" of "Secretary of
 * Defense") or a role's tail ("Undersecretary for Political Affairs") is dropped.  A
 * person with no role inside looks left (across one appositive comma) for one:
 * "Iranian FM Kharrazi", "Undersecretary for Political Affairs, Nick Burns".  The
 * country comes from a demonym or country name before the role ("then-Iranian",
 * "Iran's"), else from the role itself (Secretary of State: US).
 */
#include "ner_internal.h"

#include <string.h>

#define is_cap ner_tok_cap
#define gaz_of(run, a, b) ner_gaz_span((run), (a), (b))
#define WINDOW 8

/* Index of the longest role phrase starting at token q and ending by limit, its length in *len.
 * The keys of [q, q + n) are ner_span_key's, hashed once for all n. */
static int role_at(const ner_run_t *run, size_t q, size_t limit, size_t *len)
{
    const engine_doc_t *d = run->doc;
    int best = -1;
    ner_phash_t ph;
    ner_phash_init(&ph);
    for (size_t n = 1; n <= NER_ROLE_MAX_TOKENS && q + n <= limit; n++) {
        size_t t = q + n - 1;
        if (n > 1 && d->toks[t].start > d->toks[t - 1].end) {
            ner_phash_space(&ph);
        }
        ner_phash_add(&ph, ner_tok_text(d, t), ner_tok_len(d, t));
        uint64_t key = ner_phash_final(&ph);
        if (!ner_map_get(&run->ner->role_pre, key)) {
            break; /* no role starts with these tokens */
        }
        const uint32_t *v = ner_map_get(&run->ner->roles, key);
        if (v) {
            best = (int)*v - 1, *len = n;
        }
    }
    return best;
}

static bool connector(const engine_doc_t *d, size_t i)
{
    return ner_tok_is(d, i, "of") || ner_tok_is(d, i, "for") || ner_tok_is(d, i, "the") ||
           ner_tok_is(d, i, "and") || ner_tok_is(d, i, "-");
}

/* Sets the mention's country from the words before a role at token q. */
static void role_country(const ner_run_t *run, ner_mention_t *m, size_t q)
{
    const engine_doc_t *d = run->doc;
    const geo_place_t *p = NULL;
    if (q >= 1) {
        p = ner_country_at(run->ner, d, q - 1, q);
    }
    if (!p && q >= 2 && (ner_tok_is(d, q - 1, "'s") || ner_tok_is(d, q - 1, "\xE2\x80\x99s"))) {
        p = ner_country_at(run->ner, d, q - 2, q - 1);
    }
    if (!p && q >= 2) {
        p = ner_country_at(run->ner, d, q - 2, q);
    }
    if (p) {
        memcpy(m->cc, p->cc, 3);
    } else if (m->role >= 0) {
        memcpy(m->cc, run->ner->role_list[m->role].cc, 3);
    }
}

/* Strips role words that open a person mention; returns true when it found some. */
static bool strip_inner_role(ner_run_t *run, ner_mention_t *m)
{
    bool found = false;
    for (;;) {
        size_t len = 0;
        int r = role_at(run, m->first, m->end - 1, &len);
        if (r < 0 && (gaz_of(run, m->first, m->first + 1) & (1u << NER_GAZ_TITLE)) && m->end - m->first > 1) {
            len = 1;
        }
        if (len == 0) {
            return found;
        }
        if (r >= 0 && run->ner->role_list[r].canon[0]) {
            m->role = r;
        }
        role_country(run, m, m->first);
        m->first += (uint32_t)len;
        while (m->end - m->first > 1 && connector(run->doc, m->first)) {
            m->first++;
        }
        found = true;
    }
}

/* Looks left of a person mention (past one appositive comma) for a role. */
static void find_outer_role(ner_run_t *run, ner_mention_t *m)
{
    const engine_doc_t *d = run->doc;
    size_t p = m->first, lo = d->sents[m->sent].tok_first;
    if (p > lo && ner_tok_is(d, p - 1, ",")) {
        p--;
    }
    size_t w0 = p;
    while (w0 > lo && p - w0 < WINDOW && run->labels[w0 - 1] == NER_O &&
           (is_cap(d, w0 - 1) || connector(d, w0 - 1))) {
        w0--;
    }
    for (size_t q = w0; q < p; q++) {
        size_t len = 0;
        int r = role_at(run, q, p, &len);
        if (r >= 0) {
            m->role = run->ner->role_list[r].canon[0] ? r : -1;
            if (m->role >= 0 && q + len < p && !connector(d, p - 1)) {
                m->tail_first = (uint32_t)(q + len), m->tail_end = (uint32_t)p;
            }
            role_country(run, m, q);
            return;
        }
    }
}

static void drop(ner_run_t *run, ner_mention_t *m)
{
    m->dropped = true;
    memset(run->labels + m->first, NER_O, m->end - m->first);
}

/* Whether tokens [first, end) read as a person's name rather than an organisation's. */
static bool name_like(const ner_run_t *run, size_t first, size_t end)
{
    const uint32_t org = (1u << NER_GAZ_ORGWORD) | (1u << NER_GAZ_ORG) | (1u << NER_GAZ_COUNTRY) |
                         (1u << NER_GAZ_CITY) | (1u << NER_GAZ_LOWER);
    bool named = end - first == 1;
    for (size_t t = first; t < end; t++) {
        uint32_t g = gaz_of(run, t, t + 1);
        if ((g & org) || !is_cap(run->doc, t) || connector(run->doc, t)) {
            return false;
        }
        named |= (g & ((1u << NER_GAZ_GIVEN) | (1u << NER_GAZ_SURNAME))) != 0;
    }
    return named;
}

/* "Justice and Equality Movement", "Labor and Welfare Party": a role word joined by
 * "and" to more words that end in an organisation word is part of the name. */
static bool coordinated_org(const ner_run_t *run, const ner_mention_t *m, size_t rest)
{
    return ner_tok_is(run->doc, rest, "and") && m->end - rest > 1 &&
           (gaz_of(run, m->end - 1, m->end) & (1u << NER_GAZ_ORGWORD));
}

/* A role phrase that starts at or before the mention and reaches into it. */
static void role_overlap(ner_run_t *run, ner_mention_t *m)
{
    const engine_doc_t *d = run->doc;
    size_t lo = d->sents[m->sent].tok_first;
    size_t q0 = m->first > lo + 4 ? m->first - 4 : lo;
    for (size_t q = q0; q <= m->first; q++) {
        size_t len = 0;
        int r = role_at(run, q, m->end, &len);
        if (r < 0 || q + len <= m->first) {
            continue;
        }
        size_t rest = q + len;
        if ((q < m->first && rest >= m->end) ||
            (m->type != NER_PER && rest < m->end && connector(d, rest) && !coordinated_org(run, m, rest))) {
            drop(run, m); /* "State" of "Secretary of State"; "Undersecretary for Political Affairs" */
            return;
        }
        if (rest >= m->end || (m->type != NER_PER && !name_like(run, rest, m->end))) {
            return; /* "Secretary-General", "General Assembly", "Justice Department" */
        }
        m->type = NER_PER;
        m->role = run->ner->role_list[r].canon[0] ? r : -1;
        role_country(run, m, q);
        memset(run->labels + m->first, NER_O, rest - m->first);
        m->first = (uint32_t)rest;
        while (m->end - m->first > 1 && connector(d, m->first)) {
            m->first++;
        }
        ner_mention_update(d, m);
        return;
    }
}

void ner_roles(ner_run_t *run)
{
    for (size_t i = 0; i < run->nm; i++) {
        if (run->m[i].type != NER_NORP) {
            role_overlap(run, &run->m[i]);
        }
    }
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        if (m->type != NER_PER || m->dropped) {
            continue;
        }
        if (!strip_inner_role(run, m) && m->role < 0 && !m->cc[0]) {
            find_outer_role(run, m);
        }
        ner_mention_update(run->doc, m);
    }
}
