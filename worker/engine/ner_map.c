/* ner_map.c: see ner_map.h.  Linear probing over a power-of-two table; lookups are inline
 * in the header, growing is here. */
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

void ner_map_grow(ner_map_t *m)
{
    ner_map_t n;
    ner_map_init(&n, m->cap);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i]) {
            size_t j = ner_map_slot(&n, m->keys[i]);
            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
            n.len++;
        }
    }
    ner_map_free(m);
    *m = n;
}
