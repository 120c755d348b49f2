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
 * Speed: one 256-entry byte-class table drives the scanner; runs of ASCII
 * lowercase letters are skipped eight bytes a step; only bytes >= 0x80 are decoded
 * and classified through utf8proc.  A word needs three facts about its letters, not
 * counts: how many are upper case (0, 1, more), whether any is not upper case, and
 * whether any digit occurs; those decide WORD/NUMBER, UPPER and initials.
 * NONASCII is set while scanning.  tests/unit/check_engine_token.c holds the
 * previous, code-point-at-a-time scanner and checks both agree token for token.
 *
 * Called by engine_analyze() before segmentation.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* Byte classes: what a byte is when it stands for itself (ASCII), or HI. */
enum {
    BC_UP = 1,  /* A-Z (bit 0: added to the count of upper-case letters) */
    BC_LO = 2,  /* a-z; for code points >= 0x80: a letter that is not upper case */
    BC_DIG = 4, /* 0-9; for code points >= 0x80: any decimal digit */
    BC_SP = 8,  /* white space and controls */
    BC_NL = 16, /* '\n' */
    BC_PU = 32, /* ASCII punctuation and symbols */
    BC_HI = 64, /* a byte >= 0x80: decode the code point */
    BC_ALNUM = BC_UP | BC_LO | BC_DIG,
};

#define U_ BC_UP
#define L_ BC_LO
#define D_ BC_DIG
#define S_ BC_SP
#define P_ BC_PU
#define H8 BC_HI, BC_HI, BC_HI, BC_HI, BC_HI, BC_HI, BC_HI, BC_HI
/* Must agree with engine_ascii_cc[] (engine_chars.c) for 0x00..0x7f. */
static const uint8_t BC[256] = {
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, BC_NL, S_, S_, S_, S_, S_, /* 0x00 */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,    S_, S_, S_, S_, S_, /* 0x10 */
    S_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,    P_, P_, P_, P_, P_, /* 0x20 */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, P_,    P_, P_, P_, P_, P_, /* 0x30 */
    P_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_,    U_, U_, U_, U_, U_, /* 0x40 */
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_,    P_, P_, P_, P_, P_, /* 0x50 */
    P_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,    L_, L_, L_, L_, L_, /* 0x60 */
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,    P_, P_, P_, P_, S_, /* 0x70 */
    H8, H8, H8, H8, H8, H8, H8, H8, H8, H8, H8,    H8, H8, H8, H8, H8, /* 0x80 */
};
#undef U_
#undef L_
#undef D_
#undef S_
#undef P_
#undef H8

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
    const unsigned char *s;
    size_t len;
    engine_result_t *r;
    uint16_t line_start; /* ENGINE_TOK_LINE_START until the line's first token is pushed */
} scan_t;

static inline void push(scan_t *sc, size_t start, size_t end, uint16_t flags)
{
    engine_result_t *r = sc->r;
    if (r->n_toks == r->cap_toks) {
        engine_grow((void **)&r->toks, &r->cap_toks, r->n_toks + 1, sizeof *r->toks);
    }
    engine_tok_t *t = &r->toks[r->n_toks++];
    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->flags = (uint16_t)(flags | sc->line_start);
    t->pad = 0;
    t->sent = 0;
    sc->line_start = 0;
}

/* The class of the code point at i (SPACE at and past the end); its length in *n. */
static engine_cc_t cc_at(const scan_t *sc, size_t i, uint32_t *cp, size_t *n)
{
    if (i >= sc->len) {
        *cp = 0;
        *n = 0;
        return ENGINE_CC_SPACE;
    }
    *n = engine_decode((const char *)sc->s + i, sc->len - i, cp);
    return engine_cc(*cp);
}

static bool is_alnum(engine_cc_t c)
{
    return c == ENGINE_CC_LETTER || c == ENGINE_CC_DIGIT || c == ENGINE_CC_MARK;
}

/* What a word scan has seen so far. */
typedef struct {
    unsigned acc; /* BC_LO | BC_DIG | BC_HI bits of everything seen */
    unsigned up;  /* upper-case letters */
} seen_t;

/* Number of ASCII lowercase letters at the start of the eight bytes at p. */
static inline size_t lower_prefix(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, p, 8);
    const uint64_t hi = 0x8080808080808080ull;
    uint64_t x = w & ~hi;                           /* no carry between bytes below */
    uint64_t ge_a = x + 0x1f1f1f1f1f1f1f1full;      /* bit 7 set when byte >= 'a' */
    uint64_t gt_z = x + 0x0505050505050505ull;      /* bit 7 set when byte > 'z' */
    uint64_t not_lower = ~(ge_a & ~gt_z & ~w) & hi; /* ~w drops bytes >= 0x80 */
    return not_lower ? (size_t)__builtin_ctzll(not_lower) >> 3 : 8;
#else
    size_t k = 0;
    while (k < 8 && BC[p[k]] == BC_LO) {
        k++;
    }
    return k;
#endif
}

/* End of the run of letters/digits/marks at i, adding what it holds to *w.
 * Relies on the NUL after the text (a separator). */
static size_t run(const scan_t *sc, size_t i, seen_t *w)
{
    const unsigned char *s = sc->s;
    size_t j = i;
    unsigned acc = 0, up = 0;
    for (;;) {
        if (j + 8 <= sc->len) {
            size_t k = lower_prefix(s + j);
            acc |= k ? BC_LO : 0;
            j += k;
            if (k == 8) {
                continue;
            }
        }
        unsigned t = BC[s[j]];
        if (t & BC_ALNUM) {
            acc |= t;
            up += t & BC_UP;
            j++;
            continue;
        }
        if (!(t & BC_HI)) {
            break;
        }
        uint32_t cp;
        size_t n = engine_decode((const char *)s + j, sc->len - j, &cp);
        engine_cc_t c = engine_cc_unicode(cp);
        if (!is_alnum(c)) {
            break;
        }
        if (c == ENGINE_CC_LETTER) {
            if (engine_cp_upper_unicode(cp)) {
                up++;
            } else {
                acc |= BC_LO;
            }
        } else if (c == ENGINE_CC_DIGIT) {
            acc |= BC_DIG;
        }
        acc |= BC_HI;
        j += n;
    }
    w->acc |= acc & ~(unsigned)BC_UP;
    w->up += up;
    return j;
}

/* Length of the joiner candidate at j (hyphens, apostrophes, '.', ','), or 0. */
static size_t joiner_at(const scan_t *sc, size_t j, uint32_t *cp)
{
    const unsigned char *s = sc->s;
    unsigned char b = s[j];
    if (b == '-' || b == '\'' || b == '.' || b == ',') {
        *cp = b;
        return 1;
    }
    /* U+2010, U+2011 (hyphens), U+2019 (apostrophe); the NUL stops the compare */
    if (b == 0xE2 && s[j + 1] == 0x80 && (s[j + 2] == 0x90 || s[j + 2] == 0x91 || s[j + 2] == 0x99)) {
        *cp = 0x2000u + (s[j + 2] - 0x80u);
        return 3;
    }
    return 0;
}

/* Whether the joiner cp at j (n bytes) continues the word whose last run is
 * [rs, j): a letter/digit must follow, and periods and commas have extra rules.
 * all_digits: that run is ASCII digits only. */
static bool joins(const scan_t *sc, uint32_t cp, size_t j, size_t n, size_t rs, bool all_digits)
{
    uint32_t next;
    size_t nn;
    engine_cc_t c = cc_at(sc, j + n, &next, &nn);
    if (c != ENGINE_CC_LETTER && c != ENGINE_CC_DIGIT) {
        return false;
    }
    if (cp != '.' && cp != ',') {
        return true; /* a hyphen or an apostrophe */
    }
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
    if (all_digits && j - rs <= 3) { /* "1,000": exactly three ASCII digits follow */
        const unsigned char *p = sc->s + j + 1;
        size_t k = 0;
        while (k < 4 && BC[p[k]] == BC_DIG) { /* stops at the NUL after the text */
            k++;
        }
        if (k == 3) {
            seen_t w = {0, 0};
            return run(sc, j + 1, &w) == j + 4;
        }
    }
    return false;
}

/* Scans one word/number token starting at i; returns its end. */
static size_t scan_word(const scan_t *sc, size_t i, uint16_t *flags, seen_t *w)
{
    size_t j = i;
    uint16_t f = 0;
    for (;;) {
        size_t rs = j;
        seen_t rw = {0, 0};
        j = run(sc, j, &rw);
        w->acc |= rw.acc;
        w->up += rw.up;
        uint32_t cp;
        size_t n = joiner_at(sc, j, &cp);
        bool all_digits = rw.acc == BC_DIG && rw.up == 0;
        if (n == 0 || !joins(sc, cp, j, n, rs, all_digits)) {
            break;
        }
        if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
            f |= ENGINE_TOK_HYPHEN;
        } else if (cp == '\'' || cp == 0x2019) {
            f |= ENGINE_TOK_APOS;
        }
        w->acc |= n > 1 ? BC_HI : 0;
        j += n;
    }
    bool letters = w->up > 0 || (w->acc & BC_LO);
    f |= (letters || !(w->acc & BC_DIG)) ? ENGINE_TOK_WORD : ENGINE_TOK_NUMBER;
    f |= (w->up >= 2 && !(w->acc & BC_LO)) ? ENGINE_TOK_UPPER : 0;
    unsigned t0 = BC[sc->s[i]];
    if (t0 & BC_HI) {
        uint32_t first;
        engine_decode((const char *)sc->s + i, sc->len - i, &first);
        f |= engine_cp_upper_unicode(first) ? ENGINE_TOK_CAP : 0;
        f |= (letters && engine_cc_unicode(first) == ENGINE_CC_DIGIT) ? ENGINE_TOK_NUMBER : 0;
    } else {
        f |= (t0 & BC_UP) ? ENGINE_TOK_CAP : 0;
        f |= (letters && (t0 & BC_DIG)) ? ENGINE_TOK_NUMBER : 0;
    }
    *flags = f;
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

static uint16_t nonascii_flag(const unsigned char *s, size_t start, size_t end)
{
    for (size_t k = start; k < end; k++) {
        if (s[k] >= 0x80) {
            return ENGINE_TOK_NONASCII;
        }
    }
    return 0;
}

static void push_word(scan_t *sc, size_t i, size_t j, uint16_t f)
{
    size_t cut = (f & ENGINE_TOK_APOS) ? clitic_split((const char *)sc->s, i, j) : 0;
    if (cut > i) {
        bool still_apos = memchr(sc->s + i, '\'', cut - i) != NULL;
        uint16_t f1 = (uint16_t)(f & ~(still_apos ? 0 : ENGINE_TOK_APOS) & ~ENGINE_TOK_NONASCII);
        push(sc, i, cut, (uint16_t)(f1 | nonascii_flag(sc->s, i, cut)));
        push(sc, cut, j, (uint16_t)(ENGINE_TOK_WORD | ENGINE_TOK_CLITIC | nonascii_flag(sc->s, cut, j)));
        return;
    }
    push(sc, i, j, f);
}

/* A word ending right before '.' takes the period when it is an abbreviation. */
static bool takes_period(const scan_t *sc, size_t i, size_t j, const seen_t *w)
{
    if (sc->s[j] != '.' || j >= sc->len || (w->up == 0 && !(w->acc & BC_LO))) {
        return false;
    }
    if (sc->s[j + 1] == '.') {
        return false; /* an ellipsis (the NUL at len is not a period) */
    }
    size_t n = j - i;
    if (w->up == 1 && !(w->acc & BC_LO) && n <= 2) {
        return true; /* an initial */
    }
    if (memchr(sc->s + i, '.', n) != NULL) {
        return true; /* U.S, e.g */
    }
    return is_abbrev((const char *)sc->s + i, n);
}

static size_t scan_punct(scan_t *sc, size_t i, uint32_t cp, size_t n)
{
    size_t j = i + n;
    uint16_t f = ENGINE_TOK_PUNCT;
    if (cp == '.' || cp == '-') {
        while (j < sc->len && sc->s[j] == (unsigned char)cp) {
            j++;
        }
    }
    if (engine_cp_is_quote(cp)) {
        f |= ENGINE_TOK_QUOTE;
    }
    if (cp >= 0x80) {
        f |= ENGINE_TOK_NONASCII;
    }
    push(sc, i, j, f);
    return j;
}

/* A word or number at i: scans, takes an abbreviation's period, pushes; returns its end. */
static size_t word(scan_t *sc, size_t i)
{
    uint16_t f;
    seen_t w = {0, 0};
    size_t j = scan_word(sc, i, &f, &w);
    if (takes_period(sc, i, j, &w)) {
        j++;
        f |= ENGINE_TOK_ABBREV;
    }
    if (w.acc & BC_HI) {
        f |= ENGINE_TOK_NONASCII;
    }
    push_word(sc, i, j, f);
    return j;
}

/* The common word: ASCII letters and digits ended by a byte that cannot join
 * ("word ", "word,", "word." before a space).  Anything else goes to word(),
 * which scans again from i with every rule. */
static inline size_t word_ascii(scan_t *sc, size_t i)
{
    const unsigned char *s = sc->s;
    size_t j = i;
    unsigned acc = 0, up = 0;
    for (;;) {
        if (j + 8 <= sc->len) {
            size_t k = lower_prefix(s + j);
            acc |= k ? BC_LO : 0;
            j += k;
            if (k == 8) {
                continue;
            }
        }
        unsigned t = BC[s[j]];
        if (!(t & BC_ALNUM)) {
            break;
        }
        acc |= t;
        up += t & BC_UP;
        j++;
    }
    unsigned char b = s[j];
    if ((BC[b] & BC_HI) ||
        ((b == '-' || b == '\'' || b == '.' || b == ',') && (BC[s[j + 1]] & (BC_ALNUM | BC_HI)))) {
        return word(sc, i); /* may join, or a non-ASCII letter follows */
    }
    bool letters = up > 0 || (acc & BC_LO);
    unsigned t0 = BC[s[i]];
    uint16_t f = (letters || !(acc & BC_DIG)) ? ENGINE_TOK_WORD : ENGINE_TOK_NUMBER;
    f |= (up >= 2 && !(acc & BC_LO)) ? ENGINE_TOK_UPPER : 0;
    f |= (t0 & BC_UP) ? ENGINE_TOK_CAP : 0;
    f |= (letters && (t0 & BC_DIG)) ? ENGINE_TOK_NUMBER : 0;
    if (b == '.' && letters && s[j + 1] != '.' && j < sc->len) {
        size_t n = j - i;
        if ((up == 1 && !(acc & BC_LO) && n <= 2) || is_abbrev((const char *)s + i, n)) {
            j++;
            f |= ENGINE_TOK_ABBREV;
        }
    }
    push(sc, i, j, f);
    return j;
}

/* A code point >= 0x80 at i that starts no word yet: space, newline, punctuation or word. */
static size_t other(scan_t *sc, size_t i)
{
    uint32_t cp;
    size_t n;
    engine_cc_t c = cc_at(sc, i, &cp, &n);
    if (c == ENGINE_CC_SPACE) {
        return i + n;
    }
    if (c == ENGINE_CC_NEWLINE) {
        sc->line_start = ENGINE_TOK_LINE_START;
        return i + n;
    }
    if (c == ENGINE_CC_PUNCT) {
        return scan_punct(sc, i, cp, n);
    }
    return word(sc, i);
}

void engine_tokenize(engine_result_t *r)
{
    scan_t sc = {(const unsigned char *)r->text, r->len, r, ENGINE_TOK_LINE_START};
    if (r->cap_toks == 0) { /* news averages ~5.5 bytes a token: one growth at most */
        engine_grow((void **)&r->toks, &r->cap_toks, r->len / 5 + 16, sizeof *r->toks);
    }
    const unsigned char *s = sc.s;
    size_t i = 0;
    while (i < sc.len) {
        unsigned t = BC[s[i]];
        if (t & BC_SP) {
            i++;
        } else if (t & BC_ALNUM) {
            i = word_ascii(&sc, i);
        } else if (t & BC_PU) {
            i = scan_punct(&sc, i, s[i], 1);
        } else if (t & BC_NL) {
            sc.line_start = ENGINE_TOK_LINE_START;
            i++;
        } else {
            i = other(&sc, i);
        }
    }
}
