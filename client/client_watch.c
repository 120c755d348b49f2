/* client_watch.c: `dossier watch`: follows PREFIX:results through a Redis consumer
 * group and prints one line per finished document:
 *   2007-05-28  A New Beginning in US-Iran Relations?  | George W. Bush, Iran, ... | IR US | tone -1.2
 * or, with --json, the whole result (plus `status`) as one JSON line.
 *
 * Model: the group (--group, created at the end of the stream, or at its start with
 * --from-start) hands each entry to one consumer; several watchers in one group share
 * the work, watchers in different groups each see everything.  An entry is XACKed
 * after its line is printed, so a watcher that is killed gets its unacknowledged
 * entries again on restart (it reads its own pending entries first).
 */
#include "client.h"
#include "client_redis.h"
#include "client_watch.h"

#include "ds_mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    char *group;
    char *consumer;
    bool from_start;
    bool json;
    int64_t count;
    int64_t block_ms;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"group", DS_SET_STR, &opt.group, "dossier-watch", NULL, "consumer group name"},
    {"consumer", DS_SET_STR, &opt.consumer, NULL, NULL,
     "consumer name in the group (default: watch-HOSTNAME)"},
    {"from-start", DS_SET_BOOL, &opt.from_start, "false", NULL,
     "a new group starts at the beginning of the stream (default: only new results)"},
    {"json", DS_SET_BOOL, &opt.json, "false", NULL, "print each result as one JSON line"},
    {"count", DS_SET_INT, &opt.count, "0", NULL, "exit after N documents (0: run until Ctrl-C)"},
    {"block", DS_SET_INT, &opt.block_ms, "1000", NULL, "ms to block in one XREADGROUP"},
};

static const ds_settings_t settings = {
    "dossier watch",
    DS_VERSION,
    "[options]",
    "Follows results as workers finish them, through a Redis consumer group on PREFIX:results:\n"
    "one line per document (date, title, top entities, countries, tone), or JSON with --json.",
    table,
    sizeof table / sizeof table[0]};

static int ensure_group(redisContext *c, const char *stream)
{
    redisReply *r =
        redisCommand(c, "XGROUP CREATE %s %s %s MKSTREAM", stream, opt.group, opt.from_start ? "0" : "$");
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) == 0) {
        freeReplyObject(r);
        return 0; /* exists: carry on where the group is */
    }
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        return client_redis_failed(c, r, "XGROUP CREATE");
    }
    freeReplyObject(r);
    return 0;
}

static const char *entry_field(const redisReply *fields, const char *name)
{
    for (size_t i = 0; fields && i + 1 < fields->elements; i += 2) {
        if (fields->element[i]->str && strcmp(fields->element[i]->str, name) == 0) {
            return fields->element[i + 1]->str;
        }
    }
    return NULL;
}

/* Prints one entry's document; returns 0 or an exit code (Redis failed). */
static int show(redisContext *c, const char *id, const char *status)
{
    ds_buf_t key = DS_BUF_INIT;
    redisReply *h = redisCommand(c, "HMGET %s result error published title", client_key(&key, "doc:%s", id));
    ds_buf_free(&key);
    if (h == NULL || h->type != REDIS_REPLY_ARRAY || h->elements != 4) {
        return client_redis_failed(c, h, "HMGET");
    }
    client_watch_doc_t d = {id,
                            status ? status : "",
                            h->element[0]->str,
                            h->element[1]->str,
                            h->element[2]->str,
                            h->element[3]->str};
    ds_buf_t line = DS_BUF_INIT;
    if (opt.json) {
        client_watch_json(&d, &line);
    } else {
        client_watch_line(&d, &line);
    }
    ds_buf_putc(&line, '\n');
    fputs(ds_buf_str(&line), stdout);
    fflush(stdout);
    ds_buf_free(&line);
    freeReplyObject(h);
    return 0;
}

/* Handles one XREADGROUP reply; returns entries handled or a negative exit code. */
static long handle(redisContext *c, const char *stream, const redisReply *r, long budget)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
        return 0;
    }
    const redisReply *entries = r->element[0]->element[1];
    long n = 0;
    for (size_t i = 0; i < entries->elements && n < budget; i++) {
        const redisReply *e = entries->element[i];
        const char *eid = e->element[0]->str;
        const char *id = entry_field(e->element[1], "id");
        if (id && show(c, id, entry_field(e->element[1], "status")) != 0) {
            return -EX_UNAVAILABLE;
        }
        redisReply *ack = redisCommand(c, "XACK %s %s %s", stream, opt.group, eid);
        freeReplyObject(ack);
        n++;
    }
    return n;
}

static int follow(redisContext *c, const char *stream)
{
    long seen = 0;
    bool pending = true; /* first our own unacknowledged entries ("0"), then new ones (">") */
    while (!client_interrupted && (opt.count == 0 || seen < opt.count)) {
        redisReply *r =
            redisCommand(c, "XREADGROUP GROUP %s %s COUNT 100 BLOCK %lld STREAMS %s %s", opt.group,
                         opt.consumer, (long long)opt.block_ms, stream, pending ? "0" : ">");
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            return client_interrupted ? EX_OK : client_redis_failed(c, r, "XREADGROUP");
        }
        bool empty =
            r->type != REDIS_REPLY_ARRAY || r->elements == 0 || r->element[0]->element[1]->elements == 0;
        long n = handle(c, stream, r, opt.count ? opt.count - seen : 1L << 40);
        freeReplyObject(r);
        if (n < 0) {
            return (int)-n;
        }
        seen += n;
        pending = pending && !empty;
    }
    return EX_OK;
}

int client_cmd_watch(int argc, char **argv)
{
    int code = client_settings(&settings, argc, argv, NULL, NULL);
    if (code < 0 && (opt.consumer == NULL || opt.consumer[0] == '\0')) {
        char host[128] = "";
        gethostname(host, sizeof host - 1);
        char name[160];
        snprintf(name, sizeof name, "watch-%s", host);
        free(opt.consumer);
        opt.consumer = ds_xstrdup(name);
    }
    redisContext *c = code < 0 ? client_redis_connect(&code) : NULL;
    if (c) {
        ds_buf_t stream = DS_BUF_INIT;
        client_key(&stream, "results");
        client_catch_signals();
        code = ensure_group(c, ds_buf_str(&stream));
        if (code == 0) {
            code = follow(c, ds_buf_str(&stream));
        }
        ds_buf_free(&stream);
        redisFree(c);
    }
    ds_settings_free(&settings);
    return code;
}
