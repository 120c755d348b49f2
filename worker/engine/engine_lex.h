/* engine_lex.h: an interning table of short strings (words, stems, phrases).
 *
 * Open addressing over 64-bit FNV-1a hashes (the low bits pick the slot, the high
 * half is kept in it as a tag), keys kept in one pool and compared exactly.  Ids are dense (0, 1, 2 ... in
 * insertion order) so callers keep their payloads in parallel arrays.  The loaders fill the static part once;
 * during analysis the engine may add entries (a stem cache) and later truncate back to the static part to
 * bound memory.  Not thread-safe, like the engine.
 */
#ifndef ENGINE_LEX_H
#define ENGINE_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENGINE_LEX_NONE UINT32_MAX

typedef struct {
    uint32_t tag; /* high half of the hash, never 0; 0 = empty slot */
    uint32_t id;
} engine_lex_slot_t;

typedef struct {
    engine_lex_slot_t *slots; /* tag and id side by side: one cache line per probe */
    size_t mask;              /* slots - 1 */
    uint32_t *koff;           /* per id: key offset in pool */
    uint32_t *klen;           /* per id: key length */
    size_t n, cap;            /* ids */
    char *pool;
    size_t pool_len, pool_cap;
} engine_lex_t;

uint64_t engine_hash(const char *s, size_t n);

void engine_lex_init(engine_lex_t *l, size_t expect);
void engine_lex_free(engine_lex_t *l);
/* The id of s[0..n) (hash h = engine_hash(s, n)), or ENGINE_LEX_NONE. */
uint32_t engine_lex_find(const engine_lex_t *l, const char *s, size_t n, uint64_t h);
/* The id of s, inserting it when absent (*added says which; may be NULL). */
uint32_t engine_lex_add(engine_lex_t *l, const char *s, size_t n, uint64_t h, bool *added);
/* The key of an id (NUL-terminated in the pool). */
const char *engine_lex_key(const engine_lex_t *l, uint32_t id, size_t *n);
/* Forgets every id >= n. */
void engine_lex_truncate(engine_lex_t *l, size_t n);

#endif
