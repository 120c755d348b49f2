/* engine_quotes.c: direct quotations and who said them.
 *
 * A quotation is the text between matching marks in one paragraph -- “...”,
 * «...», „...“ or "..." (a straight quote opens only after a space, a line start or
 * an opening bracket) -- with at least MIN_WORDS words, so scare quotes around a
 * term are not quotations.  The speaker is a run of capitalised words next to a
 * speech verb: after the quote (”, Rice said." / ”, said Foreign Minister
 * Mottaki." / ”, according to X.") or before it ("Rice said: “...”").  A pronoun
 * ("he said") leaves the speaker null.  English speech verbs only.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <string.h>

#define MIN_WORDS 3
#define MAX_QUOTE_TOKENS 400
#define MAX_NAME_TOKENS 6
#define LOOK_BACK 8

typedef struct {
    engine_result_t *r;
    char buf[32];
} qt_t;

static uint32_t cp_at(const engine_result_t *r, size_t k)
{
    uint32_t cp = 0;
    if (k < r->n_toks && (r->toks[k].flags & ENGINE_TOK_PUNCT)) {
        engine_decode(r->text + r->toks[k].start, r->toks[k].end - r->toks[k].start, &cp);
    }
    return cp;
}

static bool is(qt_t *q, size_t k, const char *w)
{
    if (k >= q->r->n_toks) {
        return false;
    }
    const engine_tok_t *t = &q->r->toks[k];
    return engine_fold(q->r->text + t->start, t->end - t->start, q->buf, sizeof q->buf) != 0 &&
           strcmp(q->buf, w) == 0;
}

static bool speech_verb(qt_t *q, size_t k)
{
    static const char *const V[] = {
        "said",    "says",      "say",      "told",     "tells",     "added",     "adds",     "stated",
        "asked",   "declared",  "insisted", "warned",   "noted",     "explained", "wrote",    "argued",
        "replied", "continued", "stressed", "recalled", "announced", "remarked",  "observed", "according"};
    if (k >= q->r->n_toks) {
        return false;
    }
    const engine_tok_t *t = &q->r->toks[k];
    if (engine_fold(q->r->text + t->start, t->end - t->start, q->buf, sizeof q->buf) == 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) { /* folded once, compared to each */
        if (strcmp(q->buf, V[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool name_tok(const engine_result_t *r, size_t k)
{
    return k < r->n_toks && (r->toks[k].flags & ENGINE_TOK_WORD) && (r->toks[k].flags & ENGINE_TOK_CAP) &&
           !(r->toks[k].flags & ENGINE_TOK_STOP);
}

/* The speaker's name run starting at k going forward (dir 1) or ending at k going
 * back (dir -1); NULL when there is none. */
static const char *name_run(engine_result_t *r, size_t k, int dir)
{
    size_t a = k, z = k;
    if (!name_tok(r, k)) {
        return NULL;
    }
    while (dir > 0 && z + 1 < r->n_toks && z + 1 - a < MAX_NAME_TOKENS && name_tok(r, z + 1)) {
        z++;
    }
    while (dir < 0 && a > 0 && z + 1 - a < MAX_NAME_TOKENS && name_tok(r, a - 1)) {
        a--;
    }
    return engine_arena_strndup(&r->arena, r->text + r->toks[a].start, r->toks[z].end - r->toks[a].start);
}

/* Speaker after the closing mark at c. */
static const char *speaker_after(qt_t *q, size_t c)
{
    engine_result_t *r = q->r;
    size_t k = c + 1;
    k += k < r->n_toks && (cp_at(r, k) == ',' || cp_at(r, k) == 0x2014);
    if (k >= r->n_toks) {
        return NULL;
    }
    if (speech_verb(q, k)) {
        k += 1 + is(q, k + 1, "to"); /* "according to" */
        return name_run(r, k, 1);
    }
    size_t v = k;
    while (v < r->n_toks && v - k < MAX_NAME_TOKENS && name_tok(r, v)) {
        v++;
    }
    return (v > k && speech_verb(q, v)) ? name_run(r, k, 1) : NULL;
}

/* Speaker before the opening mark at o: "X said: “". */
static const char *speaker_before(qt_t *q, size_t o)
{
    engine_result_t *r = q->r;
    if (o == 0) {
        return NULL;
    }
    size_t k = o - 1;
    if (cp_at(r, k) == ':' || cp_at(r, k) == ',') {
        if (k == 0) {
            return NULL;
        }
        k--;
    }
    for (size_t back = 0; back < LOOK_BACK && k > 0; back++, k--) {
        if (speech_verb(q, k)) {
            return name_run(r, k - 1, -1);
        }
    }
    return NULL;
}

static uint32_t closer_of(uint32_t open)
{
    return open == 0x201C ? 0x201D : open == 0x00AB ? 0x00BB : open == 0x201E ? 0x201C : '"';
}

static bool opens(const engine_result_t *r, size_t k)
{
    uint32_t cp = cp_at(r, k);
    if (cp == 0x201C || cp == 0x00AB || cp == 0x201E) {
        return true;
    }
    if (cp != '"') {
        return false;
    }
    uint32_t s = r->toks[k].start;
    return s == 0 || r->text[s - 1] == ' ' || r->text[s - 1] == '\n' || r->text[s - 1] == '(';
}

static void add_quote(engine_result_t *r, size_t o, size_t c, const char *speaker)
{
    engine_grow((void **)&r->quotes, &r->cap_quotes, r->n_quotes + 1, sizeof *r->quotes);
    engine_quote_t *q = &r->quotes[r->n_quotes++];
    size_t last = c - 1;
    while (last > o + 1 && (r->toks[last].flags & ENGINE_TOK_PUNCT) &&
           strchr(",;:", r->text[r->toks[last].start]) != NULL) {
        last--; /* the comma before the closing mark belongs to the sentence */
    }
    q->start = r->toks[o + 1].start;
    q->end = r->toks[last].end;
    q->speaker = speaker;
}

/* Words strictly between tokens o and c. */
static size_t words_between(const engine_result_t *r, size_t o, size_t c)
{
    size_t n = 0;
    for (size_t k = o + 1; k < c; k++) {
        n += (r->toks[k].flags & ENGINE_TOK_WORD) != 0;
    }
    return n;
}

void engine_quotes(engine_result_t *r)
{
    qt_t q = {r, ""};
    uint32_t free_mark = 0; /* a closing mark of this kind ... */
    size_t free_until = 0;  /* ... is known not to occur before this token */
    for (size_t o = 0; o < r->n_toks; o++) {
        if (!(r->toks[o].flags & ENGINE_TOK_QUOTE) || !opens(r, o)) { /* every opener is a QUOTE */
            continue;
        }
        uint32_t close = closer_of(cp_at(r, o));
        uint32_t para = r->sents[r->toks[o].sent].para;
        size_t c = (close == free_mark && free_until > o + 1) ? free_until : o + 1;
        while (c < r->n_toks && c - o < MAX_QUOTE_TOKENS && cp_at(r, c) != close &&
               r->sents[r->toks[c].sent].para == para) {
            c++;
        }
        if (c >= r->n_toks || cp_at(r, c) != close || r->sents[r->toks[c].sent].para != para) {
            free_mark = close; /* later openers need not rescan up to c */
            free_until = c;
            continue;
        }
        if (c > o + 1 && words_between(r, o, c) >= MIN_WORDS) {
            const char *sp = speaker_after(&q, c);
            add_quote(r, o, c, sp ? sp : speaker_before(&q, o));
        }
        o = c;
    }
}
