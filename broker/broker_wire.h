/* broker_wire.h: frames in and out of the ROUTER socket, and the outbox of client
 * replies held back until the batch's journal commit.
 *
 * Model: a received message is read frame by frame into a fixed array of zmq_msg_t
 * (no allocation per message; frames beyond BROKER_MAX_FRAMES are read and dropped,
 * and the message is reported as overlong).  Sends never block (ZMQ_DONTWAIT) and,
 * with ZMQ_ROUTER_MANDATORY, report a departed peer as EHOSTUNREACH instead of
 * dropping silently.
 * The outbox is one growable arena plus offsets: a batch of replies costs no
 * allocation once the arena has grown.  Nothing in the outbox leaves before
 * broker_outbox_flush(), which the loop calls only after the batch is durable.
 * Called by broker_server.c (recv, flush) and every handler (outbox).
 */
#ifndef BROKER_WIRE_H
#define BROKER_WIRE_H

#include "ds_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#define BROKER_MAX_FRAMES 8

typedef struct {
    zmq_msg_t f[BROKER_MAX_FRAMES];
    int n;     /* frames held */
    int total; /* frames the message had */
} broker_frames_t;

/* Reads one whole message without blocking.  Returns 1 when one was read, 0 when
 * none was waiting, -1 on a socket error (errno set).  Close with _close(). */
int broker_frames_recv(void *sock, broker_frames_t *m);
void broker_frames_close(broker_frames_t *m);

static inline const uint8_t *broker_frame_data(broker_frames_t *m, int i)
{
    return zmq_msg_data(&m->f[i]);
}
static inline size_t broker_frame_size(broker_frames_t *m, int i)
{
    return zmq_msg_size(&m->f[i]);
}
bool broker_frame_is(broker_frames_t *m, int i, const char *s);

typedef struct {
    const void *p;
    size_t n;
} broker_part_t;

/* Sends parts[0..n) and then *last (moved; may be NULL) as one message.  Returns 0,
 * or -errno (-EHOSTUNREACH: peer gone; -EAGAIN: its pipe is full). */
int broker_send(void *sock, const broker_part_t *parts, int n, zmq_msg_t *last);

/* ---- the outbox of client replies ------------------------------------------ */

typedef struct {
    size_t off; /* client identity, then service, then body, in the arena */
    uint8_t clen;
    uint16_t svclen;
    size_t bodylen;
} broker_outmsg_t;

typedef struct {
    ds_buf_t arena;
    broker_outmsg_t *v;
    size_t n, cap;
} broker_outbox_t;

void broker_outbox_init(broker_outbox_t *o);
void broker_outbox_free(broker_outbox_t *o);
/* Starts a reply to client on service; pack the body into the returned buffer, then
 * call _end().  The buffer is valid until _end(). */
ds_buf_t *broker_outbox_begin(broker_outbox_t *o, const void *client, size_t clen, const char *svc,
                              size_t svclen);
void broker_outbox_end(broker_outbox_t *o);
/* Sends every reply as "" "MDPC01" service body; returns how many could not be
 * delivered (client gone or not reading).  Empties the outbox. */
size_t broker_outbox_flush(broker_outbox_t *o, void *sock);

#endif
