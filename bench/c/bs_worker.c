/* bs_worker.c: beanstalkd worker: reserve a job, count its words, HSET r:{id}, delete
 * it.  The delete of one job travels with the reserve of the next (one round trip).
 * usage: bs_worker HOST:PORT REDIS_PORT REDIS_DB     (run by bench/run.sh; runs until killed)
 */
#include "bench_util.h"
#include "bs_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char host[64];
    int port;
    if (argc != 4 || sscanf(argv[1], "%63[^:]:%d", host, &port) != 2) {
        bu_die("usage: bs_worker HOST:PORT REDIS_PORT REDIS_DB");
    }
    redisContext *rc = bu_redis("127.0.0.1", atoi(argv[2]), atoi(argv[3]));
    bs_conn_t *bs = bs_connect(host, port);
    char line[128];
    int pending_delete = 0;
    bs_reserve(bs);
    for (;;) {
        bs_flush(bs);
        if (pending_delete) {
            bs_read_line(bs, line, sizeof line);
            if (strcmp(line, "DELETED") != 0) {
                bu_die("beanstalkd delete: %s", line);
            }
        }
        uint64_t job;
        const char *body;
        size_t n;
        bs_read_reserved(bs, &job, &body, &n);
        const char *nl = memchr(body, '\n', n);
        if (!nl) {
            bu_die("job %llu has no id line", (unsigned long long)job);
        }
        size_t idlen = (size_t)(nl - body), tlen = n - idlen - 1;
        bu_store_result(rc, body, idlen, bu_count_words(nl + 1, tlen), tlen);
        bs_delete(bs, job);
        bs_reserve(bs);
        pending_delete = 1;
    }
}
