/* broker_wire.c: see broker_wire.h. */
#include "broker_wire.h"

#include "ds_mdp.h"
#include "ds_mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int broker_frames_recv(void *sock, broker_frames_t *m)
{
    m->n = 0;
    m->total = 0;
    int flags = ZMQ_DONTWAIT;
    for (;;) {
        zmq_msg_t tmp;
        zmq_msg_t *f = m->n < BROKER_MAX_FRAMES ? &m->f[m->n] : &tmp;
        zmq_msg_init(f);
        if (zmq_msg_recv(f, sock, flags) < 0) {
            int e = errno;
            zmq_msg_close(f);
            if (m->total == 0 && (e == EAGAIN || e == EINTR)) {
                return 0;
            }
            broker_frames_close(m);
            errno = e;
            return -1;
        }
        m->total++;
        bool more = zmq_msg_more(f);
        if (f == &tmp) {
            zmq_msg_close(&tmp);
        } else {
            m->n++;
        }
        if (!more) {
            return 1;
        }
        flags = 0; /* the rest of a multipart message is already here */
    }
}

void broker_frames_close(broker_frames_t *m)
{
    for (int i = 0; i < m->n; i++) {
        zmq_msg_close(&m->f[i]);
    }
    m->n = 0;
}

bool broker_frame_is(broker_frames_t *m, int i, const char *s)
{
    size_t n = strlen(s);
    return i < m->n && zmq_msg_size(&m->f[i]) == n && memcmp(zmq_msg_data(&m->f[i]), s, n) == 0;
}

int broker_send(void *sock, const broker_part_t *parts, int n, zmq_msg_t *last)
{
    for (int i = 0; i < n; i++) {
        int more = (i + 1 < n || last) ? ZMQ_SNDMORE : 0;
        if (zmq_send(sock, parts[i].p, parts[i].n, more | ZMQ_DONTWAIT) < 0) {
            /* only the first frame can fail on ROUTER: the peer check is made there */
            return -errno;
        }
    }
    if (last && zmq_msg_send(last, sock, ZMQ_DONTWAIT) < 0) {
        return -errno;
    }
    return 0;
}

/* ---- outbox ------------------------------------------------------------------ */

void broker_outbox_init(broker_outbox_t *o)
{
    memset(o, 0, sizeof *o);
}

void broker_outbox_free(broker_outbox_t *o)
{
    ds_buf_free(&o->arena);
    free(o->v);
    memset(o, 0, sizeof *o);
}

ds_buf_t *broker_outbox_begin(broker_outbox_t *o, const void *client, size_t clen, const char *svc,
                              size_t svclen)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = ds_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    broker_outmsg_t *m = &o->v[o->n];
    m->off = o->arena.len;
    m->clen = (uint8_t)(clen > 255 ? 255 : clen);
    m->svclen = (uint16_t)(svclen > 255 ? 255 : svclen);
    ds_buf_append(&o->arena, client, m->clen);
    ds_buf_append(&o->arena, svc, m->svclen);
    m->bodylen = o->arena.len; /* start of body, fixed up in _end */
    return &o->arena;
}

void broker_outbox_end(broker_outbox_t *o)
{
    broker_outmsg_t *m = &o->v[o->n];
    m->bodylen = o->arena.len - m->bodylen;
    o->n++;
}

size_t broker_outbox_flush(broker_outbox_t *o, void *sock)
{
    size_t lost = 0;
    for (size_t i = 0; i < o->n; i++) {
        const broker_outmsg_t *m = &o->v[i];
        const char *base = o->arena.data + m->off;
        broker_part_t parts[] = {{base, m->clen},
                                 {"", 0},
                                 {MDPC_CLIENT, strlen(MDPC_CLIENT)},
                                 {base + m->clen, m->svclen},
                                 {base + m->clen + m->svclen, m->bodylen}};
        if (broker_send(sock, parts, 5, NULL) != 0) {
            lost++;
        }
    }
    o->n = 0;
    ds_buf_reset(&o->arena);
    return lost;
}
