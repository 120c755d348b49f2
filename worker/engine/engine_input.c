/* engine_input.c: turns the submitted bytes into the analysed text.
 *
 * Plain text is NFC-normalised with utf8proc; text whose every character is
 * NFC-stable (ASCII, typographic punctuation, precomposed Latin letters: nearly all
 * news) is already NFC and is copied as is, which saves utf8proc's full pass.  HTML
 * goes through engine_html.c first.  When the analysed
 * text differs from the bytes submitted, r->text_differs is set and the JSON
 * carries the text, because every offset in the result refers to it.  A text with
 * nothing but white space left is DS_EEMPTY.
 *
 * Called by engine_analyze() after the size and UTF-8 checks.
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool has_content(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += engine_decode(s + i, n - i, &cp);
        engine_cc_t c = engine_cc(cp);
        if (c != ENGINE_CC_SPACE && c != ENGINE_CC_NEWLINE) {
            return true;
        }
    }
    return false;
}

/* A code point that NFC leaves alone whatever surrounds it: a starter that nothing
 * composes onto and that has no canonical decomposition -- or one inside the
 * Latin-1/Latin Extended/Latin Extended Additional blocks, whose precomposed
 * letters are all NFC. */
static bool nfc_stable(uint32_t cp)
{
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) {
        return false; /* Hangul vowel and trailing jamo compose algorithmically */
    }
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    if (p->combining_class != 0 || p->comp_exclusion ||
        (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000)) {
        return false;
    }
    bool canonical = p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0;
    return !canonical || (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* Whether s is NFC already, by the stable-character test (false means "maybe not").
 * Runs of ASCII are skipped eight bytes at a time. */
static bool quick_nfc(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        i += engine_decode(s + i, n - i, &cp);
        if (!nfc_stable(cp)) {
            return false;
        }
    }
    return true;
}

/* NFC of s[0..n) into the result's arena. */
static int normalise(engine_result_t *r, const char *s, size_t n, char *errstr, size_t errlen)
{
    if (quick_nfc(s, n)) { /* pure ASCII included */
        r->text = engine_arena_strndup(&r->arena, s, n);
        r->len = n;
        return 0;
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (m < 0) {
        free(dst);
        snprintf(errstr, errlen, "cannot normalise text: %s", utf8proc_errmsg(m));
        return DS_EANALYSIS;
    }
    r->text = engine_arena_strndup(&r->arena, (const char *)dst, (size_t)m);
    r->len = (size_t)m;
    r->text_differs = r->text_differs || (size_t)m != n || memcmp(dst, s, n) != 0;
    free(dst);
    return 0;
}

static bool is_html(const engine_result_t *r)
{
    return r->in.format != NULL && strcmp(r->in.format, "html") == 0;
}

int engine_prepare_text(engine_t *e, engine_result_t *r, const char *text, size_t len, char *errstr,
                        size_t errlen)
{
    (void)e;
    const char *f = r->in.format;
    if (f != NULL && f[0] != '\0' && strcmp(f, "text") != 0 && strcmp(f, "html") != 0) {
        snprintf(errstr, errlen, "unknown format \"%s\" (text or html)", f);
        return DS_EINVAL;
    }
    int rc;
    if (is_html(r)) {
        ds_buf_t plain = DS_BUF_INIT;
        rc = engine_html_to_text(r, text, len, &plain, errstr, errlen);
        if (rc == 0) {
            r->text_differs = true;
            rc = normalise(r, ds_buf_str(&plain), plain.len, errstr, errlen);
        }
        ds_buf_free(&plain);
    } else {
        rc = normalise(r, text, len, errstr, errlen);
    }
    if (rc != 0) {
        return rc;
    }
    if (r->len > UINT32_MAX / 2) {
        snprintf(errstr, errlen, "document too large after normalisation");
        return DS_ETOOBIG;
    }
    if (!has_content(r->text, r->len)) {
        snprintf(errstr, errlen, "document text is empty or only white space");
        return DS_EEMPTY;
    }
    return 0;
}
