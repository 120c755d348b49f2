/* broker_lease.c: see broker_lease.h.  Pure policy, no I/O. */
#include "broker_lease.h"

#include <assert.h>
#include <stddef.h>

void broker_leases_init(broker_leases_t *t, int64_t lease_ms, uint64_t first_token)
{
    t->held.prev = t->held.next = &t->held;
    t->next_token = first_token ? first_token : 1;
    t->count = 0;
    t->lease_ms = lease_ms;
}

uint64_t broker_lease_grant(broker_leases_t *t, broker_lease_t *l, const void *holder, uint32_t attempt,
                            int64_t now_ms)
{
    assert(l->token == 0 && "lease granted twice");
    if (t->next_token == 0) {
        t->next_token = 1;
    }
    l->token = t->next_token++;
    l->attempt = attempt;
    l->holder = holder;
    l->started_ms = now_ms;
    l->deadline_ms = t->lease_ms > 0 ? now_ms + t->lease_ms : INT64_MAX;
    l->prev = t->held.prev;
    l->next = &t->held;
    t->held.prev->next = l;
    t->held.prev = l;
    t->count++;
    return l->token;
}

bool broker_lease_held(const broker_lease_t *l)
{
    return l->token != 0;
}

bool broker_lease_current(const broker_lease_t *l, uint64_t token, const void *holder)
{
    return l->token != 0 && l->token == token && l->holder == holder;
}

void broker_lease_release(broker_leases_t *t, broker_lease_t *l)
{
    if (l->token == 0) {
        return;
    }
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->prev = l->next = NULL;
    l->token = 0;
    l->holder = NULL;
    t->count--;
}

broker_lease_t *broker_leases_overdue(const broker_leases_t *t, int64_t now_ms)
{
    broker_lease_t *first = t->held.next;
    if (first == &t->held || first->deadline_ms > now_ms) {
        return NULL;
    }
    return first;
}

int64_t broker_leases_next_deadline(const broker_leases_t *t)
{
    return t->held.next == &t->held ? INT64_MAX : t->held.next->deadline_ms;
}
