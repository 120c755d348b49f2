/* broker_hash.c: see broker_hash.h.  Pure data structure, no I/O. */
#include "broker_hash.h"

#include "ds_mem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_BUCKETS 64

static uint64_t hash_bytes(uint64_t seed, const void *key, size_t n)
{
    const uint8_t *p = key;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    /* final avalanche so the low bits (bucket index) depend on every byte */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

void broker_hash_init(broker_hash_t *h, uint64_t seed)
{
    h->nbuckets = INITIAL_BUCKETS;
    h->buckets = ds_xcalloc(h->nbuckets, sizeof *h->buckets);
    h->count = 0;
    h->seed = seed;
}

void broker_hash_free(broker_hash_t *h)
{
    free(h->buckets);
    h->buckets = NULL;
    h->nbuckets = 0;
    h->count = 0;
}

broker_hnode_t *broker_hash_find(const broker_hash_t *h, const void *key, size_t keylen)
{
    uint64_t hv = hash_bytes(h->seed, key, keylen);
    for (broker_hnode_t *n = h->buckets[hv & (h->nbuckets - 1)]; n; n = n->next) {
        if (n->hash == hv && n->keylen == keylen && memcmp(n->key, key, keylen) == 0) {
            return n;
        }
    }
    return NULL;
}

static void grow(broker_hash_t *h)
{
    size_t nb = h->nbuckets * 2;
    broker_hnode_t **b = ds_xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < h->nbuckets; i++) {
        broker_hnode_t *n = h->buckets[i];
        while (n) {
            broker_hnode_t *next = n->next;
            size_t j = n->hash & (nb - 1);
            n->next = b[j];
            b[j] = n;
            n = next;
        }
    }
    free(h->buckets);
    h->buckets = b;
    h->nbuckets = nb;
}

void broker_hash_insert(broker_hash_t *h, broker_hnode_t *node, const void *key, size_t keylen)
{
    if (h->count + 1 > h->nbuckets) {
        grow(h);
    }
    node->key = key;
    node->keylen = keylen;
    node->hash = hash_bytes(h->seed, key, keylen);
    size_t i = node->hash & (h->nbuckets - 1);
    node->next = h->buckets[i];
    h->buckets[i] = node;
    h->count++;
}

void broker_hash_remove(broker_hash_t *h, broker_hnode_t *node)
{
    broker_hnode_t **pp = &h->buckets[node->hash & (h->nbuckets - 1)];
    while (*pp && *pp != node) {
        pp = &(*pp)->next;
    }
    assert(*pp == node && "broker_hash_remove: node not in table");
    *pp = node->next;
    node->next = NULL;
    h->count--;
}

void broker_hash_each(const broker_hash_t *h, void (*fn)(broker_hnode_t *node, void *arg), void *arg)
{
    for (size_t i = 0; i < h->nbuckets; i++) {
        for (broker_hnode_t *n = h->buckets[i]; n; n = n->next) {
            fn(n, arg);
        }
    }
}
