/* broker_queue.h: the document queue policy (pure: no I/O, time passed in as now_ms).
 *
 * Model: the queue holds small items embedded in the broker's document entries; the
 * documents themselves wait in the journal, not in heap copies.  An item is either
 * READY (FIFO list, dispatched from the head), DELAYED (a min-heap by due_ms, waiting
 * out a retry backoff), or OUT (admitted but in neither: running on a worker).
 * Accounting covers every admitted item, wherever it is, so --max-queue and
 * --max-queue-bytes bound everything the broker holds for unfinished documents.
 * Invariants: count/bytes are the sums over admitted items; an item is in at most one
 * of the two containers; promote() moves due items to the READY tail in due order.
 * Called by broker_docs.c.
 */
#ifndef BROKER_QUEUE_H
#define BROKER_QUEUE_H

#include "ds_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BROKER_Q_OUT = 0, BROKER_Q_READY = 1, BROKER_Q_DELAYED = 2 };

typedef struct broker_qitem {
    struct broker_qitem *prev, *next; /* READY list links */
    int64_t due_ms;                   /* DELAYED: when it becomes READY */
    size_t heap_idx;                  /* DELAYED: index in the heap */
    uint64_t bytes;                   /* counted against max_bytes */
    uint8_t where;                    /* BROKER_Q_* */
    bool admitted;
} broker_qitem_t;

typedef struct {
    broker_qitem_t ready;  /* sentinel of the READY list */
    broker_qitem_t **heap; /* DELAYED min-heap by due_ms */
    size_t nheap, capheap;
    uint64_t nready;
    uint64_t count, bytes; /* admitted items and their bytes */
    uint64_t max_count, max_bytes;
} broker_queue_t;

void broker_queue_init(broker_queue_t *q, uint64_t max_count, uint64_t max_bytes);
void broker_queue_free(broker_queue_t *q);

/* 0 when one more item of `bytes` fits under both limits, else DS_EBUSY. */
int broker_queue_admit(const broker_queue_t *q, uint64_t bytes) DS_WUR;
/* Accounts a new item (OUT); call after a successful admit, or at replay (which may
 * exceed the limits: documents already accepted are never refused). */
void broker_queue_add(broker_queue_t *q, broker_qitem_t *it, uint64_t bytes);
/* Removes an item from its container (if any) and from the accounting. */
void broker_queue_forget(broker_queue_t *q, broker_qitem_t *it);

void broker_queue_push(broker_queue_t *q, broker_qitem_t *it);       /* READY tail */
void broker_queue_push_front(broker_queue_t *q, broker_qitem_t *it); /* READY head */
void broker_queue_defer(broker_queue_t *q, broker_qitem_t *it, int64_t due_ms);
/* Takes the READY head (the item becomes OUT) or returns NULL. */
broker_qitem_t *broker_queue_pop(broker_queue_t *q);
/* Takes an item out of READY or DELAYED (it becomes OUT). */
void broker_queue_remove(broker_queue_t *q, broker_qitem_t *it);
/* Moves every DELAYED item with due_ms <= now_ms to the READY tail; returns how many. */
size_t broker_queue_promote(broker_queue_t *q, int64_t now_ms);
/* Earliest due_ms among DELAYED items, or INT64_MAX. */
int64_t broker_queue_next_due(const broker_queue_t *q);

#endif
