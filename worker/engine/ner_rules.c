/* ner_rules.c: rules that refine the tagger's mentions before coreference.
 *
 * After the role rules (ner_roles.c): (1) names keep their particles ("Sharm" +
 * "el-Sheikh", "Abdul Hadi" + "al-Iraqi"); (2) "US-Iran" is two countries; (3) a
 * country's name is a place, a name whose last word is a person elsewhere is a person;
 * (4) common words capitalised only by position (sentence starts, headlines, all-caps
 * lines) are dropped unless the document writes them capitalised elsewhere; (5) one
 * phrase keeps one type across the document, and unlabelled occurrences of a found
 * name become mentions.
 */
#include "ner_internal.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

static bool has_capital(const engine_doc_t *d, size_t first, size_t end);

#define is_cap ner_tok_cap
#define gaz_of(run, a, b) ner_gaz_span((run), (a), (b))

/* Particles that continue a name: "al-Iraqi", "el-Sheikh", "bin Laden", "van Gogh". */
static bool particle(const engine_doc_t *d, size_t i, size_t n_toks)
{
    static const char *const pre[] = {"al-", "el-", "ad-",  "ash-", "as-",  "at-", "ar-",
                                      "an-", "az-", "bin-", "ibn-", "abu-", "ben-"};
    static const char *const word[] = {"bin", "ibn", "al", "el",  "abu", "de", "van", "von",
                                       "da",  "di",  "du", "del", "der", "la", "le",  "ben"};
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

/* Leading lowercase words ("resort Sharm el-Sheikh") are not part of a name. */
static void trim_lower(ner_run_t *run, ner_mention_t *m)
{
    const engine_doc_t *d = run->doc;
    while (m->end - m->first > 1 && !is_cap(d, m->first) && !particle(d, m->first, d->n_toks)) {
        const char *s = ner_tok_text(d, m->first);
        if (!(s[0] >= 'a' && s[0] <= 'z')) {
            break;
        }
        run->labels[m->first++] = NER_O;
    }
    ner_mention_update(d, m);
}

/* "bin Laden", "de Gaulle": a person's name right after a lowercase particle word,
 * itself after a lowercase word or the sentence start, takes the particle in ("Banco
 * de Chile" has a capital before it: the tagger's split stands).  The tagger rarely
 * looks at "bin" or "de" away from a capital; "la" and "le" are left out (French
 * articles). */
static void particle_before(ner_run_t *run, ner_mention_t *m)
{
    static const char *const word[] = {"bin", "ibn", "abu", "al", "el",  "ben", "van",
                                       "von", "de",  "da",  "du", "del", "der"};
    const engine_doc_t *d = run->doc;
    size_t p = m->first, s0 = d->sents[m->sent].tok_first;
    if (m->type != NER_PER || p == s0 || run->labels[p - 1] != NER_O ||
        d->toks[p].start != d->toks[p - 1].end + 1 || (p - 1 > s0 && is_cap(d, p - 2))) {
        return;
    }
    for (size_t k = 0; k < sizeof word / sizeof word[0]; k++) {
        if (strlen(word[k]) == ner_tok_len(d, p - 1) &&
            strncmp(ner_tok_text(d, p - 1), word[k], strlen(word[k])) == 0) {
            run->labels[p - 1] = NER_LABEL(NER_PER, NER_I);
            m->first--;
            ner_mention_update(d, m);
            return;
        }
    }
}

static void particles(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        trim_lower(run, m);
        particle_before(run, m);
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
            ner_mention_update(d, m);
        }
    }
}

/* "US-Iran", "Iraq-Iran": a hyphenated token whose parts are all countries or
 * demonyms becomes one mention per part, unless a longer name holds it. */
static void compound(ner_run_t *run, size_t t, uint32_t sent, const int32_t *owner)
{
    const engine_doc_t *d = run->doc;
    const char *s = ner_tok_text(d, t), *end = s + ner_tok_len(d, t);
    const geo_place_t *part[4];
    const char *ps[4], *pe[4];
    size_t n = 0;
    for (const char *p = s; p < end && n < 4;) {
        const char *h = memchr(p, '-', (size_t)(end - p));
        const char *e = h ? h : end;
        ps[n] = p, pe[n] = e;
        uint64_t k = ner_phrase_key(p, (size_t)(e - p));
        const geo_place_t *c[1];
        part[n] = geo_demonym(run->ner->geo, k);
        if (!part[n] && geo_find(run->ner->geo, k, c, 1) == 1 && c[0]->kind == GEO_COUNTRY) {
            part[n] = c[0];
        }
        if (!part[n++] || e == end) {
            break;
        }
        p = e + 1;
    }
    if (n < 2 || !part[n - 1] || pe[n - 1] != end) {
        return;
    }
    if (owner[t] >= 0 && run->m[owner[t]].end - run->m[owner[t]].first > 1) {
        return; /* inside a longer name: "American-Israel Public Affairs Committee" */
    }
    if (owner[t] >= 0) {
        run->m[owner[t]].dropped = true;
    }
    for (size_t i = 0; i < n; i++) {
        bool dem = geo_demonym(run->ner->geo, ner_phrase_key(ps[i], (size_t)(pe[i] - ps[i]))) != NULL;
        ner_mention_t *m = ner_add_mention(run, (uint32_t)t, (uint32_t)t + 1, sent, dem ? NER_NORP : NER_LOC);
        m->sub = true;
        m->bstart = (uint32_t)(ps[i] - d->text), m->bend = (uint32_t)(pe[i] - d->text);
        m->key = ner_phrase_key(ps[i], (size_t)(pe[i] - ps[i]));
    }
    run->labels[t] = NER_LABEL(NER_LOC, NER_U);
}

static void compounds(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    int32_t *owner = ds_xmalloc((d->n_toks + 1) * sizeof *owner); /* token -> mention */
    memset(owner, 0xff, (d->n_toks + 1) * sizeof *owner);
    size_t nm = run->nm;
    for (size_t i = 0; i < nm; i++) {
        for (uint32_t t = run->m[i].first; t < run->m[i].end; t++) {
            owner[t] = (int32_t)i;
        }
    }
    for (size_t s = 0; s < d->n_sents; s++) {
        for (size_t t = d->sents[s].tok_first; t < d->sents[s].tok_end; t++) {
            if (is_cap(d, t) && memchr(ner_tok_text(d, t), '-', ner_tok_len(d, t))) {
                compound(run, t, (uint32_t)s, owner);
            }
        }
    }
    free(owner);
}

/* keys[k] = ner_span_key(d, i, i + k + 1) for k < n, normalising each token once, as
 * long as they are prefixes of a well-known name; returns how many. */
static size_t prefix_keys(const ner_t *ner, const engine_doc_t *d, size_t i, size_t n, uint64_t *keys)
{
    ner_phash_t ph;
    ner_phash_init(&ph);
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && d->toks[i + k].start > d->toks[i + k - 1].end) {
            ner_phash_space(&ph);
        }
        ner_phash_add(&ph, ner_tok_text(d, i + k), ner_tok_len(d, i + k));
        keys[k] = ner_phash_final(&ph);
        if (!ner_map_get(&ner->known_pre, keys[k])) {
            return k; /* no name starts with these tokens, nor with more of them */
        }
    }
    return n;
}

/* Well-known names (names.tsv): an untagged match becomes a mention, a mention that
 * is exactly a match takes its type. */
static void known_names(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    size_t nm = run->nm;
    for (size_t i = 0; i < nm; i++) {
        ner_mention_t *m = &run->m[i];
        const uint32_t *v = ner_map_get(&run->ner->known, m->key);
        if (v && !m->dropped && !m->sub) {
            m->type = (uint8_t)(*v - 1);
        }
    }
    size_t nu = 0, from = 0; /* nu: the first capital letter at or after byte from */
    for (size_t s = 0; s < d->n_sents; s++) {
        size_t end = d->sents[s].tok_end;
        for (size_t i = d->sents[s].tok_first; i < end; i++) {
            uint64_t keys[4]; /* keys[k]: tokens [i, i + k + 1), each token read once */
            size_t maxn = end - i < 4 ? end - i : 4, nfree = 0;
            while (nfree < maxn && run->labels[i + nfree] == NER_O) {
                nfree++; /* only spans of untagged tokens are looked up */
            }
            if (nu < d->toks[i].start || d->toks[i].start < from) { /* first capital from token i */
                nu = from = d->toks[i].start;
                while (nu < d->len && !(d->text[nu] >= 'A' && d->text[nu] <= 'Z')) {
                    nu++;
                }
            }
            if (nfree == 0 || nu >= d->toks[i + nfree - 1].end) {
                continue; /* a match needs a capital (has_capital): none of these spans can */
            }
            nfree = prefix_keys(run->ner, d, i, nfree, keys);
            for (size_t n = nfree; n >= 1; n--) {
                const uint32_t *v = ner_map_get(&run->ner->known, keys[n - 1]);
                if (v && has_capital(d, i, i + n)) {
                    memset(run->labels + i, NER_LABEL(*v - 1, NER_I), n);
                    ner_add_mention(run, (uint32_t)i, (uint32_t)(i + n), (uint32_t)s, (int)*v - 1);
                    i += n - 1;
                    break;
                }
            }
        }
    }
}

/* "US", "UK", "UAE": one all-capital token of two or three letters. */
static bool short_code(const engine_doc_t *d, const ner_mention_t *m)
{
    const char *s = ner_tok_text(d, m->first);
    size_t n = ner_tok_len(d, m->first);
    if (m->end - m->first != 1 || n < 2 || n > 3) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 'A' || s[i] > 'Z') {
            return false;
        }
    }
    return true;
}

/* Tokens [first, end) are written in capitals (letters, none lowercase). */
static bool all_caps(const engine_doc_t *d, size_t first, size_t end)
{
    size_t letters = 0;
    for (size_t t = first; t < end; t++) {
        const char *s = ner_tok_text(d, t);
        for (size_t i = 0; i < ner_tok_len(d, t); i++) {
            if (s[i] >= 'a' && s[i] <= 'z') {
                return false;
            }
            letters += s[i] >= 'A' && s[i] <= 'Z';
        }
    }
    return letters >= 3;
}

static bool dateline_mark(const engine_doc_t *d, size_t i)
{
    return ner_tok_is(d, i, "(") || ner_tok_is(d, i, ",") || ner_tok_is(d, i, "-") ||
           ner_tok_is(d, i, "\xE2\x80\x94") || ner_tok_is(d, i, "\xE2\x80\x93");
}

/* "SANTIAGO (Reuters) -", "LUSAKA, 15 August 2021 -": a known place written in
 * capitals that opens a sentence right before "(", "," or a dash is a dateline, so a
 * LOCATION whatever the tagger made of it (capitals tell it nothing). */
static void datelines(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    const uint32_t place = (1u << NER_GAZ_CITY) | (1u << NER_GAZ_COUNTRY) | (1u << NER_GAZ_ADMIN1);
    size_t nm = run->nm;
    for (size_t s = 0; s < d->n_sents; s++) {
        size_t b = d->sents[s].tok_first, e = d->sents[s].tok_end, n = 3;
        while (n >= 1 && !(b + n < e && all_caps(d, b, b + n) && dateline_mark(d, b + n) &&
                           (gaz_of(run, b, b + n) & place))) {
            n--;
        }
        bool tagged = false;
        for (size_t i = 0; i < nm && n > 0; i++) {
            ner_mention_t *m = &run->m[i];
            if (m->first < b + n && m->end > b && !m->sub) {
                tagged = true;
                m->type = m->first == b && m->end == b + n ? NER_LOC : m->type;
            }
        }
        if (n > 0 && !tagged) {
            memset(run->labels + b, NER_LABEL(NER_LOC, NER_I), n);
            ner_add_mention(run, (uint32_t)b, (uint32_t)(b + n), (uint32_t)s, NER_LOC);
        }
    }
}

/* Datelines and short country codes are places; two- or three-word names that end in
 * a word the document uses as a person, or open with a known given name, are persons
 * (by the given name alone only when the tagger did not read an organisation: "Christian
 * Science Monitor"). */
static void retype(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    datelines(run);
    const uint32_t org_or_place = (1u << NER_GAZ_ORGWORD) | (1u << NER_GAZ_ORG) | (1u << NER_GAZ_COUNTRY) |
                                  (1u << NER_GAZ_CITY) | (1u << NER_GAZ_REGION) | (1u << NER_GAZ_ADMIN1);
    ner_map_t persons; /* keys of undropped person mentions */
    ner_map_init(&persons, run->nm + 1);
    for (size_t i = 0; i < run->nm; i++) {
        if (!run->m[i].dropped && run->m[i].type == NER_PER) {
            *ner_map_put(&persons, run->m[i].key, 1) = 1;
        }
    }
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        if (m->dropped || m->sub || m->type == NER_NORP) {
            continue;
        }
        const geo_place_t *c = ner_country_at(run->ner, d, m->first, m->end);
        bool country = c && (short_code(d, m) || (gaz_of(run, m->first, m->end) & (1u << NER_GAZ_COUNTRY)));
        if (country && m->type == NER_ORG) {
            /* "US", "UK", and "Qatar said": a country acting is still a place in news
             * annotation (CoNLL, OntoNotes GPE); GMB's own labels waver */
            m->type = NER_LOC;
            continue;
        }
        size_t n = m->end - m->first;
        if (m->type == NER_PER || n < 2 || n > 3 || (gaz_of(run, m->first, m->end) & org_or_place)) {
            continue;
        }
        bool plain = true;
        for (size_t t = m->first; t < m->end && plain; t++) {
            plain = is_cap(d, t) && !(gaz_of(run, t, t + 1) & org_or_place);
        }
        if (plain &&
            (ner_map_get(&persons, ner_span_key(d, m->end - 1, m->end)) ||
             (m->type != NER_ORG && (gaz_of(run, m->first, m->first + 1) & (1u << NER_GAZ_GIVEN))))) {
            m->type = NER_PER;
        }
    }
    ner_map_free(&persons);
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

static bool has_capital(const engine_doc_t *d, size_t first, size_t end)
{
    for (size_t i = d->toks[first].start; i < d->toks[end - 1].end; i++) {
        if (d->text[i] >= 'A' && d->text[i] <= 'Z') {
            return true;
        }
    }
    return false;
}

static bool has_upper(const engine_doc_t *d, const ner_mention_t *m)
{
    for (size_t i = m->bstart; i < m->bend; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if ((c >= 'A' && c <= 'Z') ||
            (c == 0xC3 && i + 1 < m->bend && (unsigned char)d->text[i + 1] < 0x9F)) {
            return true;
        }
    }
    return false;
}

/* 1 when sentence s is a headline or all-caps line: every word is capitalised by
 * position. */
static unsigned headline(const engine_doc_t *d, const engine_sent_t *s)
{
    size_t caps_n = 0, words = 0;
    for (size_t t = s->tok_first; t < s->tok_end; t++) {
        if (ner_tok_len(d, t) >= 4) {
            words++, caps_n += is_cap(d, t);
        }
    }
    return words >= 3 && caps_n * 5 >= words * 4;
}

static void false_positives(ner_run_t *run)
{
    const engine_doc_t *d = run->doc;
    ner_map_t caps;
    ner_map_init(&caps, 256);
    mid_caps(run, &caps);
    uint32_t memo_sent = UINT32_MAX; /* mentions come by sentence: one headline() per sentence */
    unsigned memo = 0;
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        const engine_sent_t *s = &d->sents[m->sent];
        bool start = m->first == s->tok_first ||
                     (m->first > s->tok_first &&
                      (ner_tok_is(d, m->first - 1, "\"") || ner_tok_is(d, m->first - 1, "\xE2\x80\x9C")));
        unsigned sflags = 0;
        if (!start) {
            if (m->sent != memo_sent) {
                memo_sent = m->sent, memo = headline(d, s);
            }
            sflags = memo;
        }
        if (!has_upper(d, m) || ((start || sflags) && only_positional(run, m, &caps))) {
            m->dropped = true;
        }
    }
    ner_map_free(&caps);
}

/* Majority type per phrase (packed per key as 4 counts of 8 bits), so that one name
 * has one type in a document ("Qatar" not both ORG and LOCATION); a tie goes to the
 * type of the phrase's first mention. */
static void vote_types(ner_run_t *run)
{
    ner_map_t votes, first; /* key -> counts; key -> 1 + index of the earliest mention */
    ner_map_init(&votes, run->nm + 1);
    ner_map_init(&first, run->nm + 1);
    for (size_t i = 0; i < run->nm; i++) {
        const ner_mention_t *m = &run->m[i];
        uint32_t *v = ner_map_put(&votes, m->key, 0);
        if (!m->dropped && m->type < NER_NTYPES && ((*v >> (8 * m->type)) & 0xFF) < 0xFF) {
            *v += 1u << (8 * m->type);
            uint32_t *f = ner_map_put(&first, m->key, 0);
            if (*f == 0 || run->m[*f - 1].first > m->first) {
                *f = (uint32_t)i + 1;
            }
        }
    }
    for (size_t i = 0; i < run->nm; i++) {
        ner_mention_t *m = &run->m[i];
        uint32_t v = *ner_map_get(&votes, m->key);
        const uint32_t *f = ner_map_get(&first, m->key);
        unsigned lead = f ? run->m[*f - 1].type : m->type;
        unsigned best = lead < NER_NTYPES ? (v >> (8 * lead)) & 0xFF : 0;
        if (f) {
            m->type = (uint8_t)lead;
        }
        for (int t = 0; t < NER_NTYPES; t++) {
            if (((v >> (8 * t)) & 0xFF) > best) {
                best = (v >> (8 * t)) & 0xFF, m->type = (uint8_t)t;
            }
        }
    }
    ner_map_free(&votes);
    ner_map_free(&first);
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

/* Mention indexes (packed with their first token above them) in position order; ties
 * keep their index order, so the sort is stable. */
static int by_position(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Orders the mentions by first token, stably.  They mostly are already (known names
 * append theirs), and sorting 8-byte keys moves less than sorting the mentions. */
static void sort_mentions(ner_run_t *run)
{
    size_t n = run->nm, i = 1;
    while (i < n && run->m[i - 1].first <= run->m[i].first) {
        i++;
    }
    if (i >= n) {
        return;
    }
    uint64_t *key = ds_xmalloc(n * sizeof *key);
    for (i = 0; i < n; i++) {
        key[i] = (uint64_t)run->m[i].first << 32 | i;
    }
    qsort(key, n, sizeof *key, by_position);
    ner_mention_t *sorted = ds_xmalloc(run->cap_m * sizeof *sorted);
    for (i = 0; i < n; i++) {
        sorted[i] = run->m[key[i] & 0xFFFFFFFFu];
    }
    free(run->m);
    run->m = sorted;
    free(key);
}

void ner_rules(ner_run_t *run)
{
    static void (*const rules[])(ner_run_t *) = {ner_roles, particles,       compounds,  known_names,
                                                 retype,    false_positives, vote_types, propagate};
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        if (!(run->ner->rules_off & (1u << k))) {
            rules[k](run);
        }
    }
    sort_mentions(run);
}
