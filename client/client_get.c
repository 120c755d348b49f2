/* client_get.c: `dossier get ID [--field PATH,...]`: a document's result JSON from
 * Redis (field `result` of PREFIX:doc:ID, SPEC.md section 8).
 *
 * --field selects parts of the result by dotted path, array elements by index and
 * every element by `*`: `meta.title`, `tone.score`, `entities.0.name`,
 * `entities.*.name`.  Strings print bare, anything else as compact JSON; several
 * paths print one per line, in the order given.  A path that is not in the result
 * is looked up among the document hash's own fields (status, attempts, analyzed_at).
 */
#include "client.h"
#include "client_redis.h"

#include "ds_mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    char *field;
    bool pretty;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"field", DS_SET_STR, &opt.field, NULL, NULL,
     "print only these comma-separated paths (e.g. meta.title,tone.score)"},
    {"pretty", DS_SET_BOOL, &opt.pretty, "false", NULL, "indent the JSON"},
};

static const ds_settings_t settings = {
    "dossier get",
    DS_VERSION,
    "[options] ID...",
    "Prints the analysis result of each document ID from Redis, as JSON (one line per document).",
    table,
    sizeof table / sizeof table[0]};

/* Resolves one path segment list; `*` maps over arrays.  Returns a new reference or NULL. */
static json_t *select_path(json_t *v, char *path)
{
    if (v == NULL) {
        return NULL;
    }
    if (path == NULL || *path == '\0') {
        return json_incref(v);
    }
    char *dot = strchr(path, '.');
    char *rest = dot ? dot + 1 : NULL;
    if (dot) {
        *dot = '\0';
    }
    json_t *out = NULL;
    if (strcmp(path, "*") == 0 && json_is_array(v)) {
        out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            char *copy = rest ? ds_xstrdup(rest) : NULL;
            json_t *y = select_path(x, copy);
            free(copy);
            if (y) {
                json_array_append_new(out, y);
            }
        }
    } else if (json_is_array(v)) {
        char *end = NULL;
        long idx = strtol(path, &end, 10);
        out = (*end == '\0' && idx >= 0) ? select_path(json_array_get(v, (size_t)idx), rest) : NULL;
    } else if (json_is_object(v)) {
        out = select_path(json_object_get(v, path), rest);
    }
    if (dot) {
        *dot = '.';
    }
    return out;
}

static void print_value(json_t *v)
{
    if (json_is_string(v)) {
        fwrite(json_string_value(v), 1, json_string_length(v), stdout);
        putchar('\n');
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    puts(s ? s : "null");
    free(s);
}

/* Prints the fields asked for; returns 0, or EX_DATAERR when a path is missing. */
static int print_fields(json_t *result, redisContext *c, const char *key)
{
    char *paths = ds_xstrdup(opt.field);
    int code = EX_OK;
    for (char *save = NULL, *p = strtok_r(paths, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        json_t *v = select_path(result, p);
        if (v == NULL && strchr(p, '.') == NULL) {
            redisReply *r = redisCommand(c, "HGET %s %s", key, p);
            if (r && r->type == REDIS_REPLY_STRING) {
                v = json_stringn(r->str, r->len);
            }
            freeReplyObject(r);
        }
        if (v == NULL) {
            client_error("no field '%s' in the result", p);
            code = EX_DATAERR;
            continue;
        }
        print_value(v);
        json_decref(v);
    }
    free(paths);
    return code;
}

static int print_result(redisReply *r, redisContext *c, const char *key)
{
    if (opt.field == NULL || opt.field[0] == '\0') {
        if (!opt.pretty) {
            fwrite(r->str, 1, r->len, stdout);
            putchar('\n');
            return EX_OK;
        }
    }
    json_error_t jerr;
    json_t *result = json_loadb(r->str, r->len, 0, &jerr);
    if (result == NULL) {
        client_error("the result stored at %s is not JSON: %s", key, jerr.text);
        return EX_DATAERR;
    }
    int code = EX_OK;
    if (opt.field && opt.field[0]) {
        code = print_fields(result, c, key);
    } else {
        char *s = json_dumps(result, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s ? s : "");
        free(s);
    }
    json_decref(result);
    return code;
}

/* A document without a result: say what state it is in. */
static int no_result(redisContext *c, const char *key, const char *id)
{
    redisReply *r = redisCommand(c, "HMGET %s status error", key);
    int code = EX_NOINPUT;
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[0]->type == REDIS_REPLY_STRING) {
        const char *err = r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "";
        client_error("document %s has no result: its status is %s%s%s", id, r->element[0]->str,
                     *err ? ": " : "", err);
        code = EX_DATAERR;
    } else {
        client_error("no document %s in Redis at %s (prefix '%s'); `dossier status %s` asks the broker", id,
                     client_common.redis, client_common.prefix, id);
    }
    freeReplyObject(r);
    return code;
}

static int get_one(redisContext *c, const char *id)
{
    ds_buf_t key = DS_BUF_INIT;
    client_key(&key, "doc:%s", id);
    redisReply *r = redisCommand(c, "HGET %s result", ds_buf_str(&key));
    int code;
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        code = client_redis_failed(c, r, "HGET");
        r = NULL;
    } else if (r->type != REDIS_REPLY_STRING || r->len == 0) {
        code = no_result(c, ds_buf_str(&key), id);
    } else {
        code = print_result(r, c, ds_buf_str(&key));
    }
    freeReplyObject(r);
    ds_buf_free(&key);
    return code;
}

int client_print_result(const char *id)
{
    int code = EX_OK;
    redisContext *c = client_redis_connect(&code);
    if (c) {
        code = get_one(c, id);
        redisFree(c);
    }
    return code;
}

int client_cmd_get(int argc, char **argv)
{
    char **pos = ds_xcalloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    int code = client_settings(&settings, argc, argv, pos, &npos);
    if (code < 0 && npos == 0) {
        client_error("which document? give its ID (see dossier get --help)");
        code = EX_USAGE;
    }
    redisContext *c = code < 0 ? client_redis_connect(&code) : NULL;
    if (c) {
        code = EX_OK;
        for (int i = 0; i < npos; i++) {
            int rc = get_one(c, pos[i]);
            code = code == EX_OK ? rc : code;
        }
        redisFree(c);
    }
    ds_settings_free(&settings);
    free(pos);
    return code;
}
