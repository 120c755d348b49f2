/* ds_producer.c: Dossier producer for the benchmarks: a Majordomo (RFC 7/MDP) client on
 * one DEALER socket with up to --window dossier.submit requests in flight.
 *
 * Each request is "" | "MDPC01" | "dossier.submit" | {id, text} (msgpack).  Replies are
 * matched by the id in their body (proto/SPEC.md §2.1): accepted and duplicate
 * complete a document; busy and draining resend it after retry_after_ms; anything else
 * is an error that ends the run.  With --rate R the producer is open-loop: document i
 * is sent at t0 + i/R (the window still caps what is in flight), and --times-out
 * records each document's first send time for the latency join (bench/report.py).
 * Then, unless --no-wait, it waits until the results stream (--count-cmd, e.g.
 * "XLEN dossier:results") has grown by N.  Run by bench/run.sh.
 */
#include "bench_util.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
    void *sock;
    const char *text;
    size_t text_len;
    const char *prefix;
    msgpack_sbuffer sbuf;
} producer_t;

static void send_doc(producer_t *p, long i)
{
    char id[96];
    int idlen = bu_job_id(id, sizeof id, p->prefix, i);
    msgpack_sbuffer_clear(&p->sbuf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &p->sbuf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "id", 2);
    msgpack_pack_str_with_body(&pk, id, (size_t)idlen);
    msgpack_pack_str_with_body(&pk, "text", 4);
    msgpack_pack_str_with_body(&pk, p->text, p->text_len);
    if (zmq_send(p->sock, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(p->sock, "MDPC01", 6, ZMQ_SNDMORE) < 0 ||
        zmq_send(p->sock, "dossier.submit", 14, ZMQ_SNDMORE) < 0 ||
        zmq_send(p->sock, p->sbuf.data, p->sbuf.size, 0) < 0) {
        bu_die("zmq_send: %s", zmq_strerror(zmq_errno()));
    }
}

typedef struct {
    char status[16];
    long index;            /* -1 when the id is not one of ours */
    long long retry_after; /* ms, -1 when absent */
    char code[32];
    char error[160];
} reply_t;

static void copy_str(char *dst, size_t cap, const msgpack_object *v)
{
    size_t n = v->type == MSGPACK_OBJECT_STR ? v->via.str.size : 0;
    n = n < cap - 1 ? n : cap - 1;
    memcpy(dst, n ? v->via.str.ptr : "", n);
    dst[n] = '\0';
}

static int parse_reply(const char *data, size_t size, const char *prefix, reply_t *r)
{
    *r = (reply_t){.index = -1, .retry_after = -1};
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    if (msgpack_unpack_next(&up, data, size, &off) != MSGPACK_UNPACK_SUCCESS ||
        up.data.type != MSGPACK_OBJECT_MAP) {
        msgpack_unpacked_destroy(&up);
        return -1;
    }
    size_t plen = strlen(prefix);
    const msgpack_object_map *map = &up.data.via.map;
    for (uint32_t k = 0; k < map->size; k++) {
        const msgpack_object *key = &map->ptr[k].key, *v = &map->ptr[k].val;
        if (key->type != MSGPACK_OBJECT_STR) {
            continue;
        }
        const char *ks = key->via.str.ptr;
        size_t kn = key->via.str.size;
        if (kn == 6 && memcmp(ks, "status", 6) == 0) {
            copy_str(r->status, sizeof r->status, v);
        } else if (kn == 5 && memcmp(ks, "error", 5) == 0) {
            copy_str(r->error, sizeof r->error, v);
        } else if (kn == 4 && memcmp(ks, "code", 4) == 0) {
            copy_str(r->code, sizeof r->code, v);
        } else if (kn == 14 && memcmp(ks, "retry_after_ms", 14) == 0 &&
                   (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)) {
            r->retry_after = (long long)v->via.u64;
        } else if (kn == 2 && memcmp(ks, "id", 2) == 0 && v->type == MSGPACK_OBJECT_STR &&
                   v->via.str.size > plen + 1 && memcmp(v->via.str.ptr, prefix, plen) == 0 &&
                   v->via.str.ptr[plen] == '-') {
            char num[32];
            size_t nn = v->via.str.size - plen - 1;
            nn = nn < sizeof num - 1 ? nn : sizeof num - 1;
            memcpy(num, v->via.str.ptr + plen + 1, nn);
            num[nn] = '\0';
            r->index = atol(num);
        }
    }
    msgpack_unpacked_destroy(&up);
    return 0;
}

/* Receives one reply (the caller knows one is waiting); returns 0 or -1. */
static int recv_reply(void *sock, const char *prefix, reply_t *r)
{
    zmq_msg_t frames[4];
    int nf = 0, more = 1;
    while (more) {
        zmq_msg_t f;
        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, sock, 0) < 0) {
            bu_die("zmq_recv: %s", zmq_strerror(zmq_errno()));
        }
        more = zmq_msg_more(&f);
        if (nf < 4) {
            frames[nf++] = f;
        } else {
            zmq_msg_close(&f);
            nf = 5;
        }
    }
    int rc = -1;
    if (nf == 4 && zmq_msg_size(&frames[0]) == 0 && zmq_msg_size(&frames[1]) == 6 &&
        memcmp(zmq_msg_data(&frames[1]), "MDPC01", 6) == 0) {
        rc = parse_reply(zmq_msg_data(&frames[3]), zmq_msg_size(&frames[3]), prefix, r);
    }
    for (int i = 0; i < nf && i < 4; i++) {
        zmq_msg_close(&frames[i]);
    }
    return rc;
}

typedef struct {
    long *idx;
    int64_t *due;
    long head, tail, cap;
} retryq_t;

static void retry_push(retryq_t *q, long i, int64_t due)
{
    if (q->tail - q->head == q->cap) {
        bu_die("retry queue overflow");
    }
    q->idx[q->tail % q->cap] = i;
    q->due[q->tail % q->cap] = due;
    q->tail++;
}

/* One run: what has been sent, what is in flight, what waits for a resend. */
typedef struct {
    producer_t p;
    const bu_opts_t *o;
    int64_t t0_ns;
    int64_t *submit_ns; /* first send of each document */
    char *done;
    retryq_t q;
    long next, inflight, completed, retries;
    int64_t last_reply_ns;
} run_t;

static int64_t due_ns(const run_t *r, long i)
{
    return r->t0_ns + (int64_t)(1e9 * (double)i / r->o->rate);
}

/* Sends what the window and the schedule allow; returns when to look again. */
static int64_t run_sends(run_t *r)
{
    int64_t now = bu_now_ns(), wake = now + 100000000; /* at most 100 ms between checks */
    while (r->inflight < r->o->window) {
        if (r->q.head < r->q.tail && r->q.due[r->q.head % r->q.cap] <= now) {
            send_doc(&r->p, r->q.idx[r->q.head++ % r->q.cap]);
        } else if (r->next < r->o->n && (r->o->rate <= 0 || now >= due_ns(r, r->next))) {
            r->submit_ns[r->next] = now;
            send_doc(&r->p, r->next++);
            now = r->o->rate > 0 ? bu_now_ns() : now;
        } else {
            break;
        }
        r->inflight++;
    }
    if (r->q.head < r->q.tail && r->q.due[r->q.head % r->q.cap] < wake) {
        wake = r->q.due[r->q.head % r->q.cap];
    }
    if (r->o->rate > 0 && r->next < r->o->n && due_ns(r, r->next) < wake) {
        wake = due_ns(r, r->next);
    }
    return wake;
}

/* Takes every reply that is waiting. */
static void run_replies(run_t *r)
{
    int events = 0;
    size_t evlen = sizeof events;
    while (zmq_getsockopt(r->p.sock, ZMQ_EVENTS, &events, &evlen) == 0 && (events & ZMQ_POLLIN)) {
        reply_t rep;
        if (recv_reply(r->p.sock, r->o->prefix, &rep) != 0 || rep.index < 0 || rep.index >= r->o->n) {
            bu_die("malformed reply from the broker");
        }
        r->last_reply_ns = bu_now_ns();
        r->inflight--;
        if (strcmp(rep.status, "accepted") == 0 || strcmp(rep.status, "duplicate") == 0) {
            r->completed += !r->done[rep.index];
            r->done[rep.index] = 1;
        } else if (strcmp(rep.status, "busy") == 0 || strcmp(rep.status, "draining") == 0) {
            r->retries++;
            int64_t after_ms = rep.retry_after >= 0 ? rep.retry_after : 5;
            retry_push(&r->q, rep.index, r->last_reply_ns + 1000000 * after_ms);
        } else {
            bu_die("document %ld: status '%s' code '%s' %s", rep.index, rep.status, rep.code, rep.error);
        }
    }
}

static void run_all(run_t *r)
{
    r->last_reply_ns = bu_now_ns();
    while (r->completed < r->o->n) {
        int64_t wake = run_sends(r), now = bu_now_ns();
        zmq_pollitem_t item = {.socket = r->p.sock, .events = ZMQ_POLLIN};
        long timeout_ms = r->inflight < r->o->window ? (long)((wake - now + 999999) / 1000000) : 100;
        if (zmq_poll(&item, 1, timeout_ms < 0 ? 0 : timeout_ms) < 0) {
            continue;
        }
        run_replies(r);
        if (r->inflight > 0 && bu_now_ns() - r->last_reply_ns > (int64_t)r->o->timeout_s * 1000000000) {
            bu_die("no reply from the broker for %d s (%ld of %ld accepted)", r->o->timeout_s, r->completed,
                   r->o->n);
        }
    }
}

static void write_times(const run_t *r, const char *path)
{
    FILE *f = fopen(path, "w");
    for (long i = 0; f && i < r->o->n; i++) {
        fprintf(f, "%ld %lld\n", i, (long long)r->submit_ns[i]);
    }
    if (!f || fclose(f) != 0) {
        bu_die("cannot write %s", path);
    }
}

static void *connect_dealer(void *ctx, const char *endpoint)
{
    void *sock = zmq_socket(ctx, ZMQ_DEALER);
    int hwm = 0, linger = 0;
    zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(sock, endpoint) != 0) {
        bu_die("connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
    }
    return sock;
}

int main(int argc, char **argv)
{
    bu_opts_t o;
    bu_opts_parse(&o, argc, argv);
    if (!o.endpoint) {
        bu_die("--endpoint tcp://HOST:PORT (the broker) is required");
    }
    run_t r = {.o = &o, .p = {.prefix = o.prefix}, .q = {.cap = o.n + 1}};
    char *text = bu_read_file(o.article, &r.p.text_len);
    r.p.text = text;
    msgpack_sbuffer_init(&r.p.sbuf);
    redisContext *rc = bu_redis(o.redis_host, o.redis_port, o.redis_db);
    void *ctx = zmq_ctx_new();
    r.p.sock = connect_dealer(ctx, o.endpoint);
    r.submit_ns = calloc((size_t)o.n, sizeof *r.submit_ns);
    r.done = calloc((size_t)o.n, 1);
    r.q.idx = malloc((size_t)r.q.cap * sizeof *r.q.idx);
    r.q.due = malloc((size_t)r.q.cap * sizeof *r.q.due);
    if (!r.submit_ns || !r.done || !r.q.idx || !r.q.due) {
        bu_die("out of memory");
    }

    bu_meter_t m;
    bu_meter_start(&m, &o, rc);
    r.t0_ns = m.t0_ns;
    run_all(&r);
    double accept_secs = (double)(bu_now_ns() - m.t0_ns) / 1e9;
    int code = bu_meter_finish(&m, &o, rc, r.retries);
    printf("ACCEPT secs=%.4f rate=%.1f\n", accept_secs, (double)o.n / accept_secs);
    if (o.times_out) {
        write_times(&r, o.times_out);
    }
    zmq_close(r.p.sock);
    zmq_ctx_term(ctx);
    redisFree(rc);
    msgpack_sbuffer_destroy(&r.p.sbuf);
    free(r.submit_ns);
    free(r.done);
    free(r.q.idx);
    free(r.q.due);
    free(text);
    return code;
}
