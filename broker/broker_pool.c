/* broker_pool.c: see broker_pool.h.  No I/O. */
#include "broker_pool.h"

#include "ds_mem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void broker_pool_init(broker_pool_t *p, int64_t expiry_ms, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    broker_hash_init(&p->workers, seed);
    p->seen.sprev = p->seen.snext = &p->seen;
    p->expiry_ms = expiry_ms;
}

void broker_pool_free(broker_pool_t *p)
{
    while (p->seen.snext != &p->seen) {
        broker_worker_t *w = p->seen.snext;
        broker_pool_remove(p, &w);
    }
    while (p->services) {
        broker_service_t *s = p->services;
        p->services = s->next;
        free(s);
    }
    broker_hash_free(&p->workers);
}

broker_worker_t *broker_pool_worker(const broker_pool_t *p, const void *identity, size_t len)
{
    broker_hnode_t *n = broker_hash_find(&p->workers, identity, len);
    return n ? BROKER_CONTAINER_OF(n, broker_worker_t, node) : NULL;
}

broker_service_t *broker_pool_service(const broker_pool_t *p, const char *name, size_t len)
{
    for (broker_service_t *s = p->services; s; s = s->next) {
        if (s->namelen == len && memcmp(s->name, name, len) == 0) {
            return s;
        }
    }
    return NULL;
}

static broker_service_t *service_require(broker_pool_t *p, const char *name, size_t len)
{
    broker_service_t *s = broker_pool_service(p, name, len);
    if (s || p->nservices >= BROKER_MAX_SERVICES) {
        return s;
    }
    s = ds_xcalloc(1, sizeof *s);
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    s->namelen = len;
    s->idle.iprev = s->idle.inext = &s->idle;
    broker_reqlist_init(&s->pending);
    s->next = p->services;
    p->services = s;
    p->nservices++;
    return s;
}

int broker_pool_ready(broker_pool_t *p, const void *identity, size_t idlen, const char *name, size_t namelen,
                      int credit, int64_t now_ms, broker_worker_t **out)
{
    *out = NULL;
    if (idlen == 0 || idlen > 255 || namelen == 0 || namelen > 255 || credit < 1 ||
        credit > BROKER_MAX_CREDIT) {
        return DS_EINVAL;
    }
    broker_service_t *s = service_require(p, name, namelen);
    if (s == NULL) {
        return DS_EINVAL;
    }
    broker_worker_t *w = ds_xcalloc(1, sizeof *w);
    w->slots = ds_xcalloc((size_t)credit, sizeof *w->slots);
    w->credit = (uint16_t)credit;
    w->idlen = (uint8_t)idlen;
    memcpy(w->identity, identity, idlen);
    w->service = s;
    broker_hash_insert(&p->workers, &w->node, w->identity, w->idlen);
    w->sprev = p->seen.sprev;
    w->snext = &p->seen;
    p->seen.sprev->snext = w;
    p->seen.sprev = w;
    w->expiry_ms = now_ms + p->expiry_ms;
    p->nworkers++;
    s->nworkers++;
    broker_pool_idle(p, w);
    *out = w;
    return 0;
}

static void unlink_idle(broker_worker_t *w)
{
    if (w->iprev) {
        w->iprev->inext = w->inext;
        w->inext->iprev = w->iprev;
        w->iprev = w->inext = NULL;
        w->service->nidle--;
    }
}

void broker_pool_remove(broker_pool_t *p, broker_worker_t **w_p)
{
    broker_worker_t *w = *w_p;
    if (w == NULL) {
        return;
    }
    assert(!broker_worker_busy(w) && "remove a worker only after settling its jobs");
    unlink_idle(w);
    w->sprev->snext = w->snext;
    w->snext->sprev = w->sprev;
    broker_hash_remove(&p->workers, &w->node);
    w->service->nworkers--;
    p->nworkers--;
    free(w->slots);
    free(w);
    *w_p = NULL;
}

void broker_pool_seen(broker_pool_t *p, broker_worker_t *w, int64_t now_ms)
{
    w->expiry_ms = now_ms + p->expiry_ms;
    if (w->snext == &p->seen) {
        return;
    }
    w->sprev->snext = w->snext;
    w->snext->sprev = w->sprev;
    w->sprev = p->seen.sprev;
    w->snext = &p->seen;
    p->seen.sprev->snext = w;
    p->seen.sprev = w;
}

void broker_pool_idle(broker_pool_t *p, broker_worker_t *w)
{
    (void)p;
    if (w->iprev != NULL || w->nheld >= w->credit) {
        return;
    }
    broker_service_t *s = w->service;
    w->iprev = s->idle.iprev;
    w->inext = &s->idle;
    s->idle.iprev->inext = w;
    s->idle.iprev = w;
    s->nidle++;
}

broker_worker_t *broker_pool_take(broker_pool_t *p, broker_service_t *s)
{
    (void)p;
    if (s->idle.inext == &s->idle) {
        return NULL;
    }
    broker_worker_t *w = s->idle.inext;
    unlink_idle(w);
    return w;
}

broker_worker_t *broker_pool_expired(const broker_pool_t *p, int64_t now_ms)
{
    broker_worker_t *w = p->seen.snext;
    return (w != &p->seen && w->expiry_ms <= now_ms) ? w : NULL;
}

broker_slot_t *broker_pool_assign(broker_pool_t *p, broker_worker_t *w, int kind, void *job, uint64_t token)
{
    assert(w->nheld < w->credit && kind != BROKER_JOB_NONE);
    broker_slot_t *slot = NULL;
    for (uint16_t i = 0; i < w->credit; i++) {
        if (w->slots[i].kind == BROKER_JOB_NONE) {
            slot = &w->slots[i];
            break;
        }
    }
    assert(slot != NULL);
    slot->kind = kind;
    slot->job = job;
    slot->token = token;
    w->nheld++;
    broker_pool_idle(p, w);
    return slot;
}

void broker_pool_settle(broker_pool_t *p, broker_worker_t *w, broker_slot_t *slot)
{
    if (slot->kind == BROKER_JOB_NONE) {
        return;
    }
    slot->kind = BROKER_JOB_NONE;
    slot->job = NULL;
    slot->token = 0;
    w->nheld--;
    broker_pool_idle(p, w);
}

broker_slot_t *broker_worker_doc_slot(broker_worker_t *w, uint64_t token)
{
    for (uint16_t i = 0; i < w->credit; i++) {
        broker_slot_t *s = &w->slots[i];
        if ((s->kind == BROKER_JOB_DOC || s->kind == BROKER_JOB_LATE) && s->token == token) {
            return s;
        }
    }
    return NULL;
}

broker_slot_t *broker_worker_job_slot(broker_worker_t *w, const void *job)
{
    for (uint16_t i = 0; i < w->credit; i++) {
        if (w->slots[i].kind != BROKER_JOB_NONE && w->slots[i].job == job) {
            return &w->slots[i];
        }
    }
    return NULL;
}

bool broker_worker_busy(const broker_worker_t *w)
{
    for (uint16_t i = 0; i < w->credit; i++) {
        if (w->slots[i].kind == BROKER_JOB_DOC || w->slots[i].kind == BROKER_JOB_REQ) {
            return true;
        }
    }
    return false;
}
