/* engine_html.c: HTML documents to text with libxml2's HTML parser.
 *
 * The parser recovers from broken markup and never touches the network.  The
 * walk is iterative (no recursion on hostile nesting).  Scripts, styles, forms,
 * navigation and the like are dropped with their contents; block elements become
 * paragraph breaks, <br> a line break, table cells a space; runs of white space
 * collapse to one space outside <pre>.  The first <h1> (else <title>, without a
 * " | Site name" tail) is the title candidate.  The extracted text is what the
 * engine analyses and what every offset in the result refers to; the JSON carries
 * it as "text".
 *
 * Called by engine_prepare_text() for format "html".
 */
#include "engine_internal.h"

#include "ds_buf.h"

#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <string.h>

enum { SEP_NONE = 0, SEP_SPACE, SEP_LINE, SEP_PARA };

typedef struct {
    ds_buf_t out;
    int pending; /* separator owed before the next text */
    int pre;     /* depth inside <pre> */
    ds_buf_t h1, title;
    bool in_h1, h1_done;
} walk_t;

static bool name_in(const xmlChar *name, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const char *const DROP[] = {"script", "style",  "noscript", "template", "svg", "math",
                                   "iframe", "object", "embed",    "canvas",   "nav", "aside",
                                   "form",   "select", "button",   "head",     NULL};
static const char *const BLOCK[] = {
    "p",     "div",        "h1",  "h2",      "h3",      "h4",      "h5",     "h6",   "li",     "ul",
    "ol",    "blockquote", "pre", "section", "article", "header",  "footer", "main", "figure", "figcaption",
    "table", "tr",         "dl",  "dt",      "dd",      "address", "hr",     "body", "center", NULL};

static void owe(walk_t *w, int sep)
{
    if (sep > w->pending) {
        w->pending = sep;
    }
}

static void put_text(walk_t *w, const char *s, size_t n)
{
    static const char *const SEPS[] = {"", " ", "\n", "\n\n"};
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        if (space && w->pre == 0) {
            owe(w, SEP_SPACE);
            continue;
        }
        if (w->pending != SEP_NONE && w->out.len > 0) {
            ds_buf_puts(&w->out, SEPS[w->pending]);
        }
        w->pending = SEP_NONE;
        ds_buf_putc(&w->out, c);
    }
}

static void text_node(walk_t *w, xmlNodePtr n)
{
    const char *s = (const char *)n->content;
    size_t len = s ? strlen(s) : 0;
    put_text(w, s, len);
    if (w->in_h1) {
        ds_buf_append(&w->h1, s, len);
    }
}

/* Entering (enter = true) or leaving an element. */
static void element(walk_t *w, xmlNodePtr n, bool enter)
{
    int d = enter ? 1 : -1;
    if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0) {
        w->pre += d;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"h1") == 0 && !w->h1_done) {
        w->h1_done = !enter && w->in_h1;
        w->in_h1 = enter;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
        owe(w, SEP_LINE);
    } else if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
               xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0) {
        owe(w, SEP_SPACE);
    } else if (name_in(n->name, BLOCK)) {
        owe(w, SEP_PARA);
    }
}

/* The <title> inside <head> (which the walk otherwise drops). */
static void find_title(walk_t *w, xmlNodePtr head)
{
    for (xmlNodePtr c = head->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xmlStrcasecmp(c->name, (const xmlChar *)"title") == 0 &&
            w->title.len == 0) {
            xmlChar *s = xmlNodeGetContent(c);
            if (s != NULL) {
                ds_buf_puts(&w->title, (const char *)s);
                xmlFree(s);
            }
        }
    }
}

static void walk(walk_t *w, xmlNodePtr root)
{
    xmlNodePtr n = root;
    while (n != NULL) {
        bool descend = false;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            text_node(w, n);
        } else if (n->type == XML_ELEMENT_NODE) {
            if (xmlStrcasecmp(n->name, (const xmlChar *)"head") == 0) {
                find_title(w, n);
            }
            if (!name_in(n->name, DROP)) {
                element(w, n, true);
                descend = n->children != NULL;
                if (!descend) {
                    element(w, n, false);
                }
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n != NULL && n != root && n->next == NULL) {
            n = n->parent;
            if (n != NULL && n->type == XML_ELEMENT_NODE) {
                element(w, n, false);
            }
        }
        n = (n == NULL || n == root) ? NULL : n->next;
    }
}

/* Collapsed white space of b, trimmed, in the arena; NULL when empty. */
static const char *clean(engine_result_t *r, const ds_buf_t *b, bool cut_site)
{
    walk_t tmp = {DS_BUF_INIT, SEP_NONE, 0, DS_BUF_INIT, DS_BUF_INIT, false, false};
    put_text(&tmp, ds_buf_str(b), b->len);
    const char *s = ds_buf_str(&tmp.out);
    size_t n = tmp.out.len;
    const char *bar = cut_site ? strstr(s, " | ") : NULL;
    if (bar != NULL && bar > s) {
        n = (size_t)(bar - s);
    }
    const char *out = n ? engine_arena_strndup(&r->arena, s, n) : NULL;
    ds_buf_free(&tmp.out);
    return out;
}

int engine_html_to_text(engine_result_t *r, const char *html, size_t len, ds_buf_t *out, char *errstr,
                        size_t errlen)
{
    htmlDocPtr doc =
        htmlReadMemory(html, (int)len, NULL, "UTF-8",
                       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (doc == NULL) {
        snprintf(errstr, errlen, "HTML could not be parsed");
        return DS_EANALYSIS;
    }
    walk_t w = {DS_BUF_INIT, SEP_NONE, 0, DS_BUF_INIT, DS_BUF_INIT, false, false};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root != NULL) {
        walk(&w, root);
    }
    xmlFreeDoc(doc);
    r->html_title = clean(r, &w.h1, false);
    if (r->html_title == NULL) {
        r->html_title = clean(r, &w.title, true);
    }
    ds_buf_append(out, ds_buf_str(&w.out), w.out.len);
    ds_buf_free(&w.out);
    ds_buf_free(&w.h1);
    ds_buf_free(&w.title);
    return 0;
}
