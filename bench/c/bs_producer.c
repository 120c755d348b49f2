/* bs_producer.c: puts N jobs into beanstalkd ("id\n" + article), pipelining up to
 * --window puts before reading their INSERTED replies, then waits for N result hashes
 * in Redis.  --endpoint is HOST:PORT.  Workers: bs_worker.c.  Run by bench/run.sh.
 */
#include "bench_util.h"
#include "bs_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    bu_opts_t o;
    bu_opts_parse(&o, argc, argv);
    char host[64];
    int port;
    if (!o.endpoint || sscanf(o.endpoint, "%63[^:]:%d", host, &port) != 2) {
        bu_die("--endpoint HOST:PORT is required");
    }
    size_t len;
    char *text = bu_read_file(o.article, &len);
    redisContext *rc = bu_redis(o.redis_host, o.redis_port, o.redis_db);
    bs_conn_t *bs = bs_connect(host, port);

    bu_meter_t m;
    bu_meter_start(&m, &o, rc);
    char id[96], line[128];
    for (long sent = 0; sent < o.n;) {
        long batch = o.n - sent < o.window ? o.n - sent : o.window;
        for (long i = 0; i < batch; i++) {
            int idlen = bu_job_id(id, sizeof id - 1, o.prefix, sent + i);
            id[idlen++] = '\n';
            bs_put(bs, id, (size_t)idlen, text, len, 60);
        }
        bs_flush(bs);
        for (long i = 0; i < batch; i++) {
            bs_read_line(bs, line, sizeof line);
            if (strncmp(line, "INSERTED ", 9) != 0) {
                bu_die("beanstalkd put: %s", line);
            }
        }
        sent += batch;
    }
    int code = bu_meter_finish(&m, &o, rc, 0);
    bs_destroy(&bs);
    redisFree(rc);
    free(text);
    return code;
}
