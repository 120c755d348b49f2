/* engine_arena.h: a bump allocator for one document's strings and small objects.
 *
 * Blocks of at least 16 KiB are chained; everything is freed at once by
 * engine_arena_free().  Allocation never fails (ds_xmalloc aborts on OOM, and the
 * engine bounds every document by max_bytes first).
 */
#ifndef ENGINE_ARENA_H
#define ENGINE_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct engine_arena_block engine_arena_block_t;

typedef struct {
    engine_arena_block_t *head;
} engine_arena_t;

void engine_arena_init(engine_arena_t *a);
void engine_arena_free(engine_arena_t *a);
/* n bytes aligned for any object; zeroed. */
void *engine_arena_alloc(engine_arena_t *a, size_t n);
/* The same, not zeroed (for arrays written before they are read). */
void *engine_arena_alloc_raw(engine_arena_t *a, size_t n);
/* Forgets every allocation but keeps the memory for the next document (in one
 * block of the total size when it was several; all of it is freed above keep_max
 * bytes), so a scratch arena reused per document stops touching fresh pages. */
void engine_arena_reset(engine_arena_t *a, size_t keep_max);
/* A NUL-terminated copy of s[0..n). */
char *engine_arena_strndup(engine_arena_t *a, const char *s, size_t n);
char *engine_arena_strdup(engine_arena_t *a, const char *s);

/* A per-document map from 64-bit keys (never 0) to 32-bit values, in arena memory:
 * starts small (at most 1024 slots, fewer when `expect` keys need fewer) and doubles
 * when half full, so a map sized for the worst case (every word distinct) does not
 * clear a large table for the usual few hundred keys.  Old tables stay in the arena
 * until it is reset.  A value pointer is valid until the next put. */
typedef struct {
    uint64_t *keys;
    uint32_t *vals;
    size_t mask;
    size_t n;
    engine_arena_t *arena;
} engine_imap_t;

void engine_imap_init(engine_imap_t *m, engine_arena_t *a, size_t expect);
/* The value slot for key, inserted as init when absent (*added says which); may
 * grow the map. */
uint32_t *engine_imap_put(engine_imap_t *m, uint64_t key, uint32_t init, int *added);
/* The value slot for key, or NULL. */
uint32_t *engine_imap_get(const engine_imap_t *m, uint64_t key);

#endif
