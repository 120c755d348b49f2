/* engine_events.c: CAMEO-coded events from verb patterns and the sentence's named
 * actors; see engine_events.h.
 *
 * The lexicon copies every string of the file into one store: per pattern its code,
 * its action and per slot a list of forms ("a\0b\0c\0\0"), all as offsets until the
 * store stops growing.  An open-addressing index maps each trigger form (a form of
 * a first slot) to the patterns it starts, in file order.  Matching folds a token
 * to ASCII lowercase into a small buffer; a token with other bytes, or longer than
 * any form, never matches.
 */
#include "engine_events.h"

#include "ds_buf.h"
#include "ds_mem.h"
#include "engine_internal.h"

#if defined(__has_include)
#if __has_include("ner.h")
#define ENGINE_EVENTS_HAVE_NER 1
#include "ner.h"
#endif
#endif

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EV_MAX_SLOTS 4
#define EV_MAX_FORM 32      /* bytes of the longest form, NUL included */
#define EV_PER_TRIGGER 4    /* patterns one trigger form may start */
#define EV_GAP 3            /* tokens a '~' slot may skip */
#define EV_SOURCE_TOKENS 25 /* how far before the trigger a source may be */
#define EV_TARGET_TOKENS 12 /* how far after it a target may be */
#define EV_WEAK_TOKENS 4    /* a weak actor gives way to a strong one this close */
#define EV_BEFORE_TOKENS 3  /* negations, modals and "be" looked for this far back */
#define EV_AGENT_TOKENS 4   /* "by" of a passive looked for this far on */

typedef struct {
    size_t code, action; /* offsets into the store while loading */
    size_t forms[EV_MAX_SLOTS];
    const char *code_p, *action_p;
    const char *forms_p[EV_MAX_SLOTS]; /* "a\0b\0\0" */
    uint8_t nslots;
    bool gap[EV_MAX_SLOTS];
} pattern_t;

typedef struct {
    const char *form; /* NULL: empty bucket */
    uint16_t pat[EV_PER_TRIGGER];
    uint8_t n;
} trigger_t;

struct engine_events_lex {
    char *store;
    pattern_t *pats;
    size_t n_pats;
    trigger_t *index;
    size_t mask;
    uint32_t lengths[26]; /* per first letter: bit n set when a trigger form has n bytes */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    }
    return h;
}

static trigger_t *bucket(const engine_events_lex_t *lex, const char *form)
{
    for (size_t i = hash_str(form) & lex->mask;; i = (i + 1) & lex->mask) {
        trigger_t *t = &lex->index[i];
        if (t->form == NULL || strcmp(t->form, form) == 0) {
            return t;
        }
    }
}

/* Appends the forms of one slot "a|b|c" (n bytes) to the store as "a\0b\0c\0\0". */
static bool add_slot(ds_buf_t *store, const char *s, size_t n)
{
    size_t flen = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : '|';
        if (c == '|') {
            if (flen == 0 || flen >= EV_MAX_FORM) {
                return false;
            }
            ds_buf_putc(store, '\0');
            flen = 0;
        } else if ((c >= 'a' && c <= 'z') || c == '-' || c == '\'') {
            ds_buf_putc(store, c);
            flen++;
        } else {
            return false;
        }
    }
    ds_buf_putc(store, '\0');
    return true;
}

/* Parses "slot [~ ]slot ..." into p (offsets into store). */
static bool parse_pattern(pattern_t *p, const char *s, ds_buf_t *store)
{
    p->nslots = 0;
    while (*s) {
        bool gap = false;
        if (s[0] == '~' && s[1] == ' ') {
            gap = true;
            s += 2;
        }
        size_t n = strcspn(s, " ");
        if (p->nslots == EV_MAX_SLOTS || n == 0 || (gap && p->nslots == 0)) {
            return false;
        }
        p->gap[p->nslots] = gap;
        p->forms[p->nslots] = store->len;
        if (!add_slot(store, s, n)) {
            return false;
        }
        p->nslots++;
        s += n;
        if (*s == ' ') {
            s++;
            if (*s == '\0') {
                return false;
            }
        }
    }
    return p->nslots > 0;
}

static size_t add_str(ds_buf_t *store, const char *s, size_t n)
{
    size_t off = store->len;
    ds_buf_append(store, s, n);
    ds_buf_putc(store, '\0');
    return off;
}

void engine_events_free(engine_events_lex_t **self_p)
{
    engine_events_lex_t *lex = *self_p;
    if (lex) {
        free(lex->store);
        free(lex->pats);
        free(lex->index);
        free(lex);
        *self_p = NULL;
    }
}

/* Parses one non-comment line into lex->pats[lex->n_pats]. */
static bool parse_line(engine_events_lex_t *lex, size_t *cap, char *line, ds_buf_t *store)
{
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (t1 == NULL || t2 == NULL || t1 == line || t1 - line > 4 || t2 == t1 + 1 ||
        strspn(line, "0123456789") != (size_t)(t1 - line) || lex->n_pats >= UINT16_MAX) {
        return false;
    }
    pattern_t p;
    memset(&p, 0, sizeof p);
    p.code = add_str(store, line, (size_t)(t1 - line));
    p.action = add_str(store, t1 + 1, (size_t)(t2 - t1 - 1));
    if (!parse_pattern(&p, t2 + 1, store)) {
        return false;
    }
    if (lex->n_pats == *cap) {
        *cap *= 2;
        lex->pats = ds_xrealloc(lex->pats, *cap * sizeof *lex->pats);
    }
    lex->pats[lex->n_pats++] = p;
    return true;
}

static bool build_index(engine_events_lex_t *lex, const char *path, char *errstr, size_t errlen)
{
    size_t forms = 0;
    for (size_t i = 0; i < lex->n_pats; i++) {
        pattern_t *p = &lex->pats[i];
        p->code_p = lex->store + p->code;
        p->action_p = lex->store + p->action;
        for (int k = 0; k < p->nslots; k++) {
            p->forms_p[k] = lex->store + p->forms[k];
        }
        for (const char *f = p->forms_p[0]; *f; f += strlen(f) + 1) {
            forms++;
        }
    }
    size_t size = 16;
    while (size < forms * 2) {
        size *= 2;
    }
    lex->index = ds_xcalloc(size, sizeof *lex->index);
    lex->mask = size - 1;
    for (size_t i = 0; i < lex->n_pats; i++) {
        for (const char *f = lex->pats[i].forms_p[0]; *f; f += strlen(f) + 1) {
            trigger_t *t = bucket(lex, f);
            t->form = f;
            if (t->n == EV_PER_TRIGGER) {
                snprintf(errstr, errlen, "%s: '%s' starts more than %d patterns", path, f, EV_PER_TRIGGER);
                return false;
            }
            if (t->n == 0 || t->pat[t->n - 1] != i) {
                t->pat[t->n++] = (uint16_t)i;
            }
            lex->lengths[f[0] - 'a'] |= 1u << strlen(f);
        }
    }
    return true;
}

engine_events_lex_t *engine_events_load(const char *path, char *errstr, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(errstr, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    engine_events_lex_t *lex = ds_xcalloc(1, sizeof *lex);
    size_t cap = 64;
    lex->pats = ds_xmalloc(cap * sizeof *lex->pats);
    ds_buf_t store = DS_BUF_INIT;
    char line[1024];
    size_t lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(f)) {
            ok = false; /* a line longer than the buffer */
        }
        if (ok && line[0] != '#' && line[0] != '\0') {
            ok = parse_line(lex, &cap, line, &store);
        }
        if (!ok) {
            snprintf(errstr, errlen, "%s:%zu: not CODE<TAB>ACTION<TAB>PATTERN", path, lineno);
        }
    }
    if (ok && ferror(f)) {
        snprintf(errstr, errlen, "%s: read error", path);
        ok = false;
    }
    fclose(f);
    lex->store = ds_buf_detach(&store, NULL);
    if (ok && lex->n_pats == 0) {
        snprintf(errstr, errlen, "%s: no patterns", path);
        ok = false;
    }
    if (!ok || !build_index(lex, path, errstr, errlen)) {
        engine_events_free(&lex);
        return NULL;
    }
    return lex;
}

/* ---- matching ---------------------------------------------------------------------- */

typedef struct {
    const engine_events_lex_t *lex;
    const engine_doc_t *doc;
    const engine_actor_t *actors;
    size_t n_actors;
    uint32_t *atok; /* per actor: first token, token end (pairs) */
} ctx_t;

/* A cheap test before folding: could token k be a trigger (a lowercase word, or a
 * capitalised one starting its sentence, whose first letter and length some trigger
 * form has)? */
static bool maybe_trigger(const engine_events_lex_t *lex, const engine_doc_t *d, size_t k)
{
    const engine_tok_t *t = &d->toks[k];
    size_t n = t->end - t->start;
    if (!(t->flags & ENGINE_TOK_WORD) || n >= EV_MAX_FORM ||
        ((t->flags & ENGINE_TOK_CAP) && !(t->flags & ENGINE_TOK_SENT_START))) {
        return false;
    }
    unsigned c = (unsigned char)d->text[t->start] | 0x20u;
    return c >= 'a' && c <= 'z' && (lex->lengths[c - 'a'] >> n & 1u);
}

/* Token k folded to ASCII lowercase into out (EV_MAX_FORM bytes); false when it
 * cannot be a form. */
static bool fold(const engine_doc_t *d, size_t k, char *out)
{
    const engine_tok_t *t = &d->toks[k];
    size_t n = t->end - t->start;
    if (!(t->flags & (ENGINE_TOK_WORD | ENGINE_TOK_CLITIC)) || (t->flags & ENGINE_TOK_NONASCII) ||
        n >= EV_MAX_FORM) {
        return false;
    }
    const char *s = d->text + t->start;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = '\0';
    return true;
}

static bool in_list(const char *w, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(w, *list) == 0) {
            return true;
        }
    }
    return false;
}

static bool slot_has(const char *forms, const char *w)
{
    for (const char *f = forms; *f; f += strlen(f) + 1) {
        if (strcmp(f, w) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_punct(const engine_doc_t *d, size_t k, const char *set)
{
    const engine_tok_t *t = &d->toks[k];
    return (t->flags & ENGINE_TOK_PUNCT) && t->end - t->start == 1 && strchr(set, d->text[t->start]) != NULL;
}

/* Matches pattern p with its trigger at token k; the token end of the match, or 0. */
static size_t match(const ctx_t *c, const pattern_t *p, size_t k, size_t sent_end)
{
    size_t at = k + 1;
    char w[EV_MAX_FORM];
    for (int s = 1; s < p->nslots; s++) {
        size_t last = p->gap[s] ? at + EV_GAP : at;
        bool found = false;
        for (size_t j = at; j <= last && j < sent_end; j++) {
            if (c->doc->toks[j].flags & ENGINE_TOK_PUNCT) {
                break;
            }
            if (fold(c->doc, j, w) && slot_has(p->forms_p[s], w)) {
                at = j + 1;
                found = true;
                break;
            }
        }
        if (!found) {
            return 0;
        }
    }
    return at;
}

static const char *const NEGATIONS[] = {"not", "n't", "never", "no", "neither", "nor", "cannot", NULL};
static const char *const MODALS[] = {"may",   "might", "could", "would", "should", "will",
                                     "shall", "can",   "must",  "'ll",   "to",     NULL};
static const char *const DETERMINERS[] = {"the",  "a",     "an",  "this", "that", "these", "those",
                                          "its",  "their", "his", "her",  "our",  "any",   "every",
                                          "each", "such",  "'s",  "of",   NULL};
static const char *const BE[] = {"is", "are", "was", "were", "be", "been", "being", NULL};

typedef struct {
    bool skip;    /* negated, modal, infinitive or a noun */
    bool passive; /* a form of "be" right before a non -ing trigger */
} before_t;

static before_t look_before(const ctx_t *c, size_t k, size_t sent_first, const char *trigger)
{
    before_t b = {false, false};
    char w[EV_MAX_FORM];
    if (k > sent_first && fold(c->doc, k - 1, w) && in_list(w, DETERMINERS)) {
        b.skip = true;
        return b;
    }
    size_t n = strlen(trigger);
    bool ing = n > 3 && strcmp(trigger + n - 3, "ing") == 0;
    for (size_t j = k; j > sent_first && k - j < EV_BEFORE_TOKENS; j--) {
        if (c->doc->toks[j - 1].flags & ENGINE_TOK_PUNCT) {
            break;
        }
        if (!fold(c->doc, j - 1, w)) {
            continue;
        }
        if (in_list(w, NEGATIONS) || (j == k && in_list(w, MODALS)) ||
            (j == k - 1 && in_list(w, MODALS) && !in_list(w, (const char *const[]){"to", NULL}))) {
            b.skip = true;
            return b;
        }
        if (!ing && in_list(w, BE)) {
            b.passive = true;
        }
    }
    return b;
}

/* The actor whose token span starts at or after token k (index), or n_actors. */
static size_t first_actor_from(const ctx_t *c, size_t k)
{
    size_t lo = 0, hi = c->n_actors;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->atok[2 * mid] < k) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool clause_break(const ctx_t *c, size_t from, size_t to)
{
    for (size_t j = from; j < to; j++) {
        if (is_punct(c->doc, j, ";:\"") || (c->doc->toks[j].flags & ENGINE_TOK_QUOTE)) {
            return true;
        }
    }
    return false;
}

/* The target: the first actor after token `from` in the sentence, within reach; a
 * weak one gives way to a strong one right after it.  -1 when none. */
static long find_after(const ctx_t *c, size_t from, size_t sent_end)
{
    size_t a = first_actor_from(c, from);
    if (a >= c->n_actors || c->atok[2 * a] >= sent_end || c->atok[2 * a] - from > EV_TARGET_TOKENS ||
        clause_break(c, from, c->atok[2 * a])) {
        return -1;
    }
    if (c->actors[a].weak && a + 1 < c->n_actors && !c->actors[a + 1].weak &&
        c->atok[2 * (a + 1)] < sent_end && c->atok[2 * (a + 1)] - c->atok[2 * a + 1] <= EV_WEAK_TOKENS) {
        a++;
    }
    return (long)a;
}

/* The source: the nearest actor ending at or before token `to` in the sentence. */
static long find_before(const ctx_t *c, size_t to, size_t sent_first)
{
    size_t a = first_actor_from(c, to);
    while (a > 0) {
        a--;
        if (c->atok[2 * a + 1] > to) {
            continue; /* overlaps the trigger */
        }
        if (c->atok[2 * a] < sent_first || to - c->atok[2 * a + 1] > EV_SOURCE_TOKENS ||
            clause_break(c, c->atok[2 * a + 1], to)) {
            return -1;
        }
        return (long)a;
    }
    return -1;
}

static bool inside_quote(const uint32_t *quotes, size_t n, uint32_t pos)
{
    for (size_t i = 0; i < n; i++) {
        if (pos >= quotes[2 * i] && pos < quotes[2 * i + 1]) {
            return true;
        }
    }
    return false;
}

static void set_actor(const ctx_t *c, long a, const char **name, const char **cc)
{
    *name = a >= 0 ? c->actors[a].name : NULL;
    *cc = a >= 0 && c->actors[a].country ? c->actors[a].country : "";
}

/* Codes the event triggered at token k by pattern p (match ends at token end).
 * prev: the sentence's previous event when this trigger is coordinated with it
 * ("Putin visited China and signed ..."): its source is this one's too. */
static bool code_event(const ctx_t *c, const pattern_t *p, size_t k, size_t end, const engine_sent_t *s,
                       bool passive, const engine_event_t *prev, engine_event_t *ev)
{
    long src = prev ? -1 : find_before(c, k, s->tok_first);
    long tgt = -1;
    char w[EV_MAX_FORM];
    if (passive) {
        /* "was attacked by X": X is the source, the subject the target */
        tgt = src;
        src = -1;
        for (size_t j = end; j < s->tok_end && j < end + EV_AGENT_TOKENS; j++) {
            if (fold(c->doc, j, w) && strcmp(w, "by") == 0) {
                src = find_after(c, j + 1, s->tok_end);
                break;
            }
        }
    } else {
        tgt = find_after(c, end, s->tok_end);
        if (tgt < 0 && src > 0) {
            /* "Iran and Syria met": the first is the source, the second the target */
            size_t a = (size_t)src - 1;
            size_t and_tok = c->atok[2 * (size_t)src] - 1;
            if (c->atok[2 * (size_t)src] > 0 && c->atok[2 * a + 1] == and_tok && fold(c->doc, and_tok, w) &&
                strcmp(w, "and") == 0) {
                tgt = src;
                src = (long)a;
            }
        }
    }
    set_actor(c, src, &ev->source, &ev->source_country);
    set_actor(c, tgt, &ev->target, &ev->target_country);
    if (prev && !passive) {
        ev->source = prev->source;
        ev->source_country = prev->source_country;
    }
    if (ev->source && ev->target && strcmp(ev->source, ev->target) == 0) {
        ev->target = NULL;
        ev->target_country = "";
    }
    if (ev->source == NULL && ev->target == NULL) {
        return false;
    }
    ev->action = p->action_p;
    ev->code = p->code_p;
    ev->sentence = c->doc->toks[k].sent;
    ev->start = c->doc->toks[k].start;
    ev->end = c->doc->toks[end - 1].end;
    return true;
}

void engine_events_triggers(const engine_events_lex_t *lex, void (*fn)(void *ctx, const char *form),
                            void *ctx)
{
    for (size_t i = 0; i <= lex->mask; i++) {
        if (lex->index[i].form != NULL) {
            fn(ctx, lex->index[i].form);
        }
    }
}

size_t engine_events_find(const engine_events_lex_t *lex, const engine_doc_t *doc,
                          const engine_actor_t *actors, size_t n_actors, const uint32_t *quotes,
                          size_t n_quotes, const uint8_t *maybe, engine_arena_t *arena, engine_event_t **out)
{
    *out = NULL;
    if (lex == NULL || n_actors == 0 || doc->n_toks == 0) {
        return 0;
    }
    ctx_t c = {lex, doc, actors, n_actors, engine_arena_alloc(arena, 2 * n_actors * sizeof(uint32_t))};
    /* actors and tokens are both in text order: one merge gives every span in tokens */
    size_t k0 = 0, k1 = 0;
    for (size_t a = 0; a < n_actors; a++) {
        while (k0 < doc->n_toks && doc->toks[k0].start < actors[a].start) {
            k0++;
        }
        if (k1 < k0) {
            k1 = k0;
        }
        while (k1 < doc->n_toks && doc->toks[k1].start < actors[a].end) {
            k1++;
        }
        c.atok[2 * a] = (uint32_t)k0;
        c.atok[2 * a + 1] = (uint32_t)k1;
    }
    size_t n = 0, cap = 0;
    engine_event_t *ev = NULL;
    char w[EV_MAX_FORM];
    for (size_t si = 0; si < doc->n_sents; si++) {
        const engine_sent_t *s = &doc->sents[si];
        size_t sent_events = n;
        size_t a = first_actor_from(&c, s->tok_first);
        if (a >= n_actors || c.atok[2 * a] >= s->tok_end) {
            continue; /* no actor in this sentence */
        }
        for (size_t k = s->tok_first; k < s->tok_end; k++) {
            if ((maybe ? !maybe[k] : !maybe_trigger(lex, doc, k)) || !fold(doc, k, w)) {
                continue;
            }
            const trigger_t *t = bucket(lex, w);
            if (t->form == NULL || inside_quote(quotes, n_quotes, doc->toks[k].start)) {
                continue;
            }
            size_t fa = first_actor_from(&c, k);
            if (fa > 0 && c.atok[2 * (fa - 1) + 1] > k) {
                continue; /* part of a name: "Rally for Culture", "Human Rights Watch" */
            }
            before_t b = look_before(&c, k, s->tok_first, w);
            if (b.skip) {
                continue;
            }
            for (uint8_t i = 0; i < t->n; i++) {
                const pattern_t *p = &lex->pats[t->pat[i]];
                size_t end = match(&c, p, k, s->tok_end);
                if (end == 0) {
                    continue;
                }
                engine_event_t e;
                const engine_event_t *prev = NULL;
                if (n > sent_events && k > s->tok_first && fold(doc, k - 1, w) && strcmp(w, "and") == 0) {
                    prev = &ev[n - 1]; /* "... and signed an agreement" */
                }
                if (code_event(&c, p, k, end, s, b.passive, prev, &e)) {
                    if (n == cap) {
                        size_t ncap = cap ? 2 * cap : 8;
                        engine_event_t *grown = engine_arena_alloc(arena, ncap * sizeof *grown);
                        if (n) {
                            memcpy(grown, ev, n * sizeof *ev);
                        }
                        ev = grown;
                        cap = ncap;
                    }
                    ev[n++] = e;
                    k = end - 1;
                }
                break;
            }
        }
    }
    *out = ev;
    return n;
}

static void key_str(ds_json_t *j, const char *k, const char *v)
{
    ds_json_key(j, k);
    if (v) {
        ds_json_str(j, v);
    } else {
        ds_json_null(j);
    }
}

void engine_events_json(const engine_event_t *ev, size_t n, ds_json_t *j)
{
    ds_json_key(j, "events");
    ds_json_arr_open(j);
    for (size_t i = 0; i < n; i++) {
        const engine_event_t *e = &ev[i];
        ds_json_obj_open(j);
        key_str(j, "source", e->source);
        key_str(j, "source_country", e->source && e->source_country[0] ? e->source_country : NULL);
        key_str(j, "action", e->action);
        key_str(j, "target", e->target);
        key_str(j, "target_country", e->target && e->target_country[0] ? e->target_country : NULL);
        key_str(j, "code", e->code);
        ds_json_key(j, "sentence");
        ds_json_int(j, e->sentence);
        ds_json_key(j, "offset");
        ds_json_int(j, e->start);
        ds_json_obj_close(j);
    }
    ds_json_arr_close(j);
}

/* ---- the stage: actors from the NER result ------------------------------------------ */

#ifdef ENGINE_EVENTS_HAVE_NER

static int by_start(const void *a, const void *b)
{
    const engine_actor_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* True when a LOCATION entity named name is a country (not a city or region). */
static bool is_country(const ner_location_t *locs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(locs[i].kind, "country") == 0 && strcmp(locs[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

void engine_events(const engine_t *e, engine_result_t *r)
{
    r->events = NULL;
    r->n_events = 0;
    if (r->ner == NULL || e->events == NULL) {
        return;
    }
    size_t n_ent = 0, n_loc = 0, n = 0;
    const ner_entity_t *ents = ner_result_entities(r->ner, &n_ent);
    const ner_location_t *locs = ner_result_locations(r->ner, &n_loc);
    for (size_t i = 0; i < n_ent; i++) {
        n += ents[i].count;
    }
    if (n == 0) {
        return;
    }
    engine_actor_t *act = engine_arena_alloc(&r->arena, n * sizeof *act);
    n = 0;
    for (size_t i = 0; i < n_ent; i++) {
        const ner_entity_t *en = &ents[i];
        bool norp = strcmp(en->type, "NORP") == 0;
        bool ok = norp || strcmp(en->type, "PERSON") == 0 || strcmp(en->type, "ORG") == 0 ||
                  (strcmp(en->type, "LOCATION") == 0 && is_country(locs, n_loc, en->name));
        for (uint32_t m = 0; ok && m < en->count; m++) {
            act[n++] =
                (engine_actor_t){en->mentions[2 * m], en->mentions[2 * m + 1], en->name, en->country, norp};
        }
    }
    qsort(act, n, sizeof *act, by_start);
    size_t k = 0; /* drop mentions that overlap the one before */
    for (size_t i = 0; i < n; i++) {
        if (k == 0 || act[i].start >= act[k - 1].end) {
            act[k++] = act[i];
        }
    }
    uint32_t *quotes = engine_arena_alloc(&r->arena, (2 * r->n_quotes + 1) * sizeof *quotes);
    for (size_t i = 0; i < r->n_quotes; i++) {
        quotes[2 * i] = r->quotes[i].start;
        quotes[2 * i + 1] = r->quotes[i].end;
    }
    /* the words stage looked every token up: a flag says which may start a pattern */
    uint8_t *maybe = engine_arena_alloc(&r->arena, r->n_toks + 1);
    const engine_vocab_t *ve = e->data->ventries;
    for (size_t t = 0; t < r->n_toks; t++) {
        uint32_t v = e->words[t].vocab;
        maybe[t] = v != ENGINE_LEX_NONE && (ve[v].flags & ENGINE_VF_EVENT) &&
                   (!(r->toks[t].flags & ENGINE_TOK_CAP) || (r->toks[t].flags & ENGINE_TOK_SENT_START));
    }
    engine_doc_t doc;
    engine_doc_view(r, &doc);
    r->n_events =
        engine_events_find(e->events, &doc, act, k, quotes, r->n_quotes, maybe, &r->arena, &r->events);
}

#else

void engine_events(const engine_t *e, engine_result_t *r)
{
    (void)e;
    r->events = NULL;
    r->n_events = 0;
}

#endif
