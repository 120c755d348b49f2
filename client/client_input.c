/* client_input.c: see client_input.h.  Directories are expanded into a sorted list of
 * files up front (paths only, so 10,000 articles cost a few hundred KB); contents are
 * read one document at a time, and .jsonl files are streamed line by line. */
#include "client_input.h"

#include "client.h"
#include "ds_mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum { K_TEXT, K_HTML, K_JSON, K_JSONL, K_OTHER } kind_t;

struct client_input {
    char **files; /* owned; "-" is stdin */
    size_t nfiles, cap, next;
    kind_t stdin_kind;
    FILE *jl; /* the .jsonl being streamed */
    char jl_path[900];
    long jl_line;
    json_t *arr; /* the .json array being walked */
    size_t arr_i;
    char arr_path[900];
};

static kind_t kind_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot == NULL || (slash && dot < slash)) {
        return K_OTHER;
    }
    static const struct {
        const char *ext;
        kind_t kind;
    } exts[] = {{".txt", K_TEXT}, {".text", K_TEXT}, {".md", K_TEXT},     {".html", K_HTML},
                {".htm", K_HTML}, {".json", K_JSON}, {".jsonl", K_JSONL}, {".ndjson", K_JSONL}};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        if (strcasecmp(dot, exts[i].ext) == 0) {
            return exts[i].kind;
        }
    }
    return K_OTHER;
}

static void push(client_input_t *in, const char *path)
{
    if (in->nfiles == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 64;
        in->files = ds_xrealloc(in->files, in->cap * sizeof *in->files);
    }
    in->files[in->nfiles++] = ds_xstrdup(path);
}

static int not_hidden(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static void expand_dir(client_input_t *in, const char *dir, int depth)
{
    struct dirent **list = NULL;
    int n = depth > 32 ? -1 : scandir(dir, &list, not_hidden, alphasort);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", list[i]->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            expand_dir(in, path, depth + 1);
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && kind_of(path) != K_OTHER) {
            push(in, path);
        }
        free(list[i]);
    }
    free(list);
}

static int parse_kind(const char *name, kind_t *out)
{
    static const char *const names[] = {"text", "html", "json", "jsonl"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (kind_t)i;
            return 0;
        }
    }
    return -1;
}

client_input_t *client_input_new(char **paths, int npaths, const char *stdin_format, char *errstr,
                                 size_t errlen)
{
    client_input_t *in = ds_xcalloc(1, sizeof *in);
    if (parse_kind(stdin_format ? stdin_format : "text", &in->stdin_kind) != 0) {
        snprintf(errstr, errlen, "--stdin-format must be text, html, json or jsonl, not '%s'", stdin_format);
        free(in);
        return NULL;
    }
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            expand_dir(in, paths[i], 0);
        } else {
            push(in, paths[i]);
        }
    }
    return in;
}

void client_input_destroy(client_input_t **self_p)
{
    client_input_t *in = *self_p;
    if (in == NULL) {
        return;
    }
    for (size_t i = 0; i < in->nfiles; i++) {
        free(in->files[i]);
    }
    free(in->files);
    if (in->jl && in->jl != stdin) {
        fclose(in->jl);
    }
    json_decref(in->arr);
    free(in);
    *self_p = NULL;
}

/* Parses one JSON text into doc; origin already set. */
static void from_json_text(const char *text, size_t len, client_doc_t *doc, client_input_t *in)
{
    json_error_t jerr;
    json_t *v = json_loadb(text, len, 0, &jerr);
    if (v == NULL) {
        snprintf(doc->error, sizeof doc->error, "invalid JSON (line %d, column %d): %s", jerr.line,
                 jerr.column, jerr.text);
    } else if (json_is_array(v) && in) {
        in->arr = v;
        in->arr_i = 0;
        snprintf(in->arr_path, sizeof in->arr_path, "%.899s", doc->origin);
        return;
    } else {
        client_doc_from_json(v, doc);
    }
    json_decref(v);
}

static int next_from_jsonl(client_input_t *in, client_doc_t *doc)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in->jl)) >= 0) {
        in->jl_line++;
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        snprintf(doc->origin, sizeof doc->origin, "%s:%ld", in->jl_path, in->jl_line);
        from_json_text(line, len, doc, NULL);
        free(line);
        return 1;
    }
    free(line);
    if (in->jl != stdin) {
        fclose(in->jl);
    }
    in->jl = NULL;
    return 0;
}

static int next_from_array(client_input_t *in, client_doc_t *doc)
{
    if (in->arr_i >= json_array_size(in->arr)) {
        json_decref(in->arr);
        in->arr = NULL;
        return 0;
    }
    snprintf(doc->origin, sizeof doc->origin, "%s[%zu]", in->arr_path, in->arr_i);
    client_doc_from_json(json_array_get(in->arr, in->arr_i++), doc);
    return 1;
}

/* Opens the next file: yields a document (1) or starts a stream (0). */
static int open_file(client_input_t *in, const char *path, client_doc_t *doc)
{
    bool is_stdin = strcmp(path, "-") == 0;
    kind_t k = is_stdin ? in->stdin_kind : kind_of(path);
    snprintf(doc->origin, sizeof doc->origin, "%s", is_stdin ? "(stdin)" : path);
    if (k == K_JSONL) {
        in->jl = is_stdin ? stdin : fopen(path, "r");
        snprintf(in->jl_path, sizeof in->jl_path, "%.899s", doc->origin);
        in->jl_line = 0;
        if (in->jl) {
            return 0;
        }
    } else if (client_read_file(path, &doc->text) == 0) {
        if (k == K_JSON) {
            ds_buf_t raw = doc->text;
            ds_buf_init(&doc->text);
            from_json_text(ds_buf_str(&raw), raw.len, doc, in);
            ds_buf_free(&raw);
            return in->arr ? 0 : 1;
        }
        doc->format = k == K_HTML ? ds_xstrdup("html") : NULL;
        return 1;
    }
    snprintf(doc->error, sizeof doc->error, "cannot read %s: %s", path, strerror(errno));
    return 1;
}

int client_input_next(client_input_t *self, client_doc_t *doc)
{
    for (;;) {
        client_doc_clear(doc);
        if (self->jl && next_from_jsonl(self, doc)) {
            return 1;
        }
        if (self->arr && next_from_array(self, doc)) {
            return 1;
        }
        if (self->jl || self->arr) {
            continue;
        }
        if (self->next >= self->nfiles) {
            return 0;
        }
        if (open_file(self, self->files[self->next++], doc)) {
            return 1;
        }
    }
}

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 1;
    }
    long n = 0;
    int c, prev = '\n';
    while ((c = getc(f)) != EOF) {
        n += c == '\n' && prev != '\n';
        prev = c;
    }
    fclose(f);
    return n + (prev != '\n');
}

long client_input_count(char **paths, int npaths)
{
    char err[64];
    client_input_t *in = client_input_new(paths, npaths, "text", err, sizeof err);
    long n = 0;
    for (size_t i = 0; in && i < in->nfiles; i++) {
        if (strcmp(in->files[i], "-") == 0) {
            n = -1;
            break;
        }
        n += kind_of(in->files[i]) == K_JSONL ? count_lines(in->files[i]) : 1;
    }
    client_input_destroy(&in);
    return n;
}
