/* ds_mem.h: allocation that aborts on out-of-memory (a bug-class failure for Dossier:
 * every size it allocates is bounded by a configured limit checked earlier). */
#ifndef DS_MEM_H
#define DS_MEM_H

#include <stddef.h>

void *ds_xmalloc(size_t n);
void *ds_xcalloc(size_t count, size_t n);
void *ds_xrealloc(void *p, size_t n);
char *ds_xstrdup(const char *s);
char *ds_xstrndup(const char *s, size_t n);

#endif
