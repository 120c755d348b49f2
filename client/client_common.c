/* client_common.c: what every `dossier` command shares: the common settings, error
 * lines, signal flags, reading files, and the broker reachability probe that turns
 * "nothing answers" into an actionable message before any work starts. */
#include "client.h"

#include "dossier.h"
#include "ds_mdp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

client_common_t client_common;
volatile sig_atomic_t client_interrupted;

static const char *command_name = "dossier";

void client_set_command(const char *name)
{
    command_name = name;
}

void client_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", command_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int client_settings(const ds_settings_t *s, int argc, char **argv, char **pos, int *npos)
{
    char err[512];
    int rc = ds_settings_load(s, argc, argv, pos, npos, err, sizeof err);
    if (rc == DS_SETTINGS_HANDLED) {
        return EX_OK;
    }
    if (rc != 0) {
        client_error("%s", err);
        return strstr(err, "config file") || strstr(err, "environment") ? EX_CONFIG : EX_USAGE;
    }
    return -1;
}

static void on_signal(int sig)
{
    (void)sig;
    client_interrupted++;
    if (client_interrupted >= 3) {
        _exit(CLIENT_EXIT_INTERRUPTED); /* a third Ctrl-C means now */
    }
}

void client_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll() and read() return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int client_read_file(const char *path, ds_buf_t *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ds_buf_append(out, chunk, n);
    }
    int err = ferror(f) ? errno : 0;
    if (f != stdin) {
        fclose(f);
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

void client_broker_unreachable(const char *endpoint, const char *what)
{
    client_error("%s from the broker at %s; is dossier-broker running there? "
                 "Start it, or point to it with --broker ENDPOINT or DOSSIER_BROKER=ENDPOINT",
                 what, endpoint);
}

ds_client_t *client_broker_connect(void)
{
    char err[512];
    ds_client_t *c = ds_client_new(client_common.broker, err, sizeof err);
    if (c == NULL) {
        client_error("--broker: %s", err);
        return NULL;
    }
    ds_client_set_timeout(c, (int)client_common.timeout_ms);
    ds_client_set_retries(c, 1);
    return c;
}

int client_probe_broker(const char *service, int64_t timeout_ms)
{
    char err[512];
    ds_client_t *c = ds_client_new(client_common.broker, err, sizeof err);
    if (c == NULL) {
        client_error("--broker: %s", err);
        return EX_USAGE;
    }
    ds_client_set_timeout(c, (int)timeout_ms);
    ds_client_set_retries(c, 0);
    int code = 0;
    int rc = ds_client_service(c, service, &code, err, sizeof err);
    ds_client_destroy(&c);
    if (rc == DOSSIER_ETIMEOUT) {
        char what[64];
        snprintf(what, sizeof what, "no answer within %lld ms", (long long)timeout_ms);
        client_broker_unreachable(client_common.broker, what);
        return EX_UNAVAILABLE;
    }
    if (rc != 0) {
        client_error("broker at %s: %s", client_common.broker, err);
        return EX_PROTOCOL;
    }
    if (code != 200) {
        client_error("the broker at %s does not serve %s (mmi.service says %d); is it a dossier-broker?",
                     client_common.broker, service, code);
        return EX_UNAVAILABLE;
    }
    return -1;
}
