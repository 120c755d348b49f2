/* ds_buf.c: see ds_buf.h. */
#include "ds_buf.h"

#include "ds_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ds_buf_init(ds_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ds_buf_free(ds_buf_t *b)
{
    free(b->data);
    ds_buf_init(b);
}

void ds_buf_reset(ds_buf_t *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

void ds_buf_reserve(ds_buf_t *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    b->data = ds_xrealloc(b->data, cap);
    b->cap = cap;
}

void ds_buf_append(ds_buf_t *b, const void *p, size_t n)
{
    ds_buf_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void ds_buf_puts(ds_buf_t *b, const char *s)
{
    ds_buf_append(b, s, strlen(s));
}

void ds_buf_putc(ds_buf_t *b, char c)
{
    ds_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ds_buf_printf(ds_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof small) {
        ds_buf_append(b, small, (size_t)n);
        return;
    }
    ds_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ds_buf_detach(ds_buf_t *b, size_t *len_out)
{
    if (b->data == NULL) {
        ds_buf_reserve(b, 0);
        b->data[0] = '\0';
    }
    char *p = b->data;
    if (len_out) {
        *len_out = b->len;
    }
    ds_buf_init(b);
    return p;
}

const char *ds_buf_str(const ds_buf_t *b)
{
    return b->data ? b->data : "";
}
