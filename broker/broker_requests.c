/* broker_requests.c: see broker_requests.h.  No I/O. */
#include "broker_requests.h"

#include "ds_mem.h"

#include <stdlib.h>
#include <string.h>

void broker_reqlist_init(broker_reqlist_t *l)
{
    l->head.sprev = l->head.snext = &l->head;
    l->n = 0;
}

void broker_requests_init(broker_requests_t *rs, size_t max_count, uint64_t max_bytes)
{
    memset(rs, 0, sizeof *rs);
    rs->head.gprev = rs->head.gnext = &rs->head;
    rs->max_count = max_count;
    rs->max_bytes = max_bytes;
}

broker_request_t *broker_request_new(const void *client, size_t clen, zmq_msg_t *body, void *service,
                                     int64_t deadline_ms)
{
    broker_request_t *r = ds_xcalloc(1, sizeof *r);
    r->clen = (uint8_t)(clen > sizeof r->client ? sizeof r->client : clen);
    memcpy(r->client, client, r->clen);
    zmq_msg_init(&r->body);
    zmq_msg_move(&r->body, body);
    r->service = service;
    r->deadline_ms = deadline_ms;
    return r;
}

void broker_request_destroy(broker_request_t **self_p)
{
    broker_request_t *r = *self_p;
    if (r == NULL) {
        return;
    }
    zmq_msg_close(&r->body);
    free(r);
    *self_p = NULL;
}

int broker_requests_admit(const broker_requests_t *rs, uint64_t bytes)
{
    if (rs->count + 1 > rs->max_count || rs->bytes + bytes > rs->max_bytes) {
        return DS_EBUSY;
    }
    return 0;
}

void broker_requests_enqueue(broker_requests_t *rs, broker_reqlist_t *l, broker_request_t *r)
{
    r->sprev = l->head.sprev;
    r->snext = &l->head;
    l->head.sprev->snext = r;
    l->head.sprev = r;
    l->n++;
    r->gprev = rs->head.gprev;
    r->gnext = &rs->head;
    rs->head.gprev->gnext = r;
    rs->head.gprev = r;
    rs->count++;
    rs->bytes += zmq_msg_size(&r->body);
}

void broker_requests_remove(broker_requests_t *rs, broker_reqlist_t *l, broker_request_t *r)
{
    r->sprev->snext = r->snext;
    r->snext->sprev = r->sprev;
    l->n--;
    r->gprev->gnext = r->gnext;
    r->gnext->gprev = r->gprev;
    rs->count--;
    rs->bytes -= zmq_msg_size(&r->body);
    r->sprev = r->snext = r->gprev = r->gnext = NULL;
}

broker_request_t *broker_requests_pop(broker_requests_t *rs, broker_reqlist_t *l)
{
    if (l->head.snext == &l->head) {
        return NULL;
    }
    broker_request_t *r = l->head.snext;
    broker_requests_remove(rs, l, r);
    return r;
}

broker_request_t *broker_requests_overdue(const broker_requests_t *rs, int64_t now_ms)
{
    broker_request_t *r = rs->head.gnext;
    return (r != &rs->head && r->deadline_ms <= now_ms) ? r : NULL;
}

int64_t broker_requests_next_deadline(const broker_requests_t *rs)
{
    return rs->head.gnext == &rs->head ? INT64_MAX : rs->head.gnext->deadline_ms;
}
