/* ner_map.h: a small open-addressing hash map from 64-bit keys to 32-bit values.
 *
 * Used by the gazetteer, the geo index and the entity stages.  Keys are already
 * hashes (ner_hash, ner_phrase_key), so the map does no hashing of its own; key 0 is
 * stored as 1.  Grows at half load; lookups of absent keys stop at the first empty slot.
 */
#ifndef NER_MAP_H
#define NER_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *keys; /* 0 = empty */
    uint32_t *vals;
    size_t cap; /* power of two */
    size_t len;
} ner_map_t;

void ner_map_init(ner_map_t *m, size_t expect);
void ner_map_free(ner_map_t *m);
void ner_map_clear(ner_map_t *m);
void ner_map_grow(ner_map_t *m);

/* The slot of key, or the empty slot where it would go (key already non-zero). */
static inline size_t ner_map_slot(const ner_map_t *m, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & (m->cap - 1);
    while (m->keys[i] != 0 && m->keys[i] != key) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

/* Returns a pointer to the value for key, inserting it with value init if absent.
 * Inline: the tagger's per-text caches call it for nearly every token. */
static inline uint32_t *ner_map_put(ner_map_t *m, uint64_t key, uint32_t init)
{
    key = key ? key : 1;
    if ((m->len + 1) * 2 > m->cap) {
        ner_map_grow(m);
    }
    size_t i = ner_map_slot(m, key);
    if (m->keys[i] == 0) {
        m->keys[i] = key;
        m->vals[i] = init;
        m->len++;
    }
    return &m->vals[i];
}

/* Returns the value pointer, or NULL when absent. */
static inline uint32_t *ner_map_get(const ner_map_t *m, uint64_t key)
{
    key = key ? key : 1;
    if (m->cap == 0) {
        return NULL;
    }
    size_t i = ner_map_slot(m, key);
    return m->keys[i] ? &m->vals[i] : NULL;
}

#endif
