/* client_dlq.c: `dossier dlq list|requeue|purge`: the broker's dead-letter queue
 * (dossier.dlq, body {op, id?}).
 *
 *   dossier dlq list              one line per dead document: id, attempts, code, error
 *   dossier dlq requeue ID...     give documents a fresh set of attempts
 *   dossier dlq purge ID...       forget dead documents; `purge --all` forgets them all
 *
 * The list reply's documents are the first array of maps in the reply; other fields
 * (totals) print as a table, so additions on the broker's side show up unchanged.
 */
#include "client.h"
#include "client_mpjson.h"

#include "dossier.h"
#include "ds_mdp.h"
#include "ds_mem.h"
#include "ds_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    bool json;
    bool all;
} opt;

static const ds_setting_t table[] = {
    CLIENT_COMMON_SETTINGS,
    {"json", DS_SET_BOOL, &opt.json, "false", NULL, "print the broker's replies as JSON lines"},
    {"all", DS_SET_BOOL, &opt.all, "false", NULL, "requeue or purge every dead document"},
};

static const ds_settings_t settings = {
    "dossier dlq",
    DS_VERSION,
    "list | requeue ID... | purge ID...|--all  [options]",
    "Shows and manages dead documents (those that failed every attempt): list them, requeue\n"
    "them for a fresh set of attempts, or purge them.",
    table,
    sizeof table / sizeof table[0]};

static void field_text(const msgpack_object *m, const char *key, ds_buf_t *out, const char *fallback)
{
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            memcmp(k->via.str.ptr, key, k->via.str.size) == 0) {
            client_mp_text(&m->via.map.ptr[i].val, out);
            return;
        }
    }
    ds_buf_puts(out, fallback);
}

/* Human form of a list reply. */
static void print_list(const msgpack_object *root, ds_buf_t *out)
{
    for (uint32_t i = 0; i < root->via.map.size; i++) {
        const msgpack_object *v = &root->via.map.ptr[i].val;
        if (v->type != MSGPACK_OBJECT_ARRAY) {
            const msgpack_object *k = &root->via.map.ptr[i].key;
            char key[128];
            snprintf(key, sizeof key, "%.*s", k->type == MSGPACK_OBJECT_STR ? (int)k->via.str.size : 0,
                     k->type == MSGPACK_OBJECT_STR ? k->via.str.ptr : "");
            if (strcmp(key, "status") != 0) {
                client_mp_table(v, key, out);
            }
            continue;
        }
        for (uint32_t k = 0; k < v->via.array.size; k++) {
            const msgpack_object *d = &v->via.array.ptr[k];
            if (d->type != MSGPACK_OBJECT_MAP) {
                continue;
            }
            field_text(d, "id", out, "?");
            ds_buf_puts(out, "  attempts ");
            field_text(d, "attempts", out, "?");
            ds_buf_puts(out, "  ");
            field_text(d, "code", out, "-");
            ds_buf_puts(out, "  ");
            field_text(d, "error", out, "");
            ds_buf_putc(out, '\n');
        }
        if (v->via.array.size == 0 && isatty(1)) {
            ds_buf_puts(out, "(no dead documents)\n");
        }
    }
}

/* Prints one reply; returns the exit code it implies. */
static int print_reply(const char *op, const uint8_t *p, size_t n)
{
    char err[256];
    ds_body_t b;
    if (ds_body_parse(&b, p, n, err, sizeof err) != 0) {
        client_error("the broker's reply is not valid: %s", err);
        return EX_PROTOCOL;
    }
    ds_str_t status, code, error;
    ds_body_str(&b, "status", &status, err, sizeof err);
    ds_body_str(&b, "code", &code, err, sizeof err);
    ds_body_str(&b, "error", &error, err, sizeof err);
    ds_buf_t out = DS_BUF_INIT;
    int rc = EX_OK;
    if (code.ptr || ds_str_eq(status, "rejected") || ds_str_eq(status, "error")) {
        client_error("%s: %.*s (%.*s)", op, (int)error.len, error.ptr ? error.ptr : "", (int)code.len,
                     code.ptr ? code.ptr : "");
        rc = ds_str_eq(code, "not_found") ? EX_NOINPUT : EX_UNAVAILABLE;
    } else if (opt.json) {
        ds_json_t j;
        ds_json_init(&j, &out);
        client_mp_json(b.root, &j);
        ds_buf_putc(&out, '\n');
    } else if (strcmp(op, "list") == 0) {
        print_list(b.root, &out);
    } else {
        client_mp_table(b.root, "", &out);
    }
    fputs(ds_buf_str(&out), stdout);
    ds_buf_free(&out);
    ds_body_free(&b);
    return rc;
}

/* Reads `more` and the last item's id from a list reply. */
static void page_state(const uint8_t *p, size_t n, char *last, bool *more)
{
    char err[128];
    ds_body_t b;
    if (ds_body_parse(&b, p, n, err, sizeof err) != 0) {
        return;
    }
    ds_body_bool(&b, "more", more, err, sizeof err);
    const msgpack_object *items = NULL;
    if (ds_body_obj(&b, "items", &items) && items->type == MSGPACK_OBJECT_ARRAY &&
        items->via.array.size > 0) {
        const msgpack_object *d = &items->via.array.ptr[items->via.array.size - 1];
        ds_buf_t id = DS_BUF_INIT;
        if (d->type == MSGPACK_OBJECT_MAP) {
            field_text(d, "id", &id, "");
        }
        snprintf(last, DOSSIER_ID_MAX + 1, "%s", ds_buf_str(&id));
        ds_buf_free(&id);
    }
    ds_body_free(&b);
}

/* Sends {op, id?} (or, for list, {op, after?}) and prints the reply.  For list,
 * *last receives the last id printed and *more whether the broker has more. */
static int ask_page(ds_client_t *c, const char *op, const char *id, const char *after, char *last, bool *more)
{
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, 1 + (id != NULL) + (after != NULL));
    ds_pack_kv_str(&pk, "op", op);
    if (id) {
        ds_pack_kv_str(&pk, "id", id);
    }
    if (after) {
        ds_pack_kv_str(&pk, "after", after);
    }
    uint8_t *reply = NULL;
    size_t len = 0;
    char err[512];
    int rc = ds_client_request(c, DS_SVC_DLQ, body.data, body.len, &reply, &len, err, sizeof err);
    ds_buf_free(&body);
    int code;
    if (rc != 0) {
        client_broker_unreachable(client_common.broker, "no answer");
        code = EX_UNAVAILABLE;
    } else {
        code = print_reply(op, reply, len);
        if (code == EX_OK && last && more) {
            page_state(reply, len, last, more);
        }
    }
    free(reply);
    return code;
}

static int ask(ds_client_t *c, const char *op, const char *id)
{
    return ask_page(c, op, id, NULL, NULL, NULL);
}

/* Every page of the list, following `more` with `after` = the last id seen. */
static int list_all(ds_client_t *c)
{
    char last[DOSSIER_ID_MAX + 1] = "";
    bool more = true;
    int code = EX_OK;
    for (int page = 0; code == EX_OK && more && page < 100000; page++) {
        char after[DOSSIER_ID_MAX + 1];
        snprintf(after, sizeof after, "%s", last);
        more = false;
        code = ask_page(c, "list", NULL, page ? after : NULL, last, &more);
        more = more && strcmp(after, last) != 0;
    }
    return code;
}

static int run(ds_client_t *c, char **pos, int npos)
{
    const char *op = pos[0];
    if (strcmp(op, "list") == 0 && npos == 1) {
        return list_all(c);
    }
    if ((strcmp(op, "purge") == 0 || strcmp(op, "requeue") == 0) && opt.all && npos == 1) {
        return ask(c, op, NULL);
    }
    if ((strcmp(op, "requeue") == 0 || strcmp(op, "purge") == 0) && npos > 1) {
        int code = EX_OK;
        for (int i = 1; i < npos; i++) {
            int rc = ask(c, op, pos[i]);
            code = code == EX_OK ? rc : code;
        }
        return code;
    }
    client_error("usage: dossier dlq list | requeue ID...|--all | purge ID...|--all");
    return EX_USAGE;
}

int client_cmd_dlq(int argc, char **argv)
{
    char **pos = ds_xcalloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    int code = client_settings(&settings, argc, argv, pos, &npos);
    if (code < 0 && npos == 0) {
        client_error("usage: dossier dlq list | requeue ID...|--all | purge ID...|--all");
        code = EX_USAGE;
    }
    ds_client_t *c = code < 0 ? client_broker_connect() : NULL;
    if (code < 0 && c == NULL) {
        code = EX_USAGE;
    }
    if (c) {
        code = run(c, pos, npos);
        ds_client_destroy(&c);
    }
    ds_settings_free(&settings);
    free(pos);
    return code;
}
