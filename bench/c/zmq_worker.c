/* zmq_worker.c: the ceiling's worker: a PULL socket bound to one endpoint; for each
 * [id][text] message it counts words and HSETs r:{id} into Redis, one round trip per
 * job (as every peer's worker does).  Runs until killed.
 * usage: zmq_worker ENDPOINT REDIS_PORT REDIS_DB     (run by bench/run.sh)
 */
#include "bench_util.h"

#include <stdlib.h>
#include <zmq.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        bu_die("usage: zmq_worker ENDPOINT REDIS_PORT REDIS_DB");
    }
    redisContext *rc = bu_redis("127.0.0.1", atoi(argv[2]), atoi(argv[3]));
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    int hwm = 10000;
    zmq_setsockopt(pull, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_bind(pull, argv[1]) != 0) {
        bu_die("bind %s: %s", argv[1], zmq_strerror(zmq_errno()));
    }
    zmq_msg_t id, text;
    zmq_msg_init(&id);
    zmq_msg_init(&text);
    for (;;) {
        if (zmq_msg_recv(&id, pull, 0) < 0 || !zmq_msg_more(&id) || zmq_msg_recv(&text, pull, 0) < 0) {
            continue;
        }
        size_t words = bu_count_words(zmq_msg_data(&text), zmq_msg_size(&text));
        bu_store_result(rc, zmq_msg_data(&id), zmq_msg_size(&id), words, zmq_msg_size(&text));
    }
}
