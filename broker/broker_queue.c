/* broker_queue.c: see broker_queue.h.  Pure policy, no I/O. */
#include "broker_queue.h"

#include "ds_mem.h"

#include <assert.h>
#include <stdlib.h>

void broker_queue_init(broker_queue_t *q, uint64_t max_count, uint64_t max_bytes)
{
    *q = (broker_queue_t){0};
    q->ready.prev = q->ready.next = &q->ready;
    q->max_count = max_count;
    q->max_bytes = max_bytes;
}

void broker_queue_free(broker_queue_t *q)
{
    free(q->heap);
    q->heap = NULL;
    q->nheap = q->capheap = 0;
}

int broker_queue_admit(const broker_queue_t *q, uint64_t bytes)
{
    if (q->count + 1 > q->max_count || q->bytes + bytes > q->max_bytes) {
        return DS_EBUSY;
    }
    return 0;
}

void broker_queue_add(broker_queue_t *q, broker_qitem_t *it, uint64_t bytes)
{
    assert(!it->admitted);
    it->prev = it->next = NULL;
    it->where = BROKER_Q_OUT;
    it->bytes = bytes;
    it->admitted = true;
    q->count++;
    q->bytes += bytes;
}

void broker_queue_forget(broker_queue_t *q, broker_qitem_t *it)
{
    if (!it->admitted) {
        return;
    }
    broker_queue_remove(q, it);
    it->admitted = false;
    q->count--;
    q->bytes -= it->bytes;
}

static void link_after(broker_qitem_t *pos, broker_qitem_t *it)
{
    it->prev = pos;
    it->next = pos->next;
    pos->next->prev = it;
    pos->next = it;
}

void broker_queue_push(broker_queue_t *q, broker_qitem_t *it)
{
    assert(it->admitted && it->where == BROKER_Q_OUT);
    link_after(q->ready.prev, it);
    it->where = BROKER_Q_READY;
    q->nready++;
}

void broker_queue_push_front(broker_queue_t *q, broker_qitem_t *it)
{
    assert(it->admitted && it->where == BROKER_Q_OUT);
    link_after(&q->ready, it);
    it->where = BROKER_Q_READY;
    q->nready++;
}

/* ---- the DELAYED min-heap ---------------------------------------------------- */

static void heap_set(broker_queue_t *q, size_t i, broker_qitem_t *it)
{
    q->heap[i] = it;
    it->heap_idx = i;
}

static void sift_up(broker_queue_t *q, size_t i)
{
    broker_qitem_t *it = q->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (q->heap[parent]->due_ms <= it->due_ms) {
            break;
        }
        heap_set(q, i, q->heap[parent]);
        i = parent;
    }
    heap_set(q, i, it);
}

static void sift_down(broker_queue_t *q, size_t i)
{
    broker_qitem_t *it = q->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        int64_t best = it->due_ms;
        if (l < q->nheap && q->heap[l]->due_ms < best) {
            m = l;
            best = q->heap[l]->due_ms;
        }
        if (r < q->nheap && q->heap[r]->due_ms < best) {
            m = r;
        }
        if (m == i) {
            break;
        }
        heap_set(q, i, q->heap[m]);
        i = m;
    }
    heap_set(q, i, it);
}

void broker_queue_defer(broker_queue_t *q, broker_qitem_t *it, int64_t due_ms)
{
    assert(it->admitted && it->where == BROKER_Q_OUT);
    if (q->nheap == q->capheap) {
        q->capheap = q->capheap ? q->capheap * 2 : 64;
        q->heap = ds_xrealloc(q->heap, q->capheap * sizeof *q->heap);
    }
    it->due_ms = due_ms;
    it->where = BROKER_Q_DELAYED;
    q->heap[q->nheap++] = it;
    sift_up(q, q->nheap - 1);
}

static void heap_remove(broker_queue_t *q, size_t i)
{
    broker_qitem_t *last = q->heap[--q->nheap];
    if (i == q->nheap) {
        return;
    }
    heap_set(q, i, last);
    sift_down(q, i);
    sift_up(q, last->heap_idx);
}

void broker_queue_remove(broker_queue_t *q, broker_qitem_t *it)
{
    if (it->where == BROKER_Q_READY) {
        it->prev->next = it->next;
        it->next->prev = it->prev;
        it->prev = it->next = NULL;
        q->nready--;
    } else if (it->where == BROKER_Q_DELAYED) {
        heap_remove(q, it->heap_idx);
    }
    it->where = BROKER_Q_OUT;
}

broker_qitem_t *broker_queue_pop(broker_queue_t *q)
{
    if (q->ready.next == &q->ready) {
        return NULL;
    }
    broker_qitem_t *it = q->ready.next;
    broker_queue_remove(q, it);
    return it;
}

size_t broker_queue_promote(broker_queue_t *q, int64_t now_ms)
{
    size_t n = 0;
    while (q->nheap > 0 && q->heap[0]->due_ms <= now_ms) {
        broker_qitem_t *it = q->heap[0];
        heap_remove(q, 0);
        it->where = BROKER_Q_OUT;
        broker_queue_push(q, it);
        n++;
    }
    return n;
}

int64_t broker_queue_next_due(const broker_queue_t *q)
{
    return q->nheap ? q->heap[0]->due_ms : INT64_MAX;
}
