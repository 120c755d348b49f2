/* worker_mdp.c: the MDP worker socket; see worker_mdp.h.
 *
 * Timekeeping uses two monotonic deadlines instead of counters: heartbeat_at (when
 * we must next send HEARTBEAT) and expiry_at (when the broker counts as dead: the last
 * message from it plus liveness intervals).  Any message from the broker moves
 * expiry_at.  Incoming commands are dispatched through a table indexed by command.
 */
#include "worker_mdp.h"

#include "ds_clock.h"
#include "ds_log.h"
#include "ds_mdp.h"
#include "ds_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* A REQUEST received and not yet taken by the caller. */
typedef struct {
    zframe_t *client;
    zframe_t *body;
} pending_t;

struct worker_mdp {
    worker_mdp_opts_t o;
    zsock_t *sock;
    zframe_t *client;   /* address of the request being worked on (recv/reply), or NULL */
    pending_t *pending; /* FIFO ring of credit entries */
    int phead, npending;
    int nheld; /* taken, not yet replied */
    int64_t heartbeat_at;
    int64_t expiry_at;
    bool disconnected;
    worker_mdp_stats_t stats;
};

static void send_cmd(worker_mdp_t *m, int cmd, const char *option, zmsg_t **body_p)
{
    zmsg_t *msg = ds_mdpw_msg(cmd, option, body_p);
    if (zmsg_send(&msg, m->sock) != 0) {
        zmsg_destroy(&msg);
    }
    m->heartbeat_at = ds_now_ms() + m->o.heartbeat_ms;
}

static int open_socket(worker_mdp_t *m, char *errstr, size_t errlen)
{
    m->sock = zsock_new(ZMQ_DEALER);
    if (m->sock == NULL) {
        snprintf(errstr, errlen, "cannot create a ZeroMQ socket");
        return -1;
    }
    zsock_set_linger(m->sock, 1000);
    /* never block forever on a full pipe to a vanished broker */
    zsock_set_sndtimeo(m->sock, (int)m->o.heartbeat_ms);
    if (m->o.max_msg_bytes > 0) {
        zsock_set_maxmsgsize(m->sock, (int)m->o.max_msg_bytes);
    }
    /* ZMTP heartbeats notice a dead TCP peer even while we are busy */
    zsock_set_heartbeat_ivl(m->sock, (int)m->o.heartbeat_ms);
    zsock_set_heartbeat_timeout(m->sock, (int)(m->o.heartbeat_ms * m->o.liveness));
    if (zsock_connect(m->sock, "%s", m->o.endpoint) != 0) {
        snprintf(errstr, errlen, "cannot connect to broker '%s': %s", m->o.endpoint, zmq_strerror(errno));
        zsock_destroy(&m->sock);
        return -1;
    }
    zmsg_t *credit = NULL;
    if (m->o.credit > 1) {
        /* the Dossier extension (SPEC 7.9.1): {"credit": K} after the service */
        uint8_t map[16] = {0x81,
                           0xa6,
                           'c',
                           'r',
                           'e',
                           'd',
                           'i',
                           't',
                           0xcd,
                           (uint8_t)(m->o.credit >> 8),
                           (uint8_t)m->o.credit};
        credit = zmsg_new();
        zmsg_addmem(credit, map, 11);
    }
    send_cmd(m, MDPW_READY, m->o.service, credit ? &credit : NULL);
    m->expiry_at = ds_now_ms() + m->o.heartbeat_ms * m->o.liveness;
    return 0;
}

worker_mdp_t *worker_mdp_new(const worker_mdp_opts_t *o, char *errstr, size_t errlen)
{
    worker_mdp_t *m = ds_xcalloc(1, sizeof *m);
    m->o = *o;
    if (m->o.credit < 1) {
        m->o.credit = 1;
    }
    m->pending = ds_xcalloc((size_t)m->o.credit, sizeof *m->pending);
    if (open_socket(m, errstr, errlen) != 0) {
        free(m->pending);
        free(m);
        return NULL;
    }
    return m;
}

void worker_mdp_disconnect(worker_mdp_t *m)
{
    if (m->sock && !m->disconnected) {
        send_cmd(m, MDPW_DISCONNECT, NULL, NULL);
        m->disconnected = true;
    }
}

/* Frees the requests received and not yet taken. */
static void drop_pending(worker_mdp_t *m)
{
    for (; m->npending > 0; m->npending--) {
        pending_t *p = &m->pending[m->phead];
        zframe_destroy(&p->client);
        zframe_destroy(&p->body);
        m->phead = (m->phead + 1) % m->o.credit;
    }
}

void worker_mdp_destroy(worker_mdp_t **self_p)
{
    worker_mdp_t *m = *self_p;
    if (m == NULL) {
        return;
    }
    worker_mdp_disconnect(m);
    zsock_destroy(&m->sock);
    zframe_destroy(&m->client);
    drop_pending(m);
    free(m->pending);
    free(m);
    *self_p = NULL;
}

/* The broker went silent: new socket, READY again.  Any request being worked on
 * stays (its reply goes out on the new socket; the broker may ignore it, and its own
 * lease rules redeliver the document: the store is idempotent).  Requests not yet
 * taken are dropped (the broker redelivers them too), and the new registration
 * starts with all its credit: the broker's count of what this worker holds is the
 * one that matters, so held requests of the old connection no longer count here. */
static void reconnect(worker_mdp_t *m)
{
    ds_log(DS_LOG_WARNING, "msg=\"broker silent, reconnecting\" broker=%s", m->o.endpoint);
    drop_pending(m);
    m->nheld = 0;
    zsock_destroy(&m->sock);
    m->stats.reconnects++;
    struct timespec ts = {(time_t)(m->o.reconnect_ms / 1000), (long)(m->o.reconnect_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    char err[256];
    if (open_socket(m, err, sizeof err) != 0) {
        /* the endpoint was valid at start; keep trying on the next expiry */
        ds_log(DS_LOG_ERR, "msg=\"reconnect failed\" error=\"%s\"", err);
        m->expiry_at = ds_now_ms() + m->o.heartbeat_ms;
    }
}

/* ---- incoming commands ------------------------------------------------------------- */

typedef void (*handler_fn)(worker_mdp_t *m, zmsg_t *msg);

static void on_request(worker_mdp_t *m, zmsg_t *msg)
{
    /* remaining frames: client-address, "", body */
    zframe_t *addr = zmsg_pop(msg);
    zframe_t *empty = zmsg_pop(msg);
    zframe_t *body = zmsg_pop(msg);
    bool ok = addr && empty && zframe_size(empty) == 0 && body && zmsg_size(msg) == 0;
    if (!ok || m->npending + m->nheld >= m->o.credit) {
        m->stats.malformed++;
        ds_log(DS_LOG_WARNING, "msg=\"dropping %s REQUEST\"", ok ? "an overlapping" : "a malformed");
        zframe_destroy(&addr);
        zframe_destroy(&body);
    } else {
        pending_t *p = &m->pending[(m->phead + m->npending) % m->o.credit];
        p->client = addr;
        p->body = body;
        m->npending++;
    }
    zframe_destroy(&empty);
}

static void on_heartbeat(worker_mdp_t *m, zmsg_t *msg)
{
    (void)m;
    (void)msg;
}

static void on_disconnect(worker_mdp_t *m, zmsg_t *msg)
{
    (void)msg;
    ds_log(DS_LOG_NOTICE, "msg=\"broker sent DISCONNECT, reconnecting\"");
    m->expiry_at = 0; /* reconnect on the next check */
}

static void on_unexpected(worker_mdp_t *m, zmsg_t *msg)
{
    (void)msg;
    m->stats.malformed++;
    ds_log(DS_LOG_WARNING, "msg=\"unexpected command from broker, reconnecting\"");
    m->expiry_at = 0;
}

static const handler_fn handlers[MDPW_NCOMMANDS] = {
    [MDPW_READY] = on_unexpected,    [MDPW_REQUEST] = on_request,       [MDPW_REPLY] = on_unexpected,
    [MDPW_HEARTBEAT] = on_heartbeat, [MDPW_DISCONNECT] = on_disconnect,
};

/* Reads one message and dispatches it; false when none was waiting. */
static bool receive(worker_mdp_t *m)
{
    zmsg_t *msg = m->sock ? zmsg_recv_nowait(m->sock) : NULL;
    if (msg == NULL) {
        return false;
    }
    m->expiry_at = ds_now_ms() + m->o.heartbeat_ms * m->o.liveness;
    zframe_t *empty = zmsg_pop(msg);
    zframe_t *proto = zmsg_pop(msg);
    zframe_t *cmd = zmsg_pop(msg);
    int c = (cmd && zframe_size(cmd) == 1) ? zframe_data(cmd)[0] : 0;
    if (empty && zframe_size(empty) == 0 && ds_frame_is(proto, MDPW_WORKER) && c > 0 && c < MDPW_NCOMMANDS) {
        handlers[c](m, msg);
    } else {
        m->stats.malformed++;
        ds_log(DS_LOG_WARNING, "msg=\"dropping a malformed message from the broker\"");
    }
    zframe_destroy(&empty);
    zframe_destroy(&proto);
    zframe_destroy(&cmd);
    zmsg_destroy(&msg);
    return true;
}

/* Heartbeat and expiry bookkeeping after a poll. */
static void timekeeping(worker_mdp_t *m)
{
    int64_t now = ds_now_ms();
    if (now >= m->expiry_at) {
        reconnect(m);
    } else if (now >= m->heartbeat_at) {
        send_cmd(m, MDPW_HEARTBEAT, NULL, NULL);
    }
}

/* Polls up to ms (bounded by the next heartbeat), then does the timekeeping. */
static void service(worker_mdp_t *m, int64_t ms)
{
    int64_t now = ds_now_ms();
    int64_t until_hb = m->heartbeat_at - now;
    if (ms > until_hb) {
        ms = until_hb > 0 ? until_hb : 0;
    }
    zmq_pollitem_t item = {zsock_resolve(m->sock), 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, (long)ms);
    if (rc > 0 && (item.revents & ZMQ_POLLIN)) {
        (void)receive(m);
    }
    timekeeping(m);
}

/* Pops the oldest pending request: 1, or 0 when none. */
static int pop(worker_mdp_t *m, zframe_t **body_p, zframe_t **client_p)
{
    if (m->npending == 0) {
        return 0;
    }
    pending_t *p = &m->pending[m->phead];
    *body_p = p->body;
    *client_p = p->client;
    p->body = p->client = NULL;
    m->phead = (m->phead + 1) % m->o.credit;
    m->npending--;
    m->nheld++;
    m->stats.requests++;
    return 1;
}

int worker_mdp_recv(worker_mdp_t *m, zframe_t **body_p)
{
    if (m->client != NULL) { /* the previous request was never replied */
        zframe_destroy(&m->client);
        m->nheld -= m->nheld > 0;
    }
    while (!*m->o.stop) {
        if (pop(m, body_p, &m->client) == 1) {
            return 1;
        }
        service(m, m->o.heartbeat_ms);
    }
    return 0;
}

int worker_mdp_reply(worker_mdp_t *m, const void *body, size_t len)
{
    return worker_mdp_reply_to(m, &m->client, body, len);
}

int worker_mdp_reply_to(worker_mdp_t *m, zframe_t **client_p, const void *body, size_t len)
{
    zframe_t *client = *client_p;
    if (client == NULL) {
        return -1;
    }
    *client_p = NULL;
    m->nheld -= m->nheld > 0; /* 0 after a reconnect while this one was held */
    if (m->sock == NULL) {
        zframe_destroy(&client);
        return -1;
    }
    zmsg_t *msg = zmsg_new();
    zmsg_append(msg, &client);
    zmsg_addmem(msg, "", 0);
    zmsg_addmem(msg, body, len);
    send_cmd(m, MDPW_REPLY, NULL, &msg);
    return 0;
}

bool worker_mdp_wait(void *arg, int64_t ms)
{
    worker_mdp_t *m = arg;
    int64_t until = ds_now_ms() + ms;
    for (;;) {
        if (*m->o.stop) {
            return false;
        }
        int64_t left = until - ds_now_ms();
        if (left <= 0) {
            return true;
        }
        service(m, left);
    }
}

worker_mdp_stats_t worker_mdp_stats(const worker_mdp_t *m)
{
    return m->stats;
}

/* ---- several workers in one child (worker_batch.c) ---------------------------- */

void worker_mdp_pollitem(worker_mdp_t *m, zmq_pollitem_t *item, int64_t now, int64_t *ms)
{
    item->socket = m->sock ? zsock_resolve(m->sock) : NULL;
    item->fd = -1;
    item->events = m->sock ? ZMQ_POLLIN : 0;
    item->revents = 0;
    int64_t until_hb = m->heartbeat_at - now;
    if (*ms > until_hb) {
        *ms = until_hb > 0 ? until_hb : 0;
    }
}

void worker_mdp_tick(worker_mdp_t *m, bool readable)
{
    if (readable) {
        while (receive(m)) {
        }
    }
    timekeeping(m);
}

int worker_mdp_take(worker_mdp_t *m, zframe_t **body_p, zframe_t **client_p)
{
    return pop(m, body_p, client_p);
}

int worker_mdp_pending(const worker_mdp_t *m)
{
    return m->npending;
}
