/* ds_watch.c: the latency consumer: follows Dossier's results stream with XREAD BLOCK
 * and records, for each document of this run, the monotonic time at which its entry
 * became visible.
 *
 * usage: ds_watch --redis-port P --prefix PFX --n N --out FILE --ready FILE
 *                 [--stream dossier:results] [--timeout S]
 * Writes READY once it knows where the stream ends (so entries of earlier runs are
 * skipped), then "index visible_ns" lines to --out when N documents were seen or the
 * timeout passed.  bench/report.py joins them with ds_producer's --times-out file.
 */
#include "bench_util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *field(const redisReply *kv, const char *name, size_t *len)
{
    for (size_t i = 0; i + 1 < kv->elements; i += 2) {
        if (kv->element[i]->type == REDIS_REPLY_STRING && strcmp(kv->element[i]->str, name) == 0) {
            *len = kv->element[i + 1]->len;
            return kv->element[i + 1]->str;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"redis-port", required_argument, NULL, 'p'}, {"prefix", required_argument, NULL, 'P'},
        {"n", required_argument, NULL, 'n'},          {"out", required_argument, NULL, 'o'},
        {"ready", required_argument, NULL, 'r'},      {"stream", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 'T'},    {NULL, 0, NULL, 0}};
    int port = 0, timeout_s = 120, ch;
    long n = 0;
    const char *prefix = NULL, *out = NULL, *ready = NULL, *stream = "dossier:results";
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'P':
            prefix = optarg;
            break;
        case 'n':
            n = atol(optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case 'r':
            ready = optarg;
            break;
        case 's':
            stream = optarg;
            break;
        case 'T':
            timeout_s = atoi(optarg);
            break;
        default:
            bu_die("bad flag");
        }
    }
    if (!port || !prefix || n <= 0 || !out || !ready) {
        bu_die("usage: ds_watch --redis-port P --prefix PFX --n N --out FILE --ready FILE");
    }
    redisContext *rc = bu_redis("127.0.0.1", port, 0);
    char last[64] = "0-0";
    redisReply *r = redisCommand(rc, "XREVRANGE %s + - COUNT 1", stream);
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
        snprintf(last, sizeof last, "%s", r->element[0]->element[0]->str);
    }
    freeReplyObject(r);
    FILE *rf = fopen(ready, "w");
    if (!rf || fclose(rf) != 0) {
        bu_die("cannot write %s", ready);
    }
    int64_t *seen = calloc((size_t)n, sizeof *seen);
    size_t plen = strlen(prefix);
    long count = 0;
    int64_t deadline = bu_now_ns() + (int64_t)timeout_s * 1000000000;
    while (count < n && bu_now_ns() < deadline) {
        r = redisCommand(rc, "XREAD COUNT 1000 BLOCK 500 STREAMS %s %s", stream, last);
        if (!r) {
            bu_die("redis: %s", rc->errstr);
        }
        int64_t now = bu_now_ns();
        for (size_t s = 0; r->type == REDIS_REPLY_ARRAY && s < r->elements; s++) {
            redisReply *entries = r->element[s]->element[1];
            for (size_t e = 0; e < entries->elements; e++) {
                redisReply *ent = entries->element[e];
                snprintf(last, sizeof last, "%s", ent->element[0]->str);
                size_t len;
                const char *id = field(ent->element[1], "id", &len);
                if (!id || len <= plen + 1 || memcmp(id, prefix, plen) != 0 || id[plen] != '-') {
                    continue;
                }
                long i = atol(id + plen + 1);
                if (i >= 0 && i < n && !seen[i]) {
                    seen[i] = now;
                    count++;
                }
            }
        }
        freeReplyObject(r);
    }
    FILE *f = fopen(out, "w");
    for (long i = 0; f && i < n; i++) {
        if (seen[i]) {
            fprintf(f, "%ld %lld\n", i, (long long)seen[i]);
        }
    }
    if (!f || fclose(f) != 0) {
        bu_die("cannot write %s", out);
    }
    fprintf(stderr, "ds_watch: %ld of %ld seen\n", count, n);
    return count == n ? 0 : 2;
}
