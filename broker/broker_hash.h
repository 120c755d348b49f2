/* broker_hash.h: an intrusive chained hash table keyed by byte strings.
 *
 * Model: callers embed a broker_hnode_t in their own struct (the worker pool keys
 * workers by ZeroMQ identity, the document index keys documents by id) and recover
 * the container with BROKER_CONTAINER_OF.  The table never copies or frees keys or
 * nodes; a key must stay valid and unchanged while its node is in the table.
 * Invariants: at most one node per key (callers check with _find before _insert);
 * the bucket array doubles when the load passes 1, so lookups stay O(1).
 * The hash is FNV-1a 64 mixed with a per-table seed: ids come from semi-trusted
 * producers and the seed keeps collisions from being precomputed.
 */
#ifndef BROKER_HASH_H
#define BROKER_HASH_H

#include <stddef.h>
#include <stdint.h>

#define BROKER_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

typedef struct broker_hnode {
    struct broker_hnode *next;
    uint64_t hash;
    const void *key; /* borrowed: usually points into the containing struct */
    size_t keylen;
} broker_hnode_t;

typedef struct {
    broker_hnode_t **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    uint64_t seed;
} broker_hash_t;

void broker_hash_init(broker_hash_t *h, uint64_t seed);
/* Frees the bucket array only; the nodes belong to the caller. */
void broker_hash_free(broker_hash_t *h);
broker_hnode_t *broker_hash_find(const broker_hash_t *h, const void *key, size_t keylen);
/* Inserts node with key (borrowed); the key must not be present. */
void broker_hash_insert(broker_hash_t *h, broker_hnode_t *node, const void *key, size_t keylen);
/* Removes node (which must be in the table). */
void broker_hash_remove(broker_hash_t *h, broker_hnode_t *node);
/* Calls fn on every node; fn may not modify the table. */
void broker_hash_each(const broker_hash_t *h, void (*fn)(broker_hnode_t *node, void *arg), void *arg);

#endif
