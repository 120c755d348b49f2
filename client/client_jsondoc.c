/* client_jsondoc.c: one JSON document object (from .json or .jsonl) into a
 * client_doc_t.  Field names and meanings are those of SPEC.md section 5; `meta` is
 * converted from JSON to a MessagePack map; unknown keys are ignored, as the protocol
 * ignores them.  Every error names the field. */
#include "client_input.h"

#include "ds_mem.h"
#include "ds_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void client_doc_init(client_doc_t *doc)
{
    memset(doc, 0, sizeof *doc);
    ds_buf_init(&doc->text);
    ds_buf_init(&doc->meta);
}

void client_doc_clear(client_doc_t *doc)
{
    char **f[] = {&doc->id, &doc->title, &doc->url, &doc->source, &doc->published, &doc->lang, &doc->format};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
    ds_buf_reset(&doc->text);
    ds_buf_reset(&doc->meta);
    doc->origin[0] = '\0';
    doc->error[0] = '\0';
}

void client_doc_view(const client_doc_t *doc, ds_document_t *out)
{
    memset(out, 0, sizeof *out);
    out->id = doc->id;
    out->text = ds_buf_str(&doc->text);
    out->text_len = doc->text.len;
    out->title = doc->title;
    out->url = doc->url;
    out->source = doc->source;
    out->published = doc->published;
    out->lang = doc->lang;
    out->format = doc->format;
    out->meta = doc->meta.len ? doc->meta.data : NULL;
    out->meta_len = doc->meta.len;
}

static void pack_json(ds_pack_t *pk, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        ds_pack_map(pk, (uint32_t)json_object_size(v));
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            ds_pack_str(pk, k);
            pack_json(pk, x);
        }
        break;
    }
    case JSON_ARRAY: {
        ds_pack_array(pk, (uint32_t)json_array_size(v));
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            pack_json(pk, x);
        }
        break;
    }
    case JSON_STRING:
        ds_pack_strn(pk, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        ds_pack_int(pk, json_integer_value(v));
        break;
    case JSON_REAL:
        ds_pack_double(pk, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        ds_pack_bool(pk, json_is_true(v));
        break;
    case JSON_NULL:
        ds_pack_nil(pk);
        break;
    }
}

/* An optional string field; ids may also be given as integers. */
static int opt_field(const json_t *obj, const char *key, char **out, bool allow_int, client_doc_t *doc)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (json_is_string(v)) {
        *out = ds_xstrndup(json_string_value(v), json_string_length(v));
        return 0;
    }
    if (allow_int && json_is_integer(v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        *out = ds_xstrdup(buf);
        return 0;
    }
    snprintf(doc->error, sizeof doc->error, "field '%s' must be a string", key);
    return -1;
}

int client_doc_from_json(const json_t *obj, client_doc_t *doc)
{
    if (!json_is_object(obj)) {
        snprintf(doc->error, sizeof doc->error, "expected a JSON object with a 'text' field");
        return -1;
    }
    const json_t *text = json_object_get(obj, "text");
    if (!json_is_string(text)) {
        snprintf(doc->error, sizeof doc->error, "field 'text' is %s", text ? "not a string" : "missing");
        return -1;
    }
    ds_buf_append(&doc->text, json_string_value(text), json_string_length(text));
    if (opt_field(obj, "id", &doc->id, true, doc) || opt_field(obj, "title", &doc->title, false, doc) ||
        opt_field(obj, "url", &doc->url, false, doc) || opt_field(obj, "source", &doc->source, false, doc) ||
        opt_field(obj, "published", &doc->published, false, doc) ||
        opt_field(obj, "lang", &doc->lang, false, doc) ||
        opt_field(obj, "format", &doc->format, false, doc)) {
        return -1;
    }
    const json_t *meta = json_object_get(obj, "meta");
    if (meta && !json_is_null(meta)) {
        if (!json_is_object(meta)) {
            snprintf(doc->error, sizeof doc->error, "field 'meta' must be an object");
            return -1;
        }
        ds_pack_t pk;
        ds_pack_init(&pk, &doc->meta);
        pack_json(&pk, meta);
    }
    return 0;
}
