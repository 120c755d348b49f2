/* client.h: the `dossier` command-line tool's internal interfaces.
 *
 * main.c dispatches `dossier COMMAND ...` through a table to one client_cmd_*()
 * function per command (client_<command>.c).  Each command owns a settings table
 * (its flags) that starts with the common settings below, so that --broker, --redis,
 * --prefix and --timeout, $DOSSIER_BROKER, $DOSSIER_REDIS and $DOSSIER_CONFIG mean
 * the same thing everywhere.  Commands return a sysexits.h exit code and print their
 * own errors (one line on stderr, saying what failed, where, and how to fix it).
 */
#ifndef CLIENT_H
#define CLIENT_H

#include "ds_buf.h"
#include "ds_config.h"
#include "dossier.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

/* Exit code after Ctrl-C (128 + SIGINT, as shells report it). */
#define CLIENT_EXIT_INTERRUPTED 130
/* Exit code when a command ran but some documents were rejected or dead. */
#define CLIENT_EXIT_DOCS_FAILED EX_DATAERR

/* ---- settings shared by every command -------------------------------------------- */

typedef struct {
    char *broker;       /* MDP endpoint */
    char *redis;        /* redis://host:port/db or unix:///path.sock */
    char *prefix;       /* Redis key prefix */
    int64_t timeout_ms; /* per request */
} client_common_t;

extern client_common_t client_common;

#define CLIENT_COMMON_SETTINGS                                                                               \
    {"broker",                                                                                               \
     DS_SET_STR,                                                                                             \
     &client_common.broker,                                                                                  \
     "tcp://127.0.0.1:5555",                                                                                 \
     "DOSSIER_BROKER",                                                                                       \
     "broker endpoint (ZeroMQ)"},                                                                            \
        {"redis",                                                                                            \
         DS_SET_STR,                                                                                         \
         &client_common.redis,                                                                               \
         "redis://127.0.0.1:6379/0",                                                                         \
         "DOSSIER_REDIS",                                                                                    \
         "Redis URL: redis://[:password@]host[:port][/db] or unix:///path/redis.sock[?db=N]"},               \
        {"prefix", DS_SET_STR, &client_common.prefix, "dossier", "DOSSIER_PREFIX", "Redis key prefix"},      \
    {                                                                                                        \
        "timeout", DS_SET_INT, &client_common.timeout_ms, "5000", NULL,                                      \
            "milliseconds to wait for one reply before resending"                                            \
    }

/* Loads settings for one command: argv[0] is the command name.  Positionals go to
 * pos (capacity argc).  Returns -1 to go on, else the exit code to return
 * (EX_OK after --help/--version, EX_USAGE or EX_CONFIG after an error). */
int client_settings(const ds_settings_t *s, int argc, char **argv, char **pos, int *npos);

/* A client for the broker of --broker with --timeout and one resend, or NULL after
 * printing why (the caller then exits EX_USAGE).  Caller owns. */
ds_client_t *client_broker_connect(void);

/* One error line on stderr: "dossier COMMAND: message". */
void client_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void client_set_command(const char *name);

/* SIGINT/SIGTERM set client_interrupted (handlers installed without SA_RESTART, so
 * blocking calls return EINTR). */
extern volatile sig_atomic_t client_interrupted;
void client_catch_signals(void);

/* ---- commands -------------------------------------------------------------------- */

int client_cmd_submit(int argc, char **argv);
int client_cmd_get(int argc, char **argv);
int client_cmd_status(int argc, char **argv);
int client_cmd_analyze(int argc, char **argv);
int client_cmd_search(int argc, char **argv);
int client_cmd_watch(int argc, char **argv);
int client_cmd_stats(int argc, char **argv);
int client_cmd_dlq(int argc, char **argv);

/* ---- shared helpers ----------------------------------------------------------------- */

/* Reads a whole file ("-": stdin) into out.  Returns 0 or -1 with errno set. */
int client_read_file(const char *path, ds_buf_t *out);

/* Checks that the broker answers mmi.service for `service` within timeout_ms.
 * Prints an actionable error and returns the exit code when not; -1 when it does. */
int client_probe_broker(const char *service, int64_t timeout_ms);

/* Prints a document's result JSON from Redis (as `dossier get ID`); returns the exit code. */
int client_print_result(const char *id);

/* Prints the actionable "cannot reach the broker" line for endpoint. */
void client_broker_unreachable(const char *endpoint, const char *what);

#endif
