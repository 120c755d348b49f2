/* client_stats.c: `dossier stats [--json]`: the broker's counters and gauges
 * (dossier.stats) as an aligned table, nested maps flattened to dotted names, or as
 * one JSON object. */
#include "client.h"
#include "client_mpjson.h"

#include "dossier.h"
#include "ds_mem.h"
#include "ds_msg.h"

#include <stdio.h>
#include <stdlib.h>

static struct {
    bool json;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"json", DS_SET_BOOL, &opt.json, "false", NULL, "print one JSON object"},
};

static const ds_settings_t settings = {
    "dossier stats",
    DS_VERSION,
    "[options]",
    "Prints the broker's counters and gauges (documents accepted, queued, in flight, done,\n"
    "dead, workers, journal...), as the broker reports them.",
    table,
    sizeof table / sizeof table[0]};

static int show(const uint8_t *p, size_t n)
{
    char err[256];
    ds_body_t b;
    if (ds_body_parse(&b, p, n, err, sizeof err) != 0) {
        client_error("the broker's reply is not valid: %s", err);
        return EX_PROTOCOL;
    }
    ds_buf_t out = DS_BUF_INIT;
    if (opt.json) {
        ds_json_t j;
        ds_json_init(&j, &out);
        client_mp_json(b.root, &j);
        ds_buf_putc(&out, '\n');
    } else {
        client_mp_table(b.root, "", &out);
    }
    fputs(ds_buf_str(&out), stdout);
    ds_buf_free(&out);
    ds_body_free(&b);
    return EX_OK;
}

int client_cmd_stats(int argc, char **argv)
{
    int code = client_settings(&settings, argc, argv, NULL, NULL);
    ds_client_t *c = code < 0 ? client_broker_connect() : NULL;
    if (code < 0 && c == NULL) {
        code = EX_USAGE;
    }
    if (c) {
        char err[512];
        uint8_t *reply = NULL;
        size_t len = 0;
        if (ds_client_stats(c, &reply, &len, err, sizeof err) != 0) {
            client_broker_unreachable(client_common.broker, "no answer");
            code = EX_UNAVAILABLE;
        } else {
            code = show(reply, len);
        }
        free(reply);
        ds_client_destroy(&c);
    }
    ds_settings_free(&settings);
    return code;
}
