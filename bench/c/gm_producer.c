/* gm_producer.c: submits N background jobs ("id\n" + article, function "bench_wc", the
 * id as the unique key) to gearmand in batches of --window tasks per
 * gearman_client_run_tasks(), then waits for N result hashes in Redis.
 * --endpoint is HOST:PORT.  Workers: gm_worker.c.  Run by bench/run.sh.
 */
#include "bench_util.h"

#include <libgearman/gearman.h>
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
    gearman_client_st *gc = gearman_client_create(NULL);
    if (!gc || gearman_client_add_server(gc, host, (in_port_t)port) != GEARMAN_SUCCESS) {
        bu_die("gearman client: cannot add server %s", o.endpoint);
    }
    gearman_client_add_options(gc, GEARMAN_CLIENT_FREE_TASKS);

    /* the workloads of one batch stay alive until run_tasks has sent them */
    size_t slot = len + 100;
    char *bufs = malloc((size_t)o.window * slot);
    if (!bufs) {
        bu_die("out of memory");
    }
    bu_meter_t m;
    bu_meter_start(&m, &o, rc);
    for (long sent = 0; sent < o.n;) {
        long batch = o.n - sent < o.window ? o.n - sent : o.window;
        for (long i = 0; i < batch; i++) {
            char *w = bufs + (size_t)i * slot;
            int idlen = bu_job_id(w, 96, o.prefix, sent + i);
            char unique[96];
            memcpy(unique, w, (size_t)idlen);
            unique[idlen] = '\0';
            w[idlen] = '\n';
            memcpy(w + idlen + 1, text, len);
            gearman_return_t ret;
            if (!gearman_client_add_task_background(gc, NULL, NULL, "bench_wc", unique, w,
                                                    (size_t)idlen + 1 + len, &ret)) {
                bu_die("gearman add task: %s", gearman_strerror(ret));
            }
        }
        gearman_return_t ret = gearman_client_run_tasks(gc);
        if (ret != GEARMAN_SUCCESS) {
            bu_die("gearman run tasks: %s", gearman_client_error(gc));
        }
        sent += batch;
    }
    int code = bu_meter_finish(&m, &o, rc, 0);
    gearman_client_free(gc);
    redisFree(rc);
    free(bufs);
    free(text);
    return code;
}
