/* client_status.c: `dossier status ID...`: asks the broker (dossier.status) where each
 * document is: queued, running, done, failed (will be retried), dead, or unknown.
 * Prints every field of the reply, so fields the broker adds appear unchanged;
 * --json prints one JSON object per line. */
#include "client.h"
#include "client_mpjson.h"

#include "dossier.h"
#include "ds_buf.h"
#include "ds_mdp.h"
#include "ds_mem.h"
#include "ds_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    bool json;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"json", DS_SET_BOOL, &opt.json, "false", NULL, "one JSON object per line"},
};

static const ds_settings_t settings = {
    "dossier status",
    DS_VERSION,
    "[options] ID...",
    "Asks the broker about each document: queued, running, done, failed, dead or unknown,\n"
    "with its attempts, times and last error.  Exits 66 when any document is unknown.",
    table,
    sizeof table / sizeof table[0]};

/* Prints one reply; returns 1 when the document is unknown. */
static int print_reply(const uint8_t *p, size_t n)
{
    ds_buf_t out = DS_BUF_INIT;
    char err[256];
    ds_body_t b;
    int unknown = 0;
    if (ds_body_parse(&b, p, n, err, sizeof err) != 0) {
        client_error("the broker's reply is not valid: %s", err);
        return 1;
    }
    ds_str_t status;
    unknown = ds_body_str(&b, "status", &status, err, sizeof err) == 1 && ds_str_eq(status, "unknown");
    if (opt.json) {
        ds_json_t j;
        ds_json_init(&j, &out);
        client_mp_json(b.root, &j);
        ds_buf_putc(&out, '\n');
    } else {
        client_mp_table(b.root, "", &out);
    }
    fputs(ds_buf_str(&out), stdout);
    ds_body_free(&b);
    ds_buf_free(&out);
    return unknown;
}

static int ask_all(ds_client_t *c, char **ids, int n)
{
    int code = EX_OK;
    for (int i = 0; i < n; i++) {
        ds_buf_t body = DS_BUF_INIT;
        ds_pack_t pk;
        ds_pack_init(&pk, &body);
        ds_pack_map(&pk, 1);
        ds_pack_kv_str(&pk, "id", ids[i]);
        uint8_t *reply = NULL;
        size_t len = 0;
        char err[512];
        int rc = ds_client_request(c, DS_SVC_STATUS, body.data, body.len, &reply, &len, err, sizeof err);
        ds_buf_free(&body);
        if (rc != 0) {
            client_broker_unreachable(client_common.broker, "no answer");
            free(reply);
            return EX_UNAVAILABLE;
        }
        if (!opt.json && i > 0) {
            putchar('\n');
        }
        if (print_reply(reply, len)) {
            code = EX_NOINPUT;
        }
        free(reply);
    }
    return code;
}

int client_cmd_status(int argc, char **argv)
{
    char **pos = ds_xcalloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    int code = client_settings(&settings, argc, argv, pos, &npos);
    if (code < 0 && npos == 0) {
        client_error("which document? give its ID (see dossier status --help)");
        code = EX_USAGE;
    }
    ds_client_t *c = code < 0 ? client_broker_connect() : NULL;
    if (code < 0 && c == NULL) {
        code = EX_USAGE;
    }
    if (c) {
        code = ask_all(c, pos, npos);
        ds_client_destroy(&c);
    }
    ds_settings_free(&settings);
    free(pos);
    return code;
}
