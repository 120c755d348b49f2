/* ner_map.c: see ner_map.h.  Linear probing over a power-of-two table. */
#include "ner_map.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

void ner_map_init(ner_map_t *m, size_t expect)
{
    size_t cap = 16;
    while (cap < expect * 2) {
        cap <<= 1;
    }
    m->keys = ds_xcalloc(cap, sizeof *m->keys);
    m->vals = ds_xcalloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->len = 0;
}

void ner_map_free(ner_map_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

void ner_map_clear(ner_map_t *m)
{
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->len = 0;
}

static size_t slot(const ner_map_t *m, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & (m->cap - 1);
    while (m->keys[i] != 0 && m->keys[i] != key) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

static void grow(ner_map_t *m)
{
    ner_map_t n;
    ner_map_init(&n, m->cap);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i]) {
            size_t j = slot(&n, m->keys[i]);
            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
            n.len++;
        }
    }
    ner_map_free(m);
    *m = n;
}

uint32_t *ner_map_put(ner_map_t *m, uint64_t key, uint32_t init)
{
    key = key ? key : 1;
    if ((m->len + 1) * 2 > m->cap) {
        grow(m);
    }
    size_t i = slot(m, key);
    if (m->keys[i] == 0) {
        m->keys[i] = key;
        m->vals[i] = init;
        m->len++;
    }
    return &m->vals[i];
}

uint32_t *ner_map_get(const ner_map_t *m, uint64_t key)
{
    key = key ? key : 1;
    if (m->cap == 0) {
        return NULL;
    }
    size_t i = slot(m, key);
    return m->keys[i] ? &m->vals[i] : NULL;
}
