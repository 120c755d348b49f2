/* engine_arena.h: a bump allocator for one document's strings and small objects.
 *
 * Blocks of at least 16 KiB are chained; everything is freed at once by
 * engine_arena_free().  Allocation never fails (ds_xmalloc aborts on OOM, and the
 * engine bounds every document by max_bytes first).
 */
#ifndef ENGINE_ARENA_H
#define ENGINE_ARENA_H

#include <stddef.h>

typedef struct engine_arena_block engine_arena_block_t;

typedef struct {
    engine_arena_block_t *head;
} engine_arena_t;

void engine_arena_init(engine_arena_t *a);
void engine_arena_free(engine_arena_t *a);
/* n bytes aligned for any object; zeroed. */
void *engine_arena_alloc(engine_arena_t *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *engine_arena_strndup(engine_arena_t *a, const char *s, size_t n);
char *engine_arena_strdup(engine_arena_t *a, const char *s);

#endif
