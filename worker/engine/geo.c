/* geo.c: loads the data/geo TSV files into one arena and indexes every name by phrase key.
 *
 * Model: each file is read whole into memory and split in place (tabs and '|' become
 * NULs), so place names point into the file buffers and nothing is copied per name.
 * Names map to a chain of aliases (one map slot per distinct key, chained through
 * alias_next), so "Georgia" finds both the country and the US state.  Read-only
 * after geo_load; see geo.h.
 */
#include "geo.h"

#include "ds_buf.h"
#include "ds_err.h"
#include "ds_mem.h"
#include "ner_feat.h"
#include "ner_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEO_FILES 4

typedef struct {
    uint32_t place;
    uint32_t next; /* alias index + 1, 0 ends the chain */
    const char *name;
    uint8_t cls; /* class for geo_each_name */
} alias_t;

struct geo {
    char *buf[GEO_FILES];
    geo_place_t *places;
    size_t n_places, cap_places;
    alias_t *aliases;
    size_t n_aliases, cap_aliases;
    ner_map_t names;    /* key -> alias index + 1 (chain head) */
    ner_map_t demonyms; /* key -> place index */
    ner_map_t admin;    /* hash of "CC-code" -> place index */
};

const char *geo_kind_name(int kind)
{
    static const char *const names[] = {"country", "admin1", "city", "region", "landmark"};
    return kind >= 0 && kind <= GEO_LANDMARK ? names[kind] : "region";
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    ds_buf_t b = DS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ds_buf_append(&b, chunk, n);
    }
    fclose(f);
    return ds_buf_detach(&b, len);
}

/* Splits line in place on sep; returns the number of fields (<= max). */
static size_t split(char *line, char sep, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == sep) {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static uint32_t add_place(geo_t *g, const char *name, const char *cc, int kind, const char *lat,
                          const char *lon)
{
    if (g->n_places == g->cap_places) {
        g->cap_places = g->cap_places ? g->cap_places * 2 : 1024;
        g->places = ds_xrealloc(g->places, g->cap_places * sizeof *g->places);
    }
    geo_place_t *p = &g->places[g->n_places];
    memset(p, 0, sizeof *p);
    p->name = name;
    p->admin1 = "";
    snprintf(p->cc, sizeof p->cc, "%.2s", cc);
    p->kind = (uint8_t)kind;
    p->lat = strtof(lat, NULL);
    p->lon = strtof(lon, NULL);
    return (uint32_t)g->n_places++;
}

static void add_alias(geo_t *g, const char *name, uint32_t place, int cls)
{
    if (!*name) {
        return;
    }
    if (g->n_aliases == g->cap_aliases) {
        g->cap_aliases = g->cap_aliases ? g->cap_aliases * 2 : 4096;
        g->aliases = ds_xrealloc(g->aliases, g->cap_aliases * sizeof *g->aliases);
    }
    uint64_t key = ner_phrase_key(name, strlen(name));
    uint32_t *head = ner_map_put(&g->names, key, 0);
    /* the same name twice for one place (alias equal to name) adds nothing */
    for (uint32_t a = *head; a; a = g->aliases[a - 1].next) {
        if (g->aliases[a - 1].place == place) {
            return;
        }
    }
    alias_t *al = &g->aliases[g->n_aliases];
    al->place = place;
    al->name = name;
    al->cls = (uint8_t)cls;
    al->next = *head;
    *head = (uint32_t)++g->n_aliases;
}

static void add_demonyms(geo_t *g, char *list, uint32_t place)
{
    char *f[64];
    size_t n = split(list, '|', f, 64);
    for (size_t i = 0; i < n; i++) {
        if (*f[i]) {
            *ner_map_put(&g->demonyms, ner_phrase_key(f[i], strlen(f[i])), place) = place;
            if (g->n_aliases == g->cap_aliases) {
                g->cap_aliases = g->cap_aliases ? g->cap_aliases * 2 : 4096;
                g->aliases = ds_xrealloc(g->aliases, g->cap_aliases * sizeof *g->aliases);
            }
            /* demonyms are listed for geo_each_name but not chained as place names */
            alias_t *al = &g->aliases[g->n_aliases++];
            al->place = place, al->name = f[i], al->cls = 1, al->next = 0;
        }
    }
}

/* One parsed row of a file; returns 0 or DS_EINVAL for a short row. */
static int load_row(geo_t *g, int file, char *line)
{
    char *f[8];
    size_t n = split(line, '\t', f, 8);
    if (file == 0 && n >= 6) { /* code name lat lon aliases demonyms */
        uint32_t p = add_place(g, f[1], f[0], GEO_COUNTRY, f[2], f[3]);
        add_alias(g, f[1], p, 0);
        char *al[64];
        size_t na = split(f[4], '|', al, 64);
        for (size_t i = 0; i < na; i++) {
            add_alias(g, al[i], p, 0);
        }
        add_demonyms(g, f[5], p);
    } else if (file == 1 && n >= 5) { /* code country name lat lon */
        uint32_t p = add_place(g, f[2], f[1], GEO_ADMIN1, f[3], f[4]);
        g->places[p].admin1 = f[0];
        *ner_map_put(&g->admin, ner_hash(f[0], strlen(f[0])), p) = p;
        add_alias(g, f[2], p, 3);
    } else if (file == 2 && n >= 6) { /* name country admin1 lat lon population */
        uint32_t p = add_place(g, f[0], f[1], GEO_CITY, f[3], f[4]);
        g->places[p].admin1 = f[2];
        g->places[p].pop = (uint32_t)strtoul(f[5], NULL, 10);
        add_alias(g, f[0], p, 2);
    } else if (file == 3 && n >= 5) { /* name kind country lat lon */
        int kind = strcmp(f[1], "landmark") == 0 ? GEO_LANDMARK : GEO_REGION;
        uint32_t p = add_place(g, f[0], f[2], kind, f[3], f[4]);
        add_alias(g, f[0], p, 4);
    } else {
        return DS_EINVAL;
    }
    return 0;
}

static int load_file(geo_t *g, const char *dir, int file, char *errstr, size_t errlen)
{
    static const char *const names[GEO_FILES] = {"countries.tsv", "admin1.tsv", "cities.tsv", "regions.tsv"};
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/geo/%s", dir, names[file]);
    char *buf = g->buf[file] = read_file(path, &len);
    if (!buf) {
        snprintf(errstr, errlen, "geo: cannot read %s", path);
        return DS_EIO;
    }
    size_t lineno = 0;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        lineno++;
        if (line[0] != '#' && line[0] != '\0' && load_row(g, file, line) != 0) {
            snprintf(errstr, errlen, "geo: %s line %zu: too few fields", path, lineno);
            return DS_EINVAL;
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

geo_t *geo_load(const char *data_dir, char *errstr, size_t errlen)
{
    geo_t *g = ds_xcalloc(1, sizeof *g);
    ner_map_init(&g->names, 65536);
    ner_map_init(&g->demonyms, 1024);
    ner_map_init(&g->admin, 2048);
    for (int f = 0; f < GEO_FILES; f++) {
        if (load_file(g, data_dir, f, errstr, errlen) != 0) {
            geo_destroy(&g);
            return NULL;
        }
    }
    return g;
}

void geo_destroy(geo_t **self_p)
{
    geo_t *g = self_p ? *self_p : NULL;
    if (!g) {
        return;
    }
    for (int f = 0; f < GEO_FILES; f++) {
        free(g->buf[f]);
    }
    free(g->places);
    free(g->aliases);
    ner_map_free(&g->names);
    ner_map_free(&g->demonyms);
    ner_map_free(&g->admin);
    free(g);
    *self_p = NULL;
}

/* Order for geo_find: countries, admin1, regions/landmarks, then cities by population. */
static int rank_before(const geo_place_t *a, const geo_place_t *b)
{
    static const int order[] = {0, 1, 3, 2, 2};
    if (order[a->kind] != order[b->kind]) {
        return order[a->kind] < order[b->kind];
    }
    return a->pop > b->pop;
}

size_t geo_find(const geo_t *g, uint64_t key, const geo_place_t **out, size_t max)
{
    const uint32_t *head = ner_map_get(&g->names, key);
    size_t n = 0;
    for (uint32_t a = head ? *head : 0; a; a = g->aliases[a - 1].next) {
        const geo_place_t *p = &g->places[g->aliases[a - 1].place];
        size_t i;
        if (n < max) {
            i = n++;
        } else if (max > 0 && rank_before(p, out[max - 1])) {
            i = max - 1;
        } else {
            continue;
        }
        while (i > 0 && rank_before(p, out[i - 1])) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = p;
    }
    return n;
}

const geo_place_t *geo_demonym(const geo_t *g, uint64_t key)
{
    const uint32_t *v = ner_map_get(&g->demonyms, key);
    return v ? &g->places[*v] : NULL;
}

const geo_place_t *geo_country(const geo_t *g, const char *cc)
{
    for (size_t i = 0; i < g->n_places && g->places[i].kind == GEO_COUNTRY; i++) {
        if (strncmp(g->places[i].cc, cc, 2) == 0) {
            return &g->places[i];
        }
    }
    return NULL;
}

const geo_place_t *geo_admin1(const geo_t *g, const char *cc, const char *code)
{
    char key[32];
    int n = snprintf(key, sizeof key, "%.2s-%s", cc, code);
    if (n <= 0 || (size_t)n >= sizeof key) {
        return NULL;
    }
    const uint32_t *v = ner_map_get(&g->admin, ner_hash(key, (size_t)n));
    return v ? &g->places[*v] : NULL;
}

void geo_each_name(const geo_t *g, uint32_t min_city_pop, geo_name_fn fn, void *ctx)
{
    for (size_t i = 0; i < g->n_aliases; i++) {
        const alias_t *a = &g->aliases[i];
        if (a->cls == 2 && g->places[a->place].pop < min_city_pop) {
            continue;
        }
        fn(ctx, a->name, strlen(a->name), a->cls);
    }
}
