/* engine_chars.c: see engine_chars.h. */
#include "engine_chars.h"

#include <utf8proc.h>

#define L ENGINE_CC_LETTER
#define D ENGINE_CC_DIGIT
#define S ENGINE_CC_SPACE
#define P ENGINE_CC_PUNCT
/* ASCII: letters, digits, newline, white space and controls; the rest punctuation. */
const uint8_t engine_ascii_cc[128] = {
    S, S, S, S, S, S, S, S, S, S, ENGINE_CC_NEWLINE,
    S, S, S, S, S, /* 0x00 */
    S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, /* 0x10 */
    S, P, P, P, P, P, P, P, P, P, P,
    P, P, P, P, P, /* 0x20 */
    D, D, D, D, D, D, D, D, D, D, P,
    P, P, P, P, P, /* 0x30 */
    P, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, /* 0x40 */
    L, L, L, L, L, L, L, L, L, L, L,
    P, P, P, P, P, /* 0x50 */
    P, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, /* 0x60 */
    L, L, L, L, L, L, L, L, L, L, L,
    P, P, P, P, S, /* 0x70 */
};
#undef L
#undef D
#undef S
#undef P

engine_cc_t engine_cc_unicode(uint32_t cp)
{
    if (cp < 0x80) {
        return (engine_cc_t)engine_ascii_cc[cp];
    }
    if (cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
        return ENGINE_CC_NEWLINE;
    }
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return ENGINE_CC_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return ENGINE_CC_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return ENGINE_CC_MARK;
    case UTF8PROC_CATEGORY_CF:
        return cp == 0x00AD || cp == 0x200C || cp == 0x200D ? ENGINE_CC_MARK : ENGINE_CC_SPACE;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
        return ENGINE_CC_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return ENGINE_CC_NEWLINE;
    default:
        return ENGINE_CC_PUNCT;
    }
}

bool engine_cp_upper_unicode(uint32_t cp)
{
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

bool engine_cp_caseless(uint32_t cp)
{
    return cp >= 0x80 && utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LO;
}

bool engine_cp_is_hyphen(uint32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

bool engine_cp_is_apos(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

bool engine_cp_is_quote(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D ||
           cp == 0x201E || cp == 0x00AB || cp == 0x00BB || cp == 0x2039 || cp == 0x203A;
}

size_t engine_encode(uint32_t cp, char *out)
{
    return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out);
}

size_t engine_fold(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (o + 1 >= cap) {
                return 0;
            }
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        uint32_t cp;
        i += engine_decode(s + i, n - i, &cp);
        if (engine_cp_is_apos(cp)) {
            cp = '\'';
        } else if (engine_cp_is_hyphen(cp)) {
            cp = '-';
        } else {
            cp = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
        }
        if (o + 5 >= cap) {
            return 0;
        }
        o += engine_encode(cp, out + o);
    }
    out[o] = '\0';
    return o;
}
