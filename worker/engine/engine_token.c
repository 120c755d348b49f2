/* engine_token.c: splits the analysed text into tokens (engine_text.h).
 *
 * One left-to-right pass, no backtracking beyond one joiner.  A word is a run of
 * letters, digits and combining marks, joined across an inner hyphen ("al-Qaeda",
 * "el-Sheikh", "US-Iran"), an inner apostrophe ("O'Brien", "Iran’s"), an inner
 * period between single letters ("U.S") or digits ("13.7"), and an inner comma
 * before three digits ("1,000").  Afterwards English clitics are split off as their
 * own tokens ("Iran" "’s", "do" "n't"), and a final period joins an abbreviation
 * ("U.S.", "Mr.", "Feb.", the initial "W.") so the sentence splitter can tell it
 * from a full stop.  Everything else is one punctuation token per character,
 * except "..." and "--".  Spaces and newlines separate tokens and never appear in
 * them.
 *
 * Called by engine_analyze() before segmentation.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* Abbreviations that take a period (lowercase, sorted for bsearch). */
static const char *const ABBREVS[] = {
    "adm", "apr",  "aug",  "ave",    "blvd", "brig",  "capt", "cmdr", "co",   "col",  "corp",
    "cpl", "dec",  "dept", "dr",     "e.g",  "esq",   "est",  "etc",  "feb",  "fig",  "fri",
    "ft",  "gen",  "gov",  "hon",    "i.e",  "inc",   "jan",  "jr",   "jul",  "jun",  "lt",
    "ltd", "maj",  "mar",  "messrs", "mon",  "mr",    "mrs",  "ms",   "mt",   "no",   "nov",
    "oct", "pres", "prof", "pvt",    "rep",  "rev",   "sat",  "sen",  "sep",  "sept", "sgt",
    "sr",  "st",   "sun",  "supt",   "thu",  "thurs", "tue",  "tues", "univ", "vs",   "wed",
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_abbrev(const char *s, size_t n)
{
    char low[8];
    if (n == 0 || n >= sizeof low) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            return false;
        }
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[n] = '\0';
    const char *key = low;
    return bsearch(&key, ABBREVS, sizeof ABBREVS / sizeof ABBREVS[0], sizeof ABBREVS[0], cmp_str) != NULL;
}

typedef struct {
    const char *s;
    size_t len;
    engine_result_t *r;
    bool line_start;
} scan_t;

static engine_tok_t *push(scan_t *sc, size_t start, size_t end, uint16_t flags)
{
    engine_result_t *r = sc->r;
    if (r->n_toks == r->cap_toks) {
        engine_grow((void **)&r->toks, &r->cap_toks, r->n_toks + 1, sizeof *r->toks);
    }
    engine_tok_t *t = &r->toks[r->n_toks++];
    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->flags = flags;
    t->pad = 0;
    t->sent = 0;
    if (sc->line_start) {
        t->flags |= ENGINE_TOK_LINE_START;
        sc->line_start = false;
    }
    return t;
}

static engine_cc_t cc_at(const scan_t *sc, size_t i, uint32_t *cp, size_t *n)
{
    if (i >= sc->len) {
        *cp = 0;
        *n = 0;
        return ENGINE_CC_SPACE;
    }
    *n = engine_decode(sc->s + i, sc->len - i, cp);
    return engine_cc(*cp);
}

static bool is_alnum(engine_cc_t c)
{
    return c == ENGINE_CC_LETTER || c == ENGINE_CC_DIGIT || c == ENGINE_CC_MARK;
}

/* Length of the run of letters/digits/marks at i; adds what it holds to the
 * counters.  Counts in locals (the text is char data, which may alias anything
 * written through a pointer) and relies on the NUL after the text. */
static size_t run(const scan_t *sc, size_t i, int *letters_out, int *digits_out, int *uppers_out)
{
    const unsigned char *s = (const unsigned char *)sc->s;
    size_t j = i;
    int letters = 0, digits = 0, uppers = 0;
    for (;;) {
        unsigned char b = s[j];
        if (b < 0x80) { /* ASCII fast path; the NUL at len is a separator */
            uint8_t c = engine_ascii_cc[b];
            if (c == ENGINE_CC_LETTER) {
                letters++;
                uppers += (unsigned)(b - 'A') < 26u;
            } else if (c == ENGINE_CC_DIGIT) {
                digits++;
            } else {
                break;
            }
            j++;
            continue;
        }
        uint32_t cp;
        size_t n = engine_decode(sc->s + j, sc->len - j, &cp);
        engine_cc_t c = engine_cc(cp);
        if (!is_alnum(c)) {
            break;
        }
        letters += c == ENGINE_CC_LETTER;
        digits += c == ENGINE_CC_DIGIT;
        uppers += c == ENGINE_CC_LETTER && engine_cp_upper(cp);
        j += n;
    }
    *letters_out += letters;
    *digits_out += digits;
    *uppers_out += uppers;
    return j - i;
}

/* Whether the joiner cp at j (n bytes) continues the word whose last run is
 * [rs, j): a letter/digit must follow, and periods and commas have extra rules. */
static bool joins(const scan_t *sc, uint32_t cp, size_t j, size_t n, size_t rs, int run_digits)
{
    uint32_t next;
    size_t nn;
    engine_cc_t c = cc_at(sc, j + n, &next, &nn);
    if (c != ENGINE_CC_LETTER && c != ENGINE_CC_DIGIT) {
        return false;
    }
    if (engine_cp_is_hyphen(cp) || engine_cp_is_apos(cp)) {
        return true;
    }
    bool all_digits = run_digits > 0 && (size_t)run_digits == j - rs;
    if (cp == '.') {
        if (all_digits) {
            return c == ENGINE_CC_DIGIT;
        }
        /* initialism: single letter, period, single letter ("U.S", "e.g") */
        uint32_t after;
        size_t an;
        engine_cc_t ca = cc_at(sc, j + n + nn, &after, &an);
        return j - rs == 1 && c == ENGINE_CC_LETTER && !is_alnum(ca);
    }
    if (cp == ',' && all_digits && c == ENGINE_CC_DIGIT) {
        int l = 0, d = 0, u = 0;
        size_t k = run(sc, j + n, &l, &d, &u);
        return k == 3 && d == 3 && j - rs <= 3;
    }
    return false;
}

/* Scans one word/number token starting at i; returns its end. */
static size_t scan_word(const scan_t *sc, size_t i, uint16_t *flags, int *letters_out, int *uppers_out)
{
    int letters = 0, digits = 0, uppers = 0;
    size_t j = i;
    uint16_t f = 0;
    for (;;) {
        size_t rs = j;
        int rd = 0, rl = 0, ru = 0;
        j += run(sc, j, &rl, &rd, &ru);
        letters += rl;
        digits += rd;
        uppers += ru;
        uint32_t cp;
        size_t n;
        engine_cc_t c = cc_at(sc, j, &cp, &n);
        if (c != ENGINE_CC_PUNCT || !joins(sc, cp, j, n, rs, rd)) {
            break;
        }
        f |= engine_cp_is_hyphen(cp) ? ENGINE_TOK_HYPHEN : 0;
        f |= engine_cp_is_apos(cp) ? ENGINE_TOK_APOS : 0;
        j += n;
    }
    uint32_t first;
    engine_decode(sc->s + i, sc->len - i, &first);
    f |= (letters > 0 || digits == 0) ? ENGINE_TOK_WORD : ENGINE_TOK_NUMBER;
    f |= engine_cp_upper(first) ? ENGINE_TOK_CAP : 0;
    f |= (letters >= 2 && uppers == letters) ? ENGINE_TOK_UPPER : 0;
    if (letters > 0 && engine_cc(first) == ENGINE_CC_DIGIT) {
        f |= ENGINE_TOK_NUMBER;
    }
    *flags = f;
    *letters_out = letters;
    *uppers_out = uppers;
    return j;
}

/* Clitic split point inside [start, end) of a word with an apostrophe, or 0. */
static size_t clitic_split(const char *s, size_t start, size_t end)
{
    size_t a = end;
    while (a > start && s[a - 1] != '\'' &&
           !(a - start >= 3 && (unsigned char)s[a - 1] == 0x99 && (unsigned char)s[a - 2] == 0x80 &&
             (unsigned char)s[a - 3] == 0xE2)) {
        a--;
    }
    if (a == start) {
        return 0;
    }
    size_t alen = s[a - 1] == '\'' ? 1 : 3;
    size_t ap = a - alen; /* apostrophe position */
    char suf[4] = {0};
    size_t sl = end - a;
    if (sl == 0 || sl > 2) {
        return 0;
    }
    for (size_t k = 0; k < sl; k++) {
        char c = s[a + k];
        suf[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    size_t pre = ap - start;
    if (strcmp(suf, "t") == 0) {
        return (pre >= 2 && (s[ap - 1] == 'n' || s[ap - 1] == 'N')) ? ap - 1 : 0;
    }
    static const char *const CL[] = {"s", "re", "ve", "ll", "d", "m"};
    for (size_t k = 0; k < sizeof CL / sizeof CL[0]; k++) {
        if (strcmp(suf, CL[k]) == 0 && (pre > 1 || (pre == 1 && s[start] == 'I'))) {
            return ap;
        }
    }
    return 0;
}

static void push_word(scan_t *sc, size_t i, size_t j, uint16_t f)
{
    size_t cut = (f & ENGINE_TOK_APOS) ? clitic_split(sc->s, i, j) : 0;
    if (cut > i) {
        bool still_apos = memchr(sc->s + i, '\'', cut - i) != NULL;
        uint16_t f1 = (uint16_t)(f & ~(still_apos ? 0 : ENGINE_TOK_APOS));
        push(sc, i, cut, f1);
        push(sc, cut, j, ENGINE_TOK_WORD | ENGINE_TOK_CLITIC);
        return;
    }
    push(sc, i, j, f);
}

/* A word ending right before '.' takes the period when it is an abbreviation. */
static bool takes_period(const scan_t *sc, size_t i, size_t j, int letters, int uppers)
{
    if (j >= sc->len || sc->s[j] != '.' || letters == 0) {
        return false;
    }
    if (j + 1 < sc->len && sc->s[j + 1] == '.') {
        return false; /* an ellipsis */
    }
    size_t n = j - i;
    if (letters == 1 && uppers == 1 && n <= 2) {
        return true; /* an initial */
    }
    if (memchr(sc->s + i, '.', n) != NULL) {
        return true; /* U.S, e.g */
    }
    return is_abbrev(sc->s + i, n);
}

static size_t scan_punct(scan_t *sc, size_t i, uint32_t cp, size_t n)
{
    size_t j = i + n;
    uint16_t f = ENGINE_TOK_PUNCT;
    if ((cp == '.' || cp == '-') && j < sc->len && sc->s[j] == (char)cp) {
        while (j < sc->len && sc->s[j] == (char)cp) {
            j++;
        }
    }
    if (engine_cp_is_quote(cp)) {
        f |= ENGINE_TOK_QUOTE;
    }
    push(sc, i, j, f);
    return j;
}

/* Flags the tokens that hold a byte >= 0x80, skipping ASCII eight bytes at a time. */
static void mark_nonascii(engine_result_t *r)
{
    const unsigned char *p = (const unsigned char *)r->text;
    size_t k = 0;
    for (size_t i = 0; i < r->len && k < r->n_toks;) {
        uint64_t w;
        if (i + 8 <= r->len && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        }
        if (p[i] >= 0x80) {
            while (k < r->n_toks && r->toks[k].end <= i) {
                k++;
            }
            if (k < r->n_toks && r->toks[k].start <= i) {
                r->toks[k].flags |= ENGINE_TOK_NONASCII;
            }
        }
        i++;
    }
}

void engine_tokenize(engine_result_t *r)
{
    scan_t sc = {r->text, r->len, r, true};
    if (r->cap_toks == 0) { /* news averages ~5.5 bytes a token: one growth at most */
        engine_grow((void **)&r->toks, &r->cap_toks, r->len / 5 + 16, sizeof *r->toks);
    }
    size_t i = 0;
    while (i < sc.len) {
        uint32_t cp;
        size_t n;
        engine_cc_t c = cc_at(&sc, i, &cp, &n);
        if (c == ENGINE_CC_SPACE) {
            i += n;
        } else if (c == ENGINE_CC_NEWLINE) {
            sc.line_start = true;
            i += n;
        } else if (c == ENGINE_CC_PUNCT) {
            i = scan_punct(&sc, i, cp, n);
        } else {
            uint16_t f;
            int letters, uppers;
            size_t j = scan_word(&sc, i, &f, &letters, &uppers);
            if (takes_period(&sc, i, j, letters, uppers)) {
                j++;
                f |= ENGINE_TOK_ABBREV;
            }
            push_word(&sc, i, j, f);
            i = j;
        }
    }
    mark_nonascii(r);
}
