/* engine_meta.c: the title, and the byline through engine_byline.c (the publication
 * date and dateline are engine_published.c, which needs the language stage first).
 *
 * The title is the given one, else the HTML <h1>/<title>, else the document's
 * first line when it reads as a
 * headline: more text follows it, at most 20 words and 200 bytes, it starts with a
 * capital or digit and does not end like a sentence fragment (. , ; :), and it is
 * not a dateline, byline or a bare date.
 *
 * Called by engine_analyze() after engine_count().
 */
#include "engine_chars.h"
#include "engine_internal.h"

#include <string.h>

#define TITLE_MAX_WORDS 20
#define TITLE_MAX_BYTES 200

/* The first line: [start, end) trimmed, and the index of the token after it. */
static bool first_line(const engine_result_t *r, size_t *start, size_t *end, size_t *next_tok)
{
    if (r->n_toks == 0) {
        return false;
    }
    size_t k = 1;
    while (k < r->n_toks && !(r->toks[k].flags & ENGINE_TOK_LINE_START)) {
        k++;
    }
    *start = r->toks[0].start;
    *end = r->toks[k - 1].end;
    *next_tok = k;
    return true;
}

static bool looks_like_headline(const engine_result_t *r, size_t first, size_t next_tok)
{
    size_t words = 0;
    for (size_t k = first; k < next_tok; k++) {
        words += (r->toks[k].flags & (ENGINE_TOK_WORD | ENGINE_TOK_NUMBER)) != 0;
    }
    const engine_tok_t *a = &r->toks[first];
    const engine_tok_t *z = &r->toks[next_tok - 1];
    if (words == 0 || words > TITLE_MAX_WORDS || next_tok >= r->n_toks) {
        return false;
    }
    if (z->end - a->start > TITLE_MAX_BYTES) {
        return false;
    }
    if (!(a->flags & (ENGINE_TOK_CAP | ENGINE_TOK_NUMBER | ENGINE_TOK_QUOTE))) {
        return false;
    }
    char last = r->text[z->end - 1];
    if ((z->flags & ENGINE_TOK_PUNCT) && (last == '.' || last == ',' || last == ';' || last == ':')) {
        return false;
    }
    /* "By Jane Doe" and "Written by" are bylines, not titles */
    char low[16];
    if (engine_fold(r->text + a->start, a->end - a->start, low, sizeof low) != 0 &&
        (strcmp(low, "by") == 0 || strcmp(low, "written") == 0)) {
        return false;
    }
    return true;
}

/* The sentence that repeats the title (a headline line), or -1. */
static int32_t title_sentence(const engine_result_t *r)
{
    size_t n = strlen(r->title);
    for (size_t i = 0; i < r->n_sents && i < 2 && n > 0; i++) {
        const engine_sent_t *s = &r->sents[i];
        if (s->end - s->start == n && memcmp(r->text + s->start, r->title, n) == 0) {
            return (int32_t)i;
        }
    }
    return -1;
}

void engine_meta(const engine_t *e, engine_result_t *r)
{
    (void)e;
    engine_byline(r);
    size_t s, t, next;
    r->title = "";
    if (r->in.title != NULL && r->in.title[0] != '\0') {
        r->title = r->in.title;
    } else if (r->html_title != NULL) {
        r->title = r->html_title;
    } else if (first_line(r, &s, &t, &next) && looks_like_headline(r, 0, next)) {
        r->title = engine_arena_strndup(&r->arena, r->text + s, t - s);
    }
    r->title_sent = title_sentence(r);
}
