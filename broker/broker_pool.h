/* broker_pool.h: the workers and the services they offer (no I/O; time passed in).
 *
 * Model (RFC 7/MDP): a worker is a ROUTER peer that said READY for one service.  Each
 * service keeps its idle workers in least-recently-used order: a worker that becomes
 * idle goes to the tail, dispatch takes the head.  Every worker also sits in one
 * "seen" list ordered by expiry (a message from the worker moves it to the tail with
 * expiry now + liveness * heartbeat), so the head is the next worker to expire.
 * A service, once offered, stays known for the life of the process (so a request for
 * it waits for a worker instead of being refused); the number of services is bounded.
 * Credit (a Dossier extension, proto/SPEC.md 7.9.1): a worker may say in READY that
 * it takes up to `credit` requests at a time (1 for a plain MDP worker).  Its jobs
 * live in `credit` slots; "idle" means "has a free slot".
 * Invariants: a worker is in its service's idle list iff nheld < credit; nheld counts
 * the slots whose kind is not BROKER_JOB_NONE; nworkers/nidle match the lists.  The
 * pool only files jobs into slots: the caller settles every job before removing the
 * worker.
 * Called by broker_worker.c, broker_dispatch.c, broker_client.c, broker_server.c.
 */
#ifndef BROKER_POOL_H
#define BROKER_POOL_H

#include "broker_hash.h"
#include "broker_requests.h"
#include "ds_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BROKER_MAX_SERVICES 1024

/* BROKER_JOB_LATE: the slot of a document whose lease was taken back (--lease-ms);
 * the worker still holds it, and the slot is freed by its (late) reply. */
enum { BROKER_JOB_NONE = 0, BROKER_JOB_DOC = 1, BROKER_JOB_REQ = 2, BROKER_JOB_LATE = 3 };

#define BROKER_MAX_CREDIT 256

typedef struct {
    int kind;       /* BROKER_JOB_* */
    void *job;      /* broker_doc_t * or broker_request_t *; NULL when LATE */
    uint64_t token; /* DOC and LATE: the lease token sent in the REQUEST */
} broker_slot_t;

typedef struct broker_service broker_service_t;

typedef struct broker_worker {
    broker_hnode_t node;                 /* key: identity */
    struct broker_worker *iprev, *inext; /* the service's idle list */
    struct broker_worker *sprev, *snext; /* the pool's seen list */
    broker_service_t *service;
    int64_t expiry_ms;
    int64_t sent_ms;      /* last command sent to it */
    broker_slot_t *slots; /* credit of them */
    uint16_t credit;      /* 1..BROKER_MAX_CREDIT */
    uint16_t nheld;       /* slots in use */
    uint8_t idlen;
    uint8_t identity[255];
} broker_worker_t;

struct broker_service {
    broker_service_t *next; /* all services */
    broker_worker_t idle;   /* sentinel of the idle list */
    size_t nworkers, nidle;
    broker_reqlist_t pending; /* synchronous requests waiting for a worker */
    size_t namelen;
    char name[256]; /* NUL-terminated */
};

typedef struct {
    broker_hash_t workers;
    broker_worker_t seen; /* sentinel of the seen list */
    broker_service_t *services;
    size_t nservices;
    size_t nworkers;
    int64_t expiry_ms; /* liveness * heartbeat interval */
} broker_pool_t;

void broker_pool_init(broker_pool_t *p, int64_t expiry_ms, uint64_t seed);
/* Frees every worker and service (their jobs must already be settled). */
void broker_pool_free(broker_pool_t *p);

broker_worker_t *broker_pool_worker(const broker_pool_t *p, const void *identity, size_t len);
broker_service_t *broker_pool_service(const broker_pool_t *p, const char *name, size_t len);
/* Registers a new worker (identity not yet known) for service, idle, with credit
 * slots.  Returns 0, or DS_EINVAL when the identity or name is too long, the credit
 * is outside 1..BROKER_MAX_CREDIT or too many services exist. */
int broker_pool_ready(broker_pool_t *p, const void *identity, size_t idlen, const char *name, size_t namelen,
                      int credit, int64_t now_ms, broker_worker_t **out) DS_WUR;
/* Forgets a worker: out of every list, then freed. */
void broker_pool_remove(broker_pool_t *p, broker_worker_t **w_p);
/* Marks a worker seen now (it sent something). */
void broker_pool_seen(broker_pool_t *p, broker_worker_t *w, int64_t now_ms);
/* Puts a worker that has a free slot and is not in the idle list at its tail. */
void broker_pool_idle(broker_pool_t *p, broker_worker_t *w);
/* Takes the least recently used idle worker of s out of the idle list, or NULL.  The
 * caller then either files a job (_assign) or gives it back (_idle). */
broker_worker_t *broker_pool_take(broker_pool_t *p, broker_service_t *s);
/* Files a job into a free slot of w (taken with _take) and puts w back at the tail
 * of the idle list if it still has a free slot.  Returns the slot. */
broker_slot_t *broker_pool_assign(broker_pool_t *p, broker_worker_t *w, int kind, void *job, uint64_t token);
/* Frees a slot of w; w becomes idle if it was not. */
void broker_pool_settle(broker_pool_t *p, broker_worker_t *w, broker_slot_t *slot);
/* The slot holding a document (kind DOC or LATE) under lease token, or NULL. */
broker_slot_t *broker_worker_doc_slot(broker_worker_t *w, uint64_t token);
/* The slot holding job (any kind), or NULL. */
broker_slot_t *broker_worker_job_slot(broker_worker_t *w, const void *job);
/* True when some slot holds a document or a request (LATE slots do not count). */
bool broker_worker_busy(const broker_worker_t *w);
/* The worker that expired first (expiry_ms <= now_ms), or NULL. */
broker_worker_t *broker_pool_expired(const broker_pool_t *p, int64_t now_ms);

#endif
