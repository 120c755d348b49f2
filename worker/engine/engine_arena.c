/* engine_arena.c: see engine_arena.h. */
#include "engine_arena.h"

#include "ds_mem.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN ((size_t)16 * 1024)

struct engine_arena_block {
    engine_arena_block_t *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

void engine_arena_init(engine_arena_t *a)
{
    a->head = NULL;
}

void engine_arena_free(engine_arena_t *a)
{
    engine_arena_block_t *b = a->head;
    while (b != NULL) {
        engine_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void engine_arena_reset(engine_arena_t *a, size_t keep_max)
{
    size_t total = 0, blocks = 0;
    for (engine_arena_block_t *b = a->head; b != NULL; b = b->next) {
        total += b->cap;
        blocks++;
    }
    if (blocks == 1 && total <= keep_max) {
        a->head->used = 0;
        return;
    }
    engine_arena_free(a);
    if (total > 0 && total <= keep_max) {
        a->head = ds_xmalloc(sizeof *a->head + total);
        a->head->next = NULL;
        a->head->used = 0;
        a->head->cap = total;
    }
}

void *engine_arena_alloc(engine_arena_t *a, size_t n)
{
    void *p = engine_arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

void *engine_arena_alloc_raw(engine_arena_t *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    engine_arena_block_t *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
        engine_arena_block_t *nb = ds_xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->cap = cap;
        if (b != NULL && n > BLOCK_MIN / 4) {
            /* a big object gets its own block behind the current one, so the
             * current block's free space stays usable */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *engine_arena_strndup(engine_arena_t *a, const char *s, size_t n)
{
    char *p = engine_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *engine_arena_strdup(engine_arena_t *a, const char *s)
{
    return engine_arena_strndup(a, s, strlen(s));
}

#define IMAP_START_MAX 1024 /* slots of a new map */

static void imap_alloc(engine_imap_t *m, size_t slots)
{
    m->keys = engine_arena_alloc(m->arena, slots * sizeof *m->keys);
    m->vals = engine_arena_alloc_raw(m->arena, slots * sizeof *m->vals);
    m->mask = slots - 1;
}

void engine_imap_init(engine_imap_t *m, engine_arena_t *a, size_t expect)
{
    size_t slots = 16;
    while (slots < expect * 2 && slots < IMAP_START_MAX) {
        slots *= 2;
    }
    m->arena = a;
    m->n = 0;
    imap_alloc(m, slots);
}

static size_t slot_of(uint64_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & mask;
}

static void imap_grow(engine_imap_t *m)
{
    const uint64_t *keys = m->keys;
    const uint32_t *vals = m->vals;
    size_t slots = m->mask + 1;
    imap_alloc(m, slots * 2);
    for (size_t j = 0; j < slots; j++) {
        if (keys[j] != 0) {
            size_t i = slot_of(keys[j], m->mask);
            while (m->keys[i] != 0) {
                i = (i + 1) & m->mask;
            }
            m->keys[i] = keys[j];
            m->vals[i] = vals[j];
        }
    }
}

uint32_t *engine_imap_put(engine_imap_t *m, uint64_t key, uint32_t init, int *added)
{
    size_t i = slot_of(key, m->mask);
    while (m->keys[i] != 0 && m->keys[i] != key) {
        i = (i + 1) & m->mask;
    }
    *added = m->keys[i] == 0;
    if (*added) {
        if (2 * (m->n + 1) > m->mask + 1) {
            imap_grow(m);
            i = slot_of(key, m->mask);
            while (m->keys[i] != 0) {
                i = (i + 1) & m->mask;
            }
        }
        m->n++;
        m->keys[i] = key;
        m->vals[i] = init;
    }
    return &m->vals[i];
}

uint32_t *engine_imap_get(const engine_imap_t *m, uint64_t key)
{
    size_t i = slot_of(key, m->mask);
    while (m->keys[i] != 0) {
        if (m->keys[i] == key) {
            return &m->vals[i];
        }
        i = (i + 1) & m->mask;
    }
    return NULL;
}
