/* ds_mem.c: see ds_mem.h. */
#include "ds_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "dossier: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ds_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        oom(n);
    }
    return p;
}

void *ds_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (p == NULL) {
        oom(count * n);
    }
    return p;
}

void *ds_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        oom(n);
    }
    return q;
}

char *ds_xstrndup(const char *s, size_t n)
{
    char *p = ds_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ds_xstrdup(const char *s)
{
    return ds_xstrndup(s, strlen(s));
}
