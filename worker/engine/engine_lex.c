/* engine_lex.c: see engine_lex.h. */
#include "engine_lex.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

uint64_t engine_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 29; /* FNV's low bits are weak for short keys; fold the high ones in */
    return h ? h : 1;
}

static uint32_t tag_of(uint64_t h)
{
    uint32_t t = (uint32_t)(h >> 32);
    return t ? t : 1;
}

static void alloc_slots(engine_lex_t *l, size_t slots)
{
    l->slots = ds_xcalloc(slots, sizeof *l->slots);
    l->mask = slots - 1;
}

void engine_lex_init(engine_lex_t *l, size_t expect)
{
    memset(l, 0, sizeof *l);
    size_t slots = 64;
    while (slots < expect * 2) {
        slots *= 2;
    }
    alloc_slots(l, slots);
}

void engine_lex_free(engine_lex_t *l)
{
    free(l->slots);
    free(l->koff);
    free(l->klen);
    free(l->pool);
    memset(l, 0, sizeof *l);
}

/* a[0..n) == b[0..n) for short keys, in word-sized loads that stay inside both
 * spans (the last load overlaps the previous one); no library call. */
static inline bool bytes_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) {
                return false;
            }
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t p, q, u, v;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return p == q && u == v;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

static bool key_eq(const engine_lex_t *l, uint32_t id, const char *s, size_t n)
{
    return l->klen[id] == n && bytes_eq(l->pool + l->koff[id], s, n);
}

uint32_t engine_lex_find(const engine_lex_t *l, const char *s, size_t n, uint64_t h)
{
    uint32_t tag = tag_of(h);
    for (size_t i = h & l->mask;; i = (i + 1) & l->mask) {
        const engine_lex_slot_t *sl = &l->slots[i];
        if (sl->tag == 0) {
            return ENGINE_LEX_NONE;
        }
        if (sl->tag == tag && key_eq(l, sl->id, s, n)) {
            return sl->id;
        }
    }
}

/* Puts id in the first free slot from the hash's home slot. */
static void place(engine_lex_t *l, uint64_t h, uint32_t id)
{
    size_t i = h & l->mask;
    while (l->slots[i].tag != 0) {
        i = (i + 1) & l->mask;
    }
    l->slots[i].tag = tag_of(h);
    l->slots[i].id = id;
}

/* Rebuilds the slots from the keys (ids >= l->n are dropped). */
static void rehash(engine_lex_t *l, size_t slots)
{
    free(l->slots);
    alloc_slots(l, slots);
    for (uint32_t id = 0; id < l->n; id++) {
        place(l, engine_hash(l->pool + l->koff[id], l->klen[id]), id);
    }
}

uint32_t engine_lex_add(engine_lex_t *l, const char *s, size_t n, uint64_t h, bool *added)
{
    uint32_t id = engine_lex_find(l, s, n, h);
    if (added != NULL) {
        *added = id == ENGINE_LEX_NONE;
    }
    if (id != ENGINE_LEX_NONE) {
        return id;
    }
    if ((l->n + 1) * 2 > l->mask + 1) {
        rehash(l, (l->mask + 1) * 2);
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->koff = ds_xrealloc(l->koff, l->cap * sizeof *l->koff);
        l->klen = ds_xrealloc(l->klen, l->cap * sizeof *l->klen);
    }
    if (l->pool_len + n + 1 > l->pool_cap) {
        size_t cap = l->pool_cap ? l->pool_cap : 4096;
        while (cap < l->pool_len + n + 1) {
            cap *= 2;
        }
        l->pool = ds_xrealloc(l->pool, cap);
        l->pool_cap = cap;
    }
    id = (uint32_t)l->n++;
    l->koff[id] = (uint32_t)l->pool_len;
    l->klen[id] = (uint32_t)n;
    memcpy(l->pool + l->pool_len, s, n);
    l->pool[l->pool_len + n] = '\0';
    l->pool_len += n + 1;
    place(l, h, id);
    return id;
}

const char *engine_lex_key(const engine_lex_t *l, uint32_t id, size_t *n)
{
    if (n != NULL) {
        *n = l->klen[id];
    }
    return l->pool + l->koff[id];
}

void engine_lex_truncate(engine_lex_t *l, size_t n)
{
    if (n >= l->n) {
        return;
    }
    l->n = n;
    l->pool_len = n ? l->koff[n - 1] + l->klen[n - 1] + 1 : 0;
    rehash(l, l->mask + 1); /* drops slots whose id is now >= n */
}
