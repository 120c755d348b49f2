/* gm_worker.c: Gearman worker for function "bench_wc": counts the words of the job's
 * text and HSETs r:{id} into Redis.  usage: gm_worker HOST:PORT REDIS_PORT REDIS_DB
 * (run by bench/run.sh; runs until killed)
 */
#include "bench_util.h"

#include <libgearman/gearman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *bench_wc(gearman_job_st *job, void *context, size_t *result_size, gearman_return_t *ret_ptr)
{
    redisContext *rc = context;
    const char *body = gearman_job_workload(job);
    size_t n = gearman_job_workload_size(job);
    const char *nl = memchr(body, '\n', n);
    *result_size = 0;
    if (!nl) {
        *ret_ptr = GEARMAN_WORK_FAIL;
        return NULL;
    }
    size_t idlen = (size_t)(nl - body), tlen = n - idlen - 1;
    bu_store_result(rc, body, idlen, bu_count_words(nl + 1, tlen), tlen);
    *ret_ptr = GEARMAN_SUCCESS;
    return NULL;
}

int main(int argc, char **argv)
{
    char host[64];
    int port;
    if (argc != 4 || sscanf(argv[1], "%63[^:]:%d", host, &port) != 2) {
        bu_die("usage: gm_worker HOST:PORT REDIS_PORT REDIS_DB");
    }
    redisContext *rc = bu_redis("127.0.0.1", atoi(argv[2]), atoi(argv[3]));
    gearman_worker_st *gw = gearman_worker_create(NULL);
    if (!gw || gearman_worker_add_server(gw, host, (in_port_t)port) != GEARMAN_SUCCESS ||
        gearman_worker_add_function(gw, "bench_wc", 0, bench_wc, rc) != GEARMAN_SUCCESS) {
        bu_die("gearman worker: cannot register with %s", argv[1]);
    }
    for (;;) {
        gearman_return_t ret = gearman_worker_work(gw);
        if (ret != GEARMAN_SUCCESS) {
            fprintf(stderr, "bench: gearman worker: %s\n", gearman_worker_error(gw));
        }
    }
}
