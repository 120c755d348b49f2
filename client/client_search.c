/* client_search.c: `dossier search`: documents by entity, country and theme, newest
 * first, from the Redis indexes the workers maintain (SPEC.md section 8): sorted sets
 * PREFIX:idx:entity:TYPE:NORM, PREFIX:idx:country:CC, PREFIX:idx:theme:THEME whose
 * members are document ids scored by publication time in ms.
 *
 * One criterion reads its sorted set directly.  Several are intersected inside Redis:
 * one MULTI/EXEC stores the intersection in a temporary key, reads the page asked
 * for and deletes the key, so nothing is left behind and nothing big crosses the
 * network.  An entity without --type is the union of its five typed sets.
 */
#include "client.h"
#include "client_redis.h"
#include "client_time.h"

#include "ds_clock.h"
#include "ds_json.h"
#include "ds_mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

static struct {
    char *entity, *type, *country, *theme, *since, *until;
    int64_t limit;
    bool json;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"entity", DS_SET_STR, &opt.entity, NULL, NULL, "documents that mention this entity (e.g. \"Iran\")"},
    {"type", DS_SET_STR, &opt.type, NULL, NULL,
     "entity type: PERSON, ORG, LOCATION, NORP or MISC (default: any)"},
    {"country", DS_SET_STR, &opt.country, NULL, NULL,
     "documents about this country (ISO 3166-1 alpha-2, e.g. IR)"},
    {"theme", DS_SET_STR, &opt.theme, NULL, NULL, "documents with this theme (e.g. NUCLEAR)"},
    {"since", DS_SET_STR, &opt.since, NULL, NULL,
     "published at or after: 2007-05-28, 2007-05-28T12:00Z, 7d, 24h"},
    {"until", DS_SET_STR, &opt.until, NULL, NULL, "published at or before (a bare date includes that day)"},
    {"limit", DS_SET_INT, &opt.limit, "20", NULL, "print at most N documents"},
    {"json", DS_SET_BOOL, &opt.json, "false", NULL, "one JSON object per line"},
};

static const ds_settings_t settings = {
    "dossier search",
    DS_VERSION,
    "[--entity NAME [--type T]] [--country CC] [--theme T] [options]",
    "Finds documents in Redis, newest first, printing date, id and title.  Several criteria\n"
    "must all match (an intersection).  Example: dossier search --entity Iran --theme NUCLEAR",
    table,
    sizeof table / sizeof table[0]};

static const char *const TYPES[] = {"PERSON", "ORG", "LOCATION", "NORP", "MISC"};

/* The index form of a name: lowercase (Unicode), runs of spaces as one '_'. */
static char *norm_name(const char *name)
{
    utf8proc_uint8_t *lower = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)name, 0, &lower,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    ds_buf_t out = DS_BUF_INIT;
    const char *src = n >= 0 ? (const char *)lower : name;
    bool space = false;
    for (const char *p = src; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = out.len > 0;
            continue;
        }
        if (space) {
            ds_buf_putc(&out, '_');
            space = false;
        }
        ds_buf_putc(&out, *p);
    }
    free(lower);
    return ds_buf_detach(&out, NULL);
}

static void upper(char *s)
{
    for (; *s; s++) {
        *s = (char)toupper((unsigned char)*s);
    }
}

typedef struct {
    char **keys; /* criteria keys, owned */
    int n;
    char *union_key; /* temp key for an untyped entity, or NULL */
    char **union_src;
    int nunion;
} query_t;

static void add_key(char ***keys, int *n, const char *k)
{
    *keys = ds_xrealloc(*keys, (size_t)(*n + 1) * sizeof **keys);
    (*keys)[(*n)++] = ds_xstrdup(k);
}

static void query_free(query_t *q)
{
    for (int i = 0; i < q->n; i++) {
        free(q->keys[i]);
    }
    for (int i = 0; i < q->nunion; i++) {
        free(q->union_src[i]);
    }
    free(q->keys);
    free(q->union_src);
    free(q->union_key);
}

/* Builds the keys; returns 0 or an exit code after an error line. */
static int build_query(query_t *q, const char *tmp_base)
{
    ds_buf_t k = DS_BUF_INIT;
    if (opt.entity && *opt.entity) {
        char *norm = norm_name(opt.entity);
        if (opt.type && *opt.type) {
            upper(opt.type);
            add_key(&q->keys, &q->n, client_key(&k, "idx:entity:%s:%s", opt.type, norm));
        } else {
            for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
                add_key(&q->union_src, &q->nunion, client_key(&k, "idx:entity:%s:%s", TYPES[i], norm));
            }
            q->union_key = ds_xstrdup(client_key(&k, "tmp:search:%s:entity", tmp_base));
            add_key(&q->keys, &q->n, q->union_key);
        }
        free(norm);
    }
    if (opt.country && *opt.country) {
        upper(opt.country);
        add_key(&q->keys, &q->n, client_key(&k, "idx:country:%s", opt.country));
    }
    if (opt.theme && *opt.theme) {
        upper(opt.theme);
        add_key(&q->keys, &q->n, client_key(&k, "idx:theme:%s", opt.theme));
    }
    ds_buf_free(&k);
    if (q->n == 0) {
        client_error("give at least one of --entity, --country, --theme (see dossier search --help)");
        return EX_USAGE;
    }
    return 0;
}

/* Appends ZREVRANGEBYSCORE key max min WITHSCORES LIMIT 0 limit. */
static void append_range(redisContext *c, const char *key, int64_t lo, int64_t hi)
{
    char smax[32], smin[32], slim[32];
    snprintf(smax, sizeof smax, "%lld", (long long)hi);
    snprintf(smin, sizeof smin, "%lld", (long long)lo);
    snprintf(slim, sizeof slim, "%lld", (long long)opt.limit);
    const char *argv[] = {"ZREVRANGEBYSCORE", key, smax, smin, "WITHSCORES", "LIMIT", "0", slim};
    redisAppendCommandArgv(c, 8, argv, NULL);
}

/* ZUNIONSTORE/ZINTERSTORE dst n keys... AGGREGATE MAX */
static void append_store(redisContext *c, const char *cmd, const char *dst, char **keys, int n)
{
    const char **argv = ds_xcalloc((size_t)n + 5, sizeof *argv);
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    argv[0] = cmd;
    argv[1] = dst;
    argv[2] = count;
    for (int i = 0; i < n; i++) {
        argv[3 + i] = keys[i];
    }
    argv[3 + n] = "AGGREGATE";
    argv[4 + n] = "MAX";
    redisAppendCommandArgv(c, n + 5, argv, NULL);
    free(argv);
}

/* Runs the query; *out is the ZREVRANGEBYSCORE reply (caller frees) or NULL. */
static int run_query(redisContext *c, query_t *q, const char *tmp, int64_t lo, int64_t hi, redisReply **out)
{
    *out = NULL;
    bool single = q->n == 1 && q->union_key == NULL;
    if (single) {
        append_range(c, q->keys[0], lo, hi);
    } else {
        redisAppendCommand(c, "MULTI");
        if (q->union_key) {
            append_store(c, "ZUNIONSTORE", q->union_key, q->union_src, q->nunion);
        }
        append_store(c, "ZINTERSTORE", tmp, q->keys, q->n);
        append_range(c, tmp, lo, hi);
        redisAppendCommand(c, "DEL %s %s", tmp, q->union_key ? q->union_key : tmp);
        redisAppendCommand(c, "EXEC");
    }
    int replies = single ? 1 : 4 + (q->union_key != NULL) + 1;
    redisReply *last = NULL;
    for (int i = 0; i < replies; i++) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK || r == NULL || r->type == REDIS_REPLY_ERROR) {
            freeReplyObject(last);
            return client_redis_failed(c, r, "search");
        }
        freeReplyObject(last);
        last = r;
    }
    if (!single && (last->type != REDIS_REPLY_ARRAY || last->elements < 2)) {
        freeReplyObject(last);
        return client_redis_failed(c, NULL, "EXEC");
    }
    *out = last;
    return 0;
}

/* The id/score array of the range reply, wherever it sits. */
static const redisReply *range_of(const redisReply *r)
{
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[0]->type != REDIS_REPLY_STRING) {
        return r->element[r->elements - 2]; /* EXEC: [stores..., range, del] */
    }
    return r;
}

static void print_hit(const char *id, int64_t score, const redisReply *h)
{
    const char *title =
        h && h->type == REDIS_REPLY_ARRAY && h->elements == 2 && h->element[0]->str ? h->element[0]->str : "";
    const char *pub =
        h && h->type == REDIS_REPLY_ARRAY && h->elements == 2 && h->element[1]->str ? h->element[1]->str : "";
    char date[32];
    client_format_date(score, date, sizeof date);
    if (!opt.json) {
        printf("%s  %s  %s\n", date, id, *title ? title : "(untitled)");
        return;
    }
    ds_buf_t b = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &b);
    ds_json_obj_open(&j);
    ds_json_key(&j, "id");
    ds_json_str(&j, id);
    ds_json_key(&j, "date");
    ds_json_str(&j, date);
    ds_json_key(&j, "published");
    ds_json_str(&j, pub);
    ds_json_key(&j, "score");
    ds_json_int(&j, score);
    ds_json_key(&j, "title");
    ds_json_str(&j, title);
    ds_json_obj_close(&j);
    puts(ds_buf_str(&b));
    ds_buf_free(&b);
}

/* Fetches title and published of each hit (pipelined) and prints them. */
static int print_hits(redisContext *c, const redisReply *range)
{
    ds_buf_t key = DS_BUF_INIT;
    for (size_t i = 0; i + 1 < range->elements; i += 2) {
        redisAppendCommand(c, "HMGET %s title published", client_key(&key, "doc:%s", range->element[i]->str));
    }
    ds_buf_free(&key);
    for (size_t i = 0; i + 1 < range->elements; i += 2) {
        redisReply *h = NULL;
        if (redisGetReply(c, (void **)&h) != REDIS_OK) {
            return client_redis_failed(c, NULL, "HMGET");
        }
        print_hit(range->element[i]->str, strtoll(range->element[i + 1]->str, NULL, 10), h);
        freeReplyObject(h);
    }
    if (range->elements == 0 && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "no documents match\n");
    }
    return EX_OK;
}

static int search(redisContext *c)
{
    int64_t lo = 0, hi = INT64_MAX / 2, now = ds_wall_ms();
    if ((opt.since && *opt.since && client_parse_time(opt.since, now, false, &lo) != 0) ||
        (opt.until && *opt.until && client_parse_time(opt.until, now, true, &hi) != 0)) {
        client_error("--since/--until: expected 2007-05-28, 2007-05-28T12:00Z, 7d, 24h or epoch ms");
        return EX_USAGE;
    }
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    char base[160];
    snprintf(base, sizeof base, "%s:%d:%lld", host, (int)getpid(), (long long)ds_now_ms());
    query_t q;
    memset(&q, 0, sizeof q);
    int code = build_query(&q, base);
    ds_buf_t tmp = DS_BUF_INIT;
    client_key(&tmp, "tmp:search:%s", base);
    redisReply *r = NULL;
    if (code == 0) {
        code = run_query(c, &q, ds_buf_str(&tmp), lo, hi, &r);
    }
    if (code == 0) {
        code = print_hits(c, range_of(r));
    }
    freeReplyObject(r);
    ds_buf_free(&tmp);
    query_free(&q);
    return code;
}

int client_cmd_search(int argc, char **argv)
{
    int code = client_settings(&settings, argc, argv, NULL, NULL);
    redisContext *c = code < 0 ? client_redis_connect(&code) : NULL;
    if (c) {
        code = search(c);
        redisFree(c);
    }
    ds_settings_free(&settings);
    return code;
}
