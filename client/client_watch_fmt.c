/* client_watch_fmt.c: see client_watch.h.  Top entities are the three most salient
 * (the engine's `salience`, ties in result order); countries are listed as codes in
 * result order, at most five. */
#include "client_watch.h"

#include "ds_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TOP_ENTITIES 3
#define TOP_COUNTRIES 5

static const char *str_at(json_t *root, const char *obj, const char *key)
{
    json_t *o = obj ? json_object_get(root, obj) : root;
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static void top_entities(json_t *ents, ds_buf_t *out)
{
    size_t n = json_array_size(ents);
    bool used[64] = {false};
    for (int k = 0; k < TOP_ENTITIES; k++) {
        size_t best = n;
        double best_s = -1;
        for (size_t i = 0; i < n && i < 64; i++) {
            double s = json_number_value(json_object_get(json_array_get(ents, i), "salience"));
            if (!used[i] && s > best_s) {
                best = i;
                best_s = s;
            }
        }
        if (best == n) {
            break;
        }
        used[best] = true;
        const char *name = json_string_value(json_object_get(json_array_get(ents, best), "name"));
        ds_buf_printf(out, "%s%s", k ? ", " : "", name ? name : "?");
    }
}

static void countries(json_t *list, ds_buf_t *out)
{
    for (size_t i = 0; i < json_array_size(list) && i < TOP_COUNTRIES; i++) {
        const char *code = json_string_value(json_object_get(json_array_get(list, i), "code"));
        ds_buf_printf(out, "%s%s", i ? " " : "", code ? code : "?");
    }
}

void client_watch_line(const client_watch_doc_t *d, ds_buf_t *out)
{
    json_t *r = d->result ? json_loads(d->result, 0, NULL) : NULL;
    const char *pub = r ? str_at(r, "meta", "published") : NULL;
    pub = pub ? pub : (d->published && *d->published ? d->published : "(no date)");
    const char *title = r ? str_at(r, "meta", "title") : NULL;
    title = title ? title : (d->title && *d->title ? d->title : "(untitled)");
    ds_buf_printf(out, "%.10s  ", pub);
    if (strcmp(d->status, "dead") == 0 || r == NULL) {
        ds_buf_printf(out, "%s %s: %s", d->status && *d->status ? d->status : "?", d->id,
                      d->error && *d->error ? d->error : "no result");
        json_decref(r);
        return;
    }
    ds_buf_printf(out, "%s  | ", title);
    size_t mark = out->len;
    top_entities(json_object_get(r, "entities"), out);
    ds_buf_puts(out, out->len == mark ? "- | " : " | ");
    mark = out->len;
    countries(json_object_get(r, "countries"), out);
    ds_buf_puts(out, out->len == mark ? "-" : "");
    json_t *tone = json_object_get(json_object_get(r, "tone"), "score");
    ds_buf_printf(out, " | tone %.1f", json_number_value(tone));
    json_decref(r);
}

void client_watch_json(const client_watch_doc_t *d, ds_buf_t *out)
{
    json_t *r = d->result ? json_loads(d->result, 0, NULL) : NULL;
    if (!json_is_object(r)) {
        json_decref(r);
        r = json_object();
        json_object_set_new(r, "id", json_string(d->id));
    }
    json_object_set_new(r, "status", json_string(d->status));
    if (d->error && *d->error) {
        json_object_set_new(r, "error", json_string(d->error));
    }
    char *s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    ds_buf_puts(out, s ? s : "{}");
    free(s);
    json_decref(r);
}
