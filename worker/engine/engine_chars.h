/* engine_chars.h: character classes and case folding for the engine's scanners.
 *
 * ASCII goes through a 128-entry table; other code points ask utf8proc.  The text
 * is already validated, so decoding trusts it.  engine_fold() lowercases a span
 * and maps typographic apostrophes and hyphens to ASCII, so lexicon lookups see
 * one spelling ("Iran’s" -> "iran's").
 */
#ifndef ENGINE_CHARS_H
#define ENGINE_CHARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    ENGINE_CC_SPACE = 0,
    ENGINE_CC_NEWLINE,
    ENGINE_CC_LETTER,
    ENGINE_CC_DIGIT,
    ENGINE_CC_MARK, /* combining marks and format characters: part of a word */
    ENGINE_CC_PUNCT,
} engine_cc_t;

/* Decodes the code point at s[0..] (valid UTF-8, avail > 0); returns its length. */
static inline size_t engine_decode(const char *s, size_t avail, uint32_t *cp)
{
    const uint8_t *p = (const uint8_t *)s;
    if (p[0] < 0x80 || avail < 2) {
        *cp = p[0];
        return 1;
    }
    if (p[0] < 0xE0) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (p[0] < 0xF0 || avail < 4) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return avail < 3 ? avail : 3;
    }
    *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
          (p[3] & 0x3F);
    return 4;
}

/* Classes of ASCII code points (engine_cc_t values). */
extern const uint8_t engine_ascii_cc[128];
engine_cc_t engine_cc_unicode(uint32_t cp);
bool engine_cp_upper_unicode(uint32_t cp);

static inline engine_cc_t engine_cc(uint32_t cp)
{
    return cp < 128 ? (engine_cc_t)engine_ascii_cc[cp] : engine_cc_unicode(cp);
}

static inline bool engine_cp_upper(uint32_t cp)
{
    return cp < 128 ? (cp >= 'A' && cp <= 'Z') : engine_cp_upper_unicode(cp);
}

/* A letter of a script without case (CJK, Arabic, Hebrew, ...). */
bool engine_cp_caseless(uint32_t cp);
bool engine_cp_is_hyphen(uint32_t cp);
bool engine_cp_is_apos(uint32_t cp);
bool engine_cp_is_quote(uint32_t cp);
/* Writes cp as UTF-8 into out (>= 4 bytes); returns the length. */
size_t engine_encode(uint32_t cp, char *out);

/* Lowercases s[0..n) into out (cap bytes, NUL-terminated), mapping ’ to ' and
 * Unicode hyphens to '-'.  Returns the length, or 0 when it does not fit. */
size_t engine_fold(const char *s, size_t n, char *out, size_t cap);

#endif
