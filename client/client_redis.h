/* client_redis.h: connecting the `dossier` tool to Redis from a URL, with errors that
 * say which address failed and how to point elsewhere, and key names under the
 * configured prefix (SPEC.md section 8: "PREFIX:doc:ID", "PREFIX:results", ...). */
#ifndef CLIENT_REDIS_H
#define CLIENT_REDIS_H

#include "ds_buf.h"

#include <hiredis.h>
#include <stddef.h>

/* Parsed form of redis://[:password@]host[:port][/db] or unix:///path[?db=N]. */
typedef struct {
    char host[256];
    int port;
    char path[512]; /* unix socket path; "" for TCP */
    char password[256];
    int db;
} client_redis_url_t;

/* Returns 0 or -1 with a reason in errstr. */
int client_redis_parse_url(const char *url, client_redis_url_t *out, char *errstr, size_t errlen);

/* Connects to client_common.redis (5 s timeouts), authenticates and selects the db.
 * On failure prints an actionable error and returns NULL with *exit_code set. */
redisContext *client_redis_connect(int *exit_code);

/* Reports a failed command (NULL reply or an error reply) and returns EX_UNAVAILABLE
 * or EX_SOFTWARE; frees r. */
int client_redis_failed(redisContext *c, redisReply *r, const char *what);

/* Builds "PREFIX:" + suffix into b (reset first); returns b's string. */
const char *client_key(ds_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
