/* check_engine_token.c: the tokenizer's fast paths against the scanner they replaced.
 *
 * engine_token.c scans bytes through a class table and skips lowercase ASCII eight
 * bytes at a time.  The code below is the previous scanner (one code point at a
 * time, as of commit 06ca115), kept as the reference: random texts made of tricky
 * pieces (contractions, hyphens, apostrophe names, abbreviations, numbers with
 * separators, non-ASCII letters, marks and punctuation, line breaks) must give the
 * same tokens with the same flags, and a few golden streams pin the behaviour.
 * Each text sits in a buffer of exactly len + 1 bytes so a sanitizer build catches
 * any read past the NUL.
 */
#include "check_engine_helpers.h"

#include "engine_chars.h"
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- reference: the previous scanner ---- */

/* Abbreviations that take a period (lowercase, sorted for bsearch). */
static const char *const ref_ABBREVS[] = {
    "adm", "apr",  "aug",  "ave",    "blvd", "brig",  "capt", "cmdr", "co",   "col",  "corp",
    "cpl", "dec",  "dept", "dr",     "e.g",  "esq",   "est",  "etc",  "feb",  "fig",  "fri",
    "ft",  "gen",  "gov",  "hon",    "i.e",  "inc",   "jan",  "jr",   "jul",  "jun",  "lt",
    "ltd", "maj",  "mar",  "messrs", "mon",  "mr",    "mrs",  "ms",   "mt",   "no",   "nov",
    "oct", "pres", "prof", "pvt",    "rep",  "rev",   "sat",  "sen",  "sep",  "sept", "sgt",
    "sr",  "st",   "sun",  "supt",   "thu",  "thurs", "tue",  "tues", "univ", "vs",   "wed",
};

static int ref_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool ref_is_abbrev(const char *s, size_t n)
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
    return bsearch(&key, ref_ABBREVS, sizeof ref_ABBREVS / sizeof ref_ABBREVS[0], sizeof ref_ABBREVS[0],
                   ref_cmp_str) != NULL;
}

typedef struct {
    const char *s;
    size_t len;
    engine_result_t *r;
    bool line_start;
} ref_scan_t;

static engine_tok_t *ref_push(ref_scan_t *sc, size_t start, size_t end, uint16_t flags)
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

static engine_cc_t ref_cc_at(const ref_scan_t *sc, size_t i, uint32_t *cp, size_t *n)
{
    if (i >= sc->len) {
        *cp = 0;
        *n = 0;
        return ENGINE_CC_SPACE;
    }
    *n = engine_decode(sc->s + i, sc->len - i, cp);
    return engine_cc(*cp);
}

static bool ref_is_alnum(engine_cc_t c)
{
    return c == ENGINE_CC_LETTER || c == ENGINE_CC_DIGIT || c == ENGINE_CC_MARK;
}

/* Length of the ref_run of letters/digits/marks at i; adds what it holds to the
 * counters.  Counts in locals (the text is char data, which may alias anything
 * written through a pointer) and relies on the NUL after the text. */
static size_t ref_run(const ref_scan_t *sc, size_t i, int *letters_out, int *digits_out, int *uppers_out)
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
        if (!ref_is_alnum(c)) {
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

/* Whether the joiner cp at j (n bytes) continues the word whose last ref_run is
 * [rs, j): a letter/digit must follow, and periods and commas have extra rules. */
static bool ref_joins(const ref_scan_t *sc, uint32_t cp, size_t j, size_t n, size_t rs, int run_digits)
{
    uint32_t next;
    size_t nn;
    engine_cc_t c = ref_cc_at(sc, j + n, &next, &nn);
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
        engine_cc_t ca = ref_cc_at(sc, j + n + nn, &after, &an);
        return j - rs == 1 && c == ENGINE_CC_LETTER && !ref_is_alnum(ca);
    }
    if (cp == ',' && all_digits && c == ENGINE_CC_DIGIT) {
        int l = 0, d = 0, u = 0;
        size_t k = ref_run(sc, j + n, &l, &d, &u);
        return k == 3 && d == 3 && j - rs <= 3;
    }
    return false;
}

/* Scans one word/number token starting at i; returns its end. */
static size_t ref_scan_word(const ref_scan_t *sc, size_t i, uint16_t *flags, int *letters_out,
                            int *uppers_out)
{
    int letters = 0, digits = 0, uppers = 0;
    size_t j = i;
    uint16_t f = 0;
    for (;;) {
        size_t rs = j;
        int rd = 0, rl = 0, ru = 0;
        j += ref_run(sc, j, &rl, &rd, &ru);
        letters += rl;
        digits += rd;
        uppers += ru;
        uint32_t cp;
        size_t n;
        engine_cc_t c = ref_cc_at(sc, j, &cp, &n);
        if (c != ENGINE_CC_PUNCT || !ref_joins(sc, cp, j, n, rs, rd)) {
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
static size_t ref_clitic_split(const char *s, size_t start, size_t end)
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

static void ref_push_word(ref_scan_t *sc, size_t i, size_t j, uint16_t f)
{
    size_t cut = (f & ENGINE_TOK_APOS) ? ref_clitic_split(sc->s, i, j) : 0;
    if (cut > i) {
        bool still_apos = memchr(sc->s + i, '\'', cut - i) != NULL;
        uint16_t f1 = (uint16_t)(f & ~(still_apos ? 0 : ENGINE_TOK_APOS));
        ref_push(sc, i, cut, f1);
        ref_push(sc, cut, j, ENGINE_TOK_WORD | ENGINE_TOK_CLITIC);
        return;
    }
    ref_push(sc, i, j, f);
}

/* A word ending right before '.' takes the period when it is an abbreviation. */
static bool ref_takes_period(const ref_scan_t *sc, size_t i, size_t j, int letters, int uppers)
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
    return ref_is_abbrev(sc->s + i, n);
}

static size_t ref_scan_punct(ref_scan_t *sc, size_t i, uint32_t cp, size_t n)
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
    ref_push(sc, i, j, f);
    return j;
}

/* Flags the tokens that hold a byte >= 0x80, skipping ASCII eight bytes at a time. */
static void ref_mark_nonascii(engine_result_t *r)
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

/* The reference scanner over a whole text. */
static void ref_tokenize(engine_result_t *r)
{
    ref_scan_t sc = {r->text, r->len, r, true};
    size_t i = 0;
    while (i < sc.len) {
        uint32_t cp;
        size_t n;
        engine_cc_t c = ref_cc_at(&sc, i, &cp, &n);
        if (c == ENGINE_CC_SPACE) {
            i += n;
        } else if (c == ENGINE_CC_NEWLINE) {
            sc.line_start = true;
            i += n;
        } else if (c == ENGINE_CC_PUNCT) {
            i = ref_scan_punct(&sc, i, cp, n);
        } else {
            uint16_t f;
            int letters, uppers;
            size_t j = ref_scan_word(&sc, i, &f, &letters, &uppers);
            if (ref_takes_period(&sc, i, j, letters, uppers)) {
                j++;
                f |= ENGINE_TOK_ABBREV;
            }
            ref_push_word(&sc, i, j, f);
            i = j;
        }
    }
    ref_mark_nonascii(r);
}

/* ---- the tests ---- */

/* A result holding a copy of s[0..n) in a buffer of exactly n + 1 bytes. */
static engine_result_t *text_result(const char *s, size_t n)
{
    engine_result_t *r = ds_xcalloc(1, sizeof *r);
    char *t = ds_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    r->text = t;
    r->len = n;
    return r;
}

static void free_result(engine_result_t *r)
{
    free(r->toks);
    free(r->text);
    free(r);
}

/* Tokenizes s both ways and fails on the first token that differs. */
static void check_same(const char *s, size_t n)
{
    engine_result_t *a = text_result(s, n), *b = text_result(s, n);
    engine_tokenize(a);
    ref_tokenize(b);
    size_t k = 0;
    while (k < a->n_toks && k < b->n_toks && a->toks[k].start == b->toks[k].start &&
           a->toks[k].end == b->toks[k].end && a->toks[k].flags == b->toks[k].flags) {
        k++;
    }
    ck_assert_msg(k == a->n_toks && k == b->n_toks,
                  "token %zu differs in \"%.*s\": fast [%u,%u) %#x (of %zu), reference [%u,%u) %#x (of %zu)",
                  k, (int)n, s, k < a->n_toks ? a->toks[k].start : 0, k < a->n_toks ? a->toks[k].end : 0,
                  k < a->n_toks ? a->toks[k].flags : 0, a->n_toks, k < b->n_toks ? b->toks[k].start : 0,
                  k < b->n_toks ? b->toks[k].end : 0, k < b->n_toks ? b->toks[k].flags : 0, b->n_toks);
    free_result(a);
    free_result(b);
}

static const char *const PIECES[] = {
    "a",
    "z",
    "A",
    "Z",
    "Iran",
    "nuclear",
    "program",
    "ABC",
    "abcdefgh",
    "abcdefghijklmnop",
    "Q",
    "x1",
    "1x",
    "0",
    "9",
    "13",
    "1,000",
    "1,00",
    "12,345,678",
    "1234,567",
    "13.7",
    "2008-02-22",
    ",",
    ".",
    "..",
    "...",
    "-",
    "--",
    "---",
    "'",
    "’",
    "‘",
    "\"",
    "“",
    "”",
    "«",
    "»",
    "(",
    ")",
    ";",
    ":",
    "!",
    "?",
    "$",
    "€",
    "%",
    "&",
    "/",
    "@",
    "#",
    "U.S.",
    "U.S",
    "e.g.",
    "i.e",
    "Mr.",
    "mr.",
    "Dr",
    "Gen.",
    "Feb.",
    "W.",
    "A1.",
    "St.",
    "messrs.",
    "etc.",
    "vs.",
    "O'Brien",
    "O’Brien",
    "don't",
    "DON'T",
    "doesn’t",
    "I'm",
    "I’m",
    "they're",
    "we've",
    "it'll",
    "he'd",
    "Iran's",
    "Iran’s",
    "n't",
    "'s",
    "'t",
    "x'",
    "al-Qaeda",
    "el‐Sheikh",
    "US‑Iran",
    "-x",
    "x-",
    "é",
    "É",
    "ß",
    "ẞ",
    "İ",
    "ﬁ",
    "é",
    "\xcc\x81",
    "\xcc\x80",
    "中",
    "国",
    "ا",
    "ع",
    "١٢",
    "٣",
    "२",
    "²",
    "Ⅳ",
    "ʰ",
    "ǅ",
    "\xc2\xad",
    "\xe2\x80\x8d",
    "\xe2\x80\x8c",
    "\xc2\xa0",
    "\xe2\x80\xa8",
    "\xe2\x80\xa9",
    "\xc2\x85",
    "😀",
    "𝐀",
    "\x7f",
    "\x01",
    "\t",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n",
    "\n\n",
    "\r\n",
    "<b>",
    "a.b",
    "A.B.C",
    "A.b",
    "1.2.3",
    "1..2",
    "x.1",
    "1.x",
    "a,1",
    "1,a",
    "1’000",
    "R&D",
    "AT&T",
    "café",
    "naïve",
    "Ünited",
    "ÉTAT",
    "ÀB",
    "aé",
    "éa",
    "Éa",
};

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(test_fast_scanner_matches_reference_on_random_tricky_texts)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    ds_buf_t b = DS_BUF_INIT;
    size_t npieces = sizeof PIECES / sizeof PIECES[0];
    for (int round = 0; round < 20000; round++) {
        ds_buf_reset(&b);
        size_t parts = 1 + rng_next(&seed) % 12;
        for (size_t p = 0; p < parts; p++) {
            const char *piece = PIECES[rng_next(&seed) % npieces];
            ds_buf_append(&b, piece, strlen(piece));
            if (rng_next(&seed) % 3 == 0) {
                ds_buf_putc(&b, ' ');
            }
        }
        check_same(b.data, b.len);
    }
    ds_buf_free(&b);
}
END_TEST

START_TEST(test_fast_scanner_matches_reference_at_every_length_and_offset)
{
    /* words ending at every distance from the end of the buffer, so the eight-byte
     * steps meet the NUL at each position */
    static const char *const TEXTS[] = {
        "Mr. O’Brien said: “We won’t pay $5bn (or 3%).” The U.S. envoy, al-Qaeda’s 1,000 men, 13.7 and I'm.",
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ abcdefgh. abcdefg, abcdefghi- abcdefgh'x abcdefgh’s",
        "naïve café ÉTAT Ünited 中国 ١٢,٣٤٥ e.g. i.e. St. W. A1. 1,000,000 1,0000 2008-02-22 ...--",
    };
    for (size_t t = 0; t < sizeof TEXTS / sizeof TEXTS[0]; t++) {
        size_t len = strlen(TEXTS[t]);
        for (size_t a = 0; a < len; a++) {
            if (((unsigned char)TEXTS[t][a] & 0xC0) == 0x80) {
                continue; /* not a character boundary */
            }
            for (size_t z = a + 1; z <= len; z++) {
                if (z < len && ((unsigned char)TEXTS[t][z] & 0xC0) == 0x80) {
                    continue;
                }
                check_same(TEXTS[t] + a, z - a);
            }
        }
    }
}
END_TEST

/* "text|flags" for each token, flags as letters: W word, N number, P punct, C cap,
 * U upper, A abbrev, H hyphen, ' apos, c clitic, Q quote, L line start, X non-ASCII. */
static char *stream(const char *s)
{
    engine_result_t *r = text_result(s, strlen(s));
    engine_tokenize(r);
    static const struct {
        uint16_t bit;
        char c;
    } F[] = {{ENGINE_TOK_WORD, 'W'},   {ENGINE_TOK_NUMBER, 'N'},     {ENGINE_TOK_PUNCT, 'P'},
             {ENGINE_TOK_CAP, 'C'},    {ENGINE_TOK_UPPER, 'U'},      {ENGINE_TOK_ABBREV, 'A'},
             {ENGINE_TOK_HYPHEN, 'H'}, {ENGINE_TOK_APOS, '\''},      {ENGINE_TOK_CLITIC, 'c'},
             {ENGINE_TOK_QUOTE, 'Q'},  {ENGINE_TOK_LINE_START, 'L'}, {ENGINE_TOK_NONASCII, 'X'}};
    ds_buf_t b = DS_BUF_INIT;
    for (size_t i = 0; i < r->n_toks; i++) {
        const engine_tok_t *t = &r->toks[i];
        if (i > 0) {
            ds_buf_putc(&b, ' ');
        }
        ds_buf_append(&b, r->text + t->start, t->end - t->start);
        ds_buf_putc(&b, '|');
        for (size_t f = 0; f < sizeof F / sizeof F[0]; f++) {
            if (t->flags & F[f].bit) {
                ds_buf_putc(&b, F[f].c);
            }
        }
    }
    free_result(r);
    return ds_buf_detach(&b, NULL);
}

#define ASSERT_STREAM(text, expect)                                                                          \
    do {                                                                                                     \
        char *got_ = stream(text);                                                                           \
        ck_assert_str_eq(got_, expect);                                                                      \
        free(got_);                                                                                          \
    } while (0)

START_TEST(test_token_streams_of_tricky_inputs)
{
    ASSERT_STREAM("The U.S. envoy met Mr. O'Brien.",
                  "The|WCL U.S.|WCUA envoy|W met|W Mr.|WCA O'Brien|WC' .|P");
    ASSERT_STREAM("Iran’s envoy doesn't", "Iran|WCL ’s|WcX envoy|W does|W n't|Wc");
    ASSERT_STREAM("1,000 and 1,0000 or 13.7%", "1,000|NL and|W 1|N ,|P 0000|N or|W 13.7|N %|P");
    ASSERT_STREAM("W. Bush\nNATO-led al‐Qaeda", "W.|WCAL Bush|WC NATO-led|WCHL al‐Qaeda|WHX");
    ASSERT_STREAM("“Wait...” -- 3rd ÉTAT", "“|PQLX Wait|WC ...|P ”|PQX --|P 3rd|WN ÉTAT|WCUX");
    ASSERT_STREAM("e.g. etc. x.", "e.g.|WAL etc.|WA x|W .|P");
    ASSERT_STREAM("naïve 中国 ١٢", "naïve|WLX 中国|WX ١٢|NX");
}
END_TEST

static Suite *engine_token_suite(void)
{
    Suite *s = suite_create("engine_token");
    TCase *tc = tcase_create("scanner");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fast_scanner_matches_reference_on_random_tricky_texts);
    tcase_add_test(tc, test_fast_scanner_matches_reference_at_every_length_and_offset);
    tcase_add_test(tc, test_token_streams_of_tricky_inputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_token_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
