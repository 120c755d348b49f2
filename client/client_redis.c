/* client_redis.c: see client_redis.h. */
#include "client_redis.h"

#include "client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_unix(const char *rest, client_redis_url_t *out, char *errstr, size_t errlen)
{
    const char *q = strchr(rest, '?');
    size_t n = q ? (size_t)(q - rest) : strlen(rest);
    if (n == 0 || n >= sizeof out->path || rest[0] != '/') {
        snprintf(errstr, errlen, "expected unix:///absolute/path/redis.sock");
        return -1;
    }
    memcpy(out->path, rest, n);
    out->path[n] = '\0';
    if (q && strncmp(q, "?db=", 4) == 0) {
        out->db = atoi(q + 4);
    }
    return 0;
}

static int parse_tcp(const char *rest, client_redis_url_t *out, char *errstr, size_t errlen)
{
    const char *at = strrchr(rest, '@');
    if (at) {
        const char *colon = memchr(rest, ':', (size_t)(at - rest));
        const char *pw = colon ? colon + 1 : rest;
        snprintf(out->password, sizeof out->password, "%.*s", (int)(at - pw), pw);
        rest = at + 1;
    }
    const char *slash = strchr(rest, '/');
    size_t hostport = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *colon = memchr(rest, ':', hostport);
    size_t hostlen = colon ? (size_t)(colon - rest) : hostport;
    if (hostlen == 0 || hostlen >= sizeof out->host) {
        snprintf(errstr, errlen, "expected redis://host[:port][/db]");
        return -1;
    }
    memcpy(out->host, rest, hostlen);
    out->host[hostlen] = '\0';
    out->port = colon ? atoi(colon + 1) : 6379;
    out->db = slash && slash[1] ? atoi(slash + 1) : 0;
    if (out->port <= 0 || out->port > 65535) {
        snprintf(errstr, errlen, "bad port in the Redis URL");
        return -1;
    }
    return 0;
}

int client_redis_parse_url(const char *url, client_redis_url_t *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (strncmp(url, "unix://", 7) == 0) {
        return parse_unix(url + 7, out, errstr, errlen);
    }
    if (url[0] == '/') {
        return parse_unix(url, out, errstr, errlen);
    }
    if (strncmp(url, "redis://", 8) == 0) {
        return parse_tcp(url + 8, out, errstr, errlen);
    }
    snprintf(errstr, errlen, "expected redis://host:port/db or unix:///path/redis.sock");
    return -1;
}

static const char *HOWTO = "is redis-server running there? Point to it with --redis URL or DOSSIER_REDIS=URL";

/* AUTH and SELECT; returns 0 or prints the error and returns an exit code. */
static int handshake(redisContext *c, const client_redis_url_t *u)
{
    if (u->password[0]) {
        redisReply *r = redisCommand(c, "AUTH %s", u->password);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            client_error("Redis at %s refused the password: %s", client_common.redis, r ? r->str : c->errstr);
            freeReplyObject(r);
            return EX_NOPERM;
        }
        freeReplyObject(r);
    }
    if (u->db != 0) {
        redisReply *r = redisCommand(c, "SELECT %d", u->db);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            return client_redis_failed(c, r, "SELECT");
        }
        freeReplyObject(r);
    }
    return 0;
}

redisContext *client_redis_connect(int *exit_code)
{
    client_redis_url_t u;
    char err[256];
    if (client_redis_parse_url(client_common.redis, &u, err, sizeof err) != 0) {
        client_error("--redis '%s': %s", client_common.redis, err);
        *exit_code = EX_USAGE;
        return NULL;
    }
    struct timeval tv = {5, 0};
    redisContext *c =
        u.path[0] ? redisConnectUnixWithTimeout(u.path, tv) : redisConnectWithTimeout(u.host, u.port, tv);
    if (c == NULL || c->err) {
        client_error("cannot connect to Redis at %s: %s; %s", client_common.redis,
                     c ? c->errstr : "out of memory", HOWTO);
        redisFree(c);
        *exit_code = EX_UNAVAILABLE;
        return NULL;
    }
    redisSetTimeout(c, tv);
    int rc = handshake(c, &u);
    if (rc != 0) {
        redisFree(c);
        *exit_code = rc;
        return NULL;
    }
    return c;
}

int client_redis_failed(redisContext *c, redisReply *r, const char *what)
{
    int code = EX_UNAVAILABLE;
    if (r == NULL) {
        client_error("Redis at %s: %s failed: %s; %s", client_common.redis, what, c->errstr, HOWTO);
    } else {
        client_error("Redis at %s: %s: %s", client_common.redis, what,
                     r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply type");
        code = EX_SOFTWARE;
    }
    freeReplyObject(r);
    return code;
}

const char *client_key(ds_buf_t *b, const char *fmt, ...)
{
    ds_buf_reset(b);
    ds_buf_puts(b, client_common.prefix);
    ds_buf_putc(b, ':');
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    ds_buf_puts(b, tmp);
    return ds_buf_str(b);
}
