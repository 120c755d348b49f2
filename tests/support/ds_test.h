/* ds_test.h: helpers for Dossier's Check suites: a real redis-server per TCase on a
 * unix socket in a temp dir, the real binaries started as child processes, and a
 * raw Majordomo (RFC 7) client written from the RFC, independent of libdossier.
 *
 * Keep CK_FORK on: create ZeroMQ contexts and hiredis connections only inside the
 * forked test.  Everything here times out; nothing waits forever.
 */
#ifndef DS_TEST_H
#define DS_TEST_H

#include "ds_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- temp dirs and binaries -------------------------------------------------- */

/* A fresh directory under $TMPDIR (or /tmp); caller frees the string and may remove
 * the tree with ds_test_rmtree. */
char *ds_test_tmpdir(const char *tag);
void ds_test_rmtree(const char *path);
/* Path of a built binary: $DS_BIN/name (DS_BIN is set by `make test`), else bin/name. */
char *ds_test_bin(const char *name);
/* Path of a file in ../shared/samples (NULL if not found). */
char *ds_test_sample(const char *name);
/* Reads a whole file; NULL on error. */
char *ds_test_read_file(const char *path, size_t *len);

/* ---- processes --------------------------------------------------------------- */

/* Starts argv[0] (a path) with stdout+stderr appended to logpath (may be NULL: inherit). */
pid_t ds_test_spawn(char *const argv[], const char *logpath);
/* Sends sig and waits up to timeout_ms; SIGKILLs after that.  Returns the wait status. */
int ds_test_stop(pid_t pid, int sig, int timeout_ms);
/* Waits up to timeout_ms for the process to exit; returns its wait status or -1 on timeout. */
int ds_test_wait(pid_t pid, int timeout_ms);
/* Runs a command line through /bin/sh, capturing stdout into out (may be NULL);
 * returns the exit status (or -1). */
int ds_test_run(const char *cmdline, ds_buf_t *out, int timeout_ms);

/* ---- redis ------------------------------------------------------------------- */

typedef struct {
    pid_t pid;
    char *dir;
    char *sock; /* unix socket path */
    char *url;  /* "unix:///.../redis.sock" for --redis */
} ds_test_redis_t;

/* Starts redis-server --port 0 --unixsocket DIR/redis.sock --save "" and waits until
 * it answers PING (5 s max).  Returns NULL on failure.  extra_args may be NULL. */
ds_test_redis_t *ds_test_redis_start(const char *extra_args);
void ds_test_redis_stop(ds_test_redis_t **self_p);
/* Runs one redis-cli command against it; returns redis-cli's output (caller frees). */
char *ds_test_redis_cli(const ds_test_redis_t *r, const char *args);

/* ---- a raw Majordomo client ---------------------------------------------------- */

/* Sends "" "MDPC01" service body on a fresh DEALER socket to endpoint and waits up to
 * timeout_ms for the reply; fills reply (body bytes) and returns 0, or -1 on timeout
 * or a malformed reply (frames checked per RFC 7).  Creates and destroys its own
 * ZeroMQ context. */
int ds_test_mdp_request(const char *endpoint, const char *service, const void *body, size_t len,
                        ds_buf_t *reply, int timeout_ms);
/* Sends arbitrary frames (count n; frame i is frames[i] with lens[i]) and waits for any
 * reply, returned as the concatenation of its frames separated by '|' in out.
 * Returns number of frames received, 0 on timeout. */
int ds_test_raw_request(const char *endpoint, const void *const *frames, const size_t *lens, int n,
                        ds_buf_t *out, int timeout_ms);

/* Polls until fn(arg) returns true or timeout_ms passes; returns the last result. */
bool ds_test_eventually(bool (*fn)(void *), void *arg, int timeout_ms);

#endif
