/* ds_buf.h: a growable byte buffer (always NUL-terminated for convenience).
 *
 * A ds_buf_t is a value type: declare one, ds_buf_init() it (or = DS_BUF_INIT),
 * append, then ds_buf_free().  ds_buf_reset() keeps the allocation for reuse, so a
 * hot loop that reuses one buffer does not allocate per document.
 */
#ifndef DS_BUF_H
#define DS_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data; /* NUL-terminated; NULL until first append */
    size_t len;
    size_t cap;
} ds_buf_t;

#define DS_BUF_INIT                                                                                          \
    {                                                                                                        \
        NULL, 0, 0                                                                                           \
    }

void ds_buf_init(ds_buf_t *b);
void ds_buf_free(ds_buf_t *b);
void ds_buf_reset(ds_buf_t *b);
void ds_buf_reserve(ds_buf_t *b, size_t extra);
void ds_buf_append(ds_buf_t *b, const void *p, size_t n);
void ds_buf_puts(ds_buf_t *b, const char *s);
void ds_buf_putc(ds_buf_t *b, char c);
void ds_buf_printf(ds_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the data (caller owns, NUL-terminated, never NULL) and leaves b empty. */
char *ds_buf_detach(ds_buf_t *b, size_t *len_out);
/* Always a valid NUL-terminated string, "" when empty. */
const char *ds_buf_str(const ds_buf_t *b);

#endif
