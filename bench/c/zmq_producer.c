/* zmq_producer.c: the ceiling: a ZeroMQ PUSH socket feeding PULL workers directly,
 * with no broker, no journal and no acknowledgements.
 *
 * Connects to every worker endpoint in --endpoint (comma-separated), waits until each
 * connection has completed its ZMTP handshake (so PUSH spreads jobs over all of them
 * from the first message), then sends N two-frame messages [id][text] and waits for
 * N result hashes in Redis.  Workers: zmq_worker.c.  Run by bench/run.sh.
 */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static void wait_handshakes(void *ctx, void *push, int want)
{
    if (zmq_socket_monitor(push, "inproc://bench-mon", ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0) {
        bu_die("zmq_socket_monitor: %s", zmq_strerror(zmq_errno()));
    }
    void *mon = zmq_socket(ctx, ZMQ_PAIR);
    int timeout_ms = 10000;
    zmq_setsockopt(mon, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_connect(mon, "inproc://bench-mon");
    for (int got = 0; got < want;) {
        zmq_msg_t ev;
        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, mon, 0) < 0) {
            bu_die("workers did not connect (%d of %d)", got, want);
        }
        if (!zmq_msg_more(&ev)) {
            zmq_msg_close(&ev);
            continue;
        }
        got++;
        zmq_msg_close(&ev);
        zmq_msg_init(&ev);
        zmq_msg_recv(&ev, mon, 0); /* the endpoint frame */
        zmq_msg_close(&ev);
    }
    zmq_socket_monitor(push, NULL, 0);
    zmq_close(mon);
}

int main(int argc, char **argv)
{
    bu_opts_t o;
    bu_opts_parse(&o, argc, argv);
    if (!o.endpoint) {
        bu_die("--endpoint tcp://...[,tcp://...] is required");
    }
    size_t len;
    char *text = bu_read_file(o.article, &len);
    redisContext *rc = bu_redis(o.redis_host, o.redis_port, o.redis_db);

    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    int hwm = 10000, linger = 1000;
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    char *eps = strdup(o.endpoint), *save = NULL;
    int want = 0;
    for (char *ep = strtok_r(eps, ",", &save); ep; ep = strtok_r(NULL, ",", &save), want++) {
        if (zmq_connect(push, ep) != 0) {
            bu_die("connect %s: %s", ep, zmq_strerror(zmq_errno()));
        }
    }
    wait_handshakes(ctx, push, want);

    bu_meter_t m;
    bu_meter_start(&m, &o, rc);
    char id[96];
    for (long i = 0; i < o.n; i++) {
        int idlen = bu_job_id(id, sizeof id, o.prefix, i);
        if (zmq_send(push, id, (size_t)idlen, ZMQ_SNDMORE) < 0 || zmq_send(push, text, len, 0) < 0) {
            bu_die("zmq_send: %s", zmq_strerror(zmq_errno()));
        }
    }
    int code = bu_meter_finish(&m, &o, rc, 0);
    zmq_close(push);
    zmq_ctx_term(ctx);
    redisFree(rc);
    free(eps);
    free(text);
    return code;
}
