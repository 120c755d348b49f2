/* ner_rules.c: rules that refine the tagger's mentions before coreference.
 *
 * In order: (1) titles become roles, not part of names ("Iranian FM Kharrazi" ->
 * "Kharrazi", role Foreign Minister, country IR), looking inside the mention and
 * just left of it (also across an appositive comma); (2) names keep their particles
 * ("Sharm" + "el-Sheikh", "Abdul Hadi" + "al-Iraqi"); (3) common words capitalised
 * only by position (sentence starts, headlines, all-caps lines) are dropped unless the
 * document writes them capitalised elsewhere; (4) one phrase keeps one type across
 * the document, and later unlabelled occurrences of a found name become mentions.
 */
#include "ner_internal.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW 8

static bool is_cap(const engine_doc_t *d, size_t i)
{
    const unsigned char c = (unsigned char)ner_tok_text(d, i)[0];
    return (c >= 'A' && c <= 'Z') || (c == 0xC3 && ner_tok_len(d, i) > 1 &&
                                      (unsigned char)ner_tok_text(d, i)[1] < 0x9F);
}

static uint32_t gaz_of(const ner_run_t *run, size_t first, size_t end)
{
    return ner_gaz_classes(run->ner->gaz, ner_span_key(run->doc, first, end));
}

/* Index of the longest role phrase starting at token q and ending by limit, its length in *len. */
static int role_at(const ner_run_t *run, size_t q, size_t limit, size_t *len)
{
    int best = -1;
    for (size_t n = 1; n <= NER_ROLE_MAX_TOKENS && q + n <= limit; n++) {
        const uint32_t *v = ner_map_get(&run->ner->roles, ner_span_key(run->doc, q, q + n));
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

static void roles(ner_run_t *run)
{
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        if (m->type != NER_PER || m->dropped) {
            continue;
        }
        if (!strip_inner_role(run, m)) {
            find_outer_role(run, m);
        }
        m->key = ner_span_key(run->doc, m->first, m->end);
    }
}

/* Particles that continue a name: "al-Iraqi", "el-Sheikh", "bin Laden", "van Gogh". */
static bool particle(const engine_doc_t *d, size_t i, size_t n_toks)
{
    static const char *const pre[] = {"al-", "el-", "ad-", "ash-", "as-", "at-", "ar-", "an-", "az-", "bin-", "ibn-", "abu-", "ben-"};
    static const char *const word[] = {"bin", "ibn", "al", "el", "abu", "de", "van", "von", "da", "di", "du", "del", "der", "la", "le", "ben"};
    const char *s = ner_tok_text(d, i);
    size_t n = ner_tok_len(d, i);
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
        size_t pl = strlen(pre[k]);
        if (n > pl && strncmp(s, pre[k], pl) == 0) {
            return (s[pl] >= 'A' && s[pl] <= 'Z');
        }
    }
    for (size_t k = 0; k < sizeof word / sizeof word[0]; k++) {
        if (strlen(word[k]) == n && strncmp(s, word[k], n) == 0) {
            return i + 1 < n_toks && is_cap(d, i + 1) && d->toks[i + 1].start == d->toks[i].end + 1;
        }
    }
    return false;
}

static void particles(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        size_t send = d->sents[m->sent].tok_end;
        bool grew = false;
        while (m->type != NER_NORP && m->end < send && run->labels[m->end] == NER_O &&
               d->toks[m->end].start == d->toks[m->end - 1].end + 1 && particle(d, m->end, d->n_toks)) {
            bool hyph = memchr(ner_tok_text(d, m->end), '-', ner_tok_len(d, m->end)) != NULL;
            run->labels[m->end] = NER_LABEL(m->type, NER_I);
            m->end++;
            if (!hyph && m->end < send) { /* "bin" + "Laden" */
                run->labels[m->end] = NER_LABEL(m->type, NER_I);
                m->end++;
            }
            grew = true;
        }
        if (grew) {
            m->key = ner_span_key(d, m->first, m->end);
        }
    }
}

/* Capitalised tokens that are not sentence-initial, by lowercase key. */
static void mid_caps(const ner_run_t *run, ner_map_t *caps)
{
    const engine_doc_t *d = run->doc;
    for (size_t s = 0; s < d->n_sents; s++) {
        for (size_t i = d->sents[s].tok_first + 1; i < d->sents[s].tok_end; i++) {
            if (is_cap(d, i) && !ner_tok_is(d, i - 1, "\"") && !ner_tok_is(d, i - 1, ":")) {
                *ner_map_put(caps, ner_span_key(d, i, i + 1), 0) += 1;
            }
        }
    }
}

/* True when every word of the mention is usually lowercase and written capitalised
 * nowhere else in the document but at a sentence start. */
static bool only_positional(const ner_run_t *run, const ner_mention_t *m, const ner_map_t *caps)
{
    const engine_doc_t *d = run->doc;
    for (size_t i = m->first; i < m->end; i++) {
        uint64_t k = ner_span_key(d, i, i + 1);
        if (!(ner_gaz_classes(run->ner->gaz, k) & (1u << NER_GAZ_LOWER))) {
            return false;
        }
        const uint32_t *c = ner_map_get(caps, k);
        if (c && *c > (i == m->first && i != d->sents[m->sent].tok_first ? 1u : 0u)) {
            return false;
        }
    }
    return true;
}

static bool has_upper(const engine_doc_t *d, const ner_mention_t *m)
{
    for (size_t i = m->first; i < m->end; i++) {
        if (is_cap(d, i)) {
            return true;
        }
    }
    return false;
}

static void false_positives(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    ner_map_t caps;
    ner_map_init(&caps, 256);
    mid_caps(run, &caps);
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        const engine_sent_t *s = &d->sents[m->sent];
        bool start = m->first == s->tok_first ||
                     (m->first > s->tok_first && (ner_tok_is(d, m->first - 1, "\"") ||
                                                  ner_tok_is(d, m->first - 1, "\xE2\x80\x9C")));
        unsigned sflags = 0;
        if (!start) {
            /* headline and all-caps lines: every word is capitalised by position */
            size_t caps_n = 0, words = 0;
            for (size_t t = s->tok_first; t < s->tok_end; t++) {
                if (ner_tok_len(d, t) >= 4) {
                    words++, caps_n += is_cap(d, t);
                }
            }
            sflags = words >= 3 && caps_n * 5 >= words * 4;
        }
        if (!has_upper(d, m) || ((start || sflags) && only_positional(run, m, &caps))) {
            m->dropped = true;
        }
    }
    ner_map_free(&caps);
}

/* Majority type per phrase: packed per key as 4 counts of 8 bits. */
static void vote_types(ner_run_t *run)
{
    ner_map_t votes;
    ner_map_init(&votes, run->nm + 1);
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        uint32_t *v = ner_map_put(&votes, m->key, 0);
        if (!m->dropped && m->type < NER_NTYPES && ((*v >> (8 * m->type)) & 0xFF) < 0xFF) {
            *v += 1u << (8 * m->type);
        }
    }
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        uint32_t v = *ner_map_get(&votes, m->key);
        unsigned best = m->type < NER_NTYPES ? (v >> (8 * m->type)) & 0xFF : 0;
        for (int t = 0; t < NER_NTYPES; t++) {
            if (((v >> (8 * t)) & 0xFF) > best) {
                best = (v >> (8 * t)) & 0xFF, m->type = (uint8_t)t;
            }
        }
    }
    ner_map_free(&votes);
}

/* Later (or earlier) occurrences of a found name that the tagger missed. */
static void propagate(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    ner_map_t found; /* key -> type + 1 | tokens << 8 */
    ner_map_init(&found, run->nm + 1);
    size_t maxlen = 0;
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        if (!m->dropped && m->end - m->first <= NER_ROLE_MAX_TOKENS) {
            *ner_map_put(&found, m->key, 0) = (uint32_t)(m->type + 1) | (m->end - m->first) << 8;
            maxlen = m->end - m->first > maxlen ? m->end - m->first : maxlen;
        }
    }
    size_t nm0 = run->nm;
    for (size_t s = 0; s < d->n_sents && nm0 > 0; s++) {
        size_t end = d->sents[s].tok_end;
        for (size_t i = d->sents[s].tok_first; i < end; i++) {
            if (run->labels[i] != NER_O || !is_cap(d, i) ||
                (i == d->sents[s].tok_first && (gaz_of(run, i, i + 1) & (1u << NER_GAZ_LOWER)))) {
                continue;
            }
            for (size_t n = maxlen; n >= 1; n--) {
                const uint32_t *v = i + n <= end ? ner_map_get(&found, ner_span_key(d, i, i + n)) : NULL;
                bool free_span = v && (*v >> 8) == n;
                for (size_t t = i; free_span && t < i + n; t++) {
                    free_span = run->labels[t] == NER_O;
                }
                if (free_span) {
                    for (size_t t = i; t < i + n; t++) {
                        run->labels[t] = NER_LABEL((*v & 0xFF) - 1, NER_I);
                    }
                    ner_add_mention(run, (uint32_t)i, (uint32_t)(i + n), (uint32_t)s, (int)(*v & 0xFF) - 1);
                    i += n - 1;
                    break;
                }
            }
        }
    }
    ner_map_free(&found);
}

static int by_position(const void *a, const void *b)
{
    const ner_mention_t *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

void ner_rules(ner_run_t *run)
{
    roles(run);
    particles(run);
    false_positives(run);
    vote_types(run);
    propagate(run);
    qsort(run->m, run->nm, sizeof *run->m, by_position);
}
