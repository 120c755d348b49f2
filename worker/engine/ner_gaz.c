/* ner_gaz.c: see ner_gaz.h.  Phrases longer than NER_GAZ_MAX_TOKENS tokens never match. */
#include "ner_gaz.h"

#include "ds_buf.h"
#include "ds_err.h"
#include "ds_mem.h"
#include "ner_feat.h"
#include "ner_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NER_GAZ_MAX_TOKENS 8
#define PREFIX_BIT (1u << 31)
#define CITY_MIN_POP 100000

struct ner_gaz {
    ner_map_t map; /* phrase key -> class bits | PREFIX_BIT */
};

ner_gaz_t *ner_gaz_new(void)
{
    ner_gaz_t *gz = ds_xcalloc(1, sizeof *gz);
    ner_map_init(&gz->map, 1 << 16);
    return gz;
}

void ner_gaz_destroy(ner_gaz_t **self_p)
{
    if (self_p && *self_p) {
        ner_map_free(&(*self_p)->map);
        free(*self_p);
        *self_p = NULL;
    }
}

static int is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c & 0x80);
}

void ner_gaz_add(ner_gaz_t *gz, const char *phrase, size_t len, int cls)
{
    while (len > 0 && phrase[len - 1] == ' ') {
        len--;
    }
    if (len == 0 || cls < 0 || cls >= NER_GAZ_NCLASSES) {
        return;
    }
    *ner_map_put(&gz->map, ner_phrase_key(phrase, len), 0) |= 1u << cls;
    /* every place a tokenizer might cut the phrase is a prefix */
    for (size_t p = 1; p < len; p++) {
        int cut = phrase[p] == ' ' ||
                  (phrase[p - 1] != ' ' && is_word_byte(phrase[p - 1]) != is_word_byte(phrase[p]));
        if (cut && phrase[p - 1] != ' ') {
            *ner_map_put(&gz->map, ner_phrase_key(phrase, p), 0) |= PREFIX_BIT;
        }
    }
}

static void geo_cb(void *ctx, const char *name, size_t len, int cls)
{
    static const int map[] = {NER_GAZ_COUNTRY, NER_GAZ_DEMONYM, NER_GAZ_CITY, NER_GAZ_ADMIN1, NER_GAZ_REGION};
    if (cls >= 0 && cls <= 4) {
        ner_gaz_add(ctx, name, len, map[cls]);
    }
}

void ner_gaz_add_geo(ner_gaz_t *gz, const geo_t *geo)
{
    geo_each_name(geo, CITY_MIN_POP, geo_cb, gz);
}

/* Calls line_fn for each non-comment line of path. */
static int each_line(const char *path, void (*line_fn)(ner_gaz_t *, char *, int), ner_gaz_t *gz, int cls,
                     char *errstr, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errstr, errlen, "ner: cannot read %s", path);
        return DS_EIO;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#') {
            line_fn(gz, line, cls);
        }
    }
    fclose(f);
    return 0;
}

static void list_line(ner_gaz_t *gz, char *line, int cls)
{
    ner_gaz_add(gz, line, strlen(line), cls);
}

int ner_gaz_load_list(ner_gaz_t *gz, const char *path, int cls, char *errstr, size_t errlen)
{
    return each_line(path, list_line, gz, cls, errstr, errlen);
}

static void lexicon_line(ner_gaz_t *gz, char *line, int cls)
{
    static const struct {
        const char *name;
        int cls;
    } names[] = {{"given", NER_GAZ_GIVEN}, {"surname", NER_GAZ_SURNAME}, {"org", NER_GAZ_ORG},
                 {"lower", NER_GAZ_LOWER}, {"title", NER_GAZ_TITLE},     {"orgword", NER_GAZ_ORGWORD}};
    (void)cls;
    char *tab = strchr(line, '\t');
    if (!tab) {
        return;
    }
    *tab = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(line, names[i].name) == 0) {
            ner_gaz_add(gz, tab + 1, strlen(tab + 1), names[i].cls);
        }
    }
}

int ner_gaz_load_lexicon(ner_gaz_t *gz, const char *path, char *errstr, size_t errlen)
{
    return each_line(path, lexicon_line, gz, 0, errstr, errlen);
}

int ner_gaz_load_all(ner_gaz_t *gz, const geo_t *geo, const char *data_dir, const char *lexicon, char *errstr,
                     size_t errlen)
{
    char path[4096];
    ner_gaz_add_geo(gz, geo);
    snprintf(path, sizeof path, "%s/ner/titles.txt", data_dir);
    int rc = ner_gaz_load_list(gz, path, NER_GAZ_TITLE, errstr, errlen);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/ner/orgwords.txt", data_dir);
        rc = ner_gaz_load_list(gz, path, NER_GAZ_ORGWORD, errstr, errlen);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/ner/lexicon.tsv", data_dir);
        rc = ner_gaz_load_lexicon(gz, lexicon ? lexicon : path, errstr, errlen);
    }
    return rc;
}

uint32_t ner_gaz_classes(const ner_gaz_t *gz, uint64_t key)
{
    const uint32_t *v = ner_map_get(&gz->map, key);
    return v ? *v & ~PREFIX_BIT : 0;
}

/* Marks phrase entry v as starting at token i and continuing to token j. */
static void mark(uint32_t v, size_t i, size_t j, uint32_t *out)
{
    for (uint32_t cls = v & ((1u << NER_GAZ_NCLASSES) - 1); cls; cls &= cls - 1) {
        int c = __builtin_ctz(cls);
        out[i] |= NER_GAZ_B(c);
        for (size_t k = i + 1; k <= j; k++) {
            out[k] |= NER_GAZ_I(c);
        }
    }
}

/* The phrases starting at token i, whose entry alone is v. */
static void tag_at(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                   size_t n, size_t i, uint32_t v, uint32_t *out)
{
    if (!v) {
        return;
    }
    mark(v, i, i, out);
    if (!(v & PREFIX_BIT)) {
        return;
    }
    ner_phash_t ph;
    ner_phash_init(&ph);
    ner_phash_add(&ph, s[i], len[i]);
    for (size_t j = i + 1; j < n && j < i + NER_GAZ_MAX_TOKENS; j++) {
        if (space[j]) {
            ner_phash_space(&ph);
        }
        ner_phash_add(&ph, s[j], len[j]);
        const uint32_t *e = ner_map_get(&gz->map, ner_phash_final(&ph));
        if (!e) {
            break;
        }
        mark(*e, i, j, out);
        if (!(*e & PREFIX_BIT)) {
            break;
        }
    }
}

uint32_t ner_gaz_entry(const ner_gaz_t *gz, uint64_t key)
{
    const uint32_t *v = ner_map_get(&gz->map, key);
    return v ? *v : 0;
}

void ner_gaz_tag(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                 size_t n, uint32_t *out)
{
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        ner_phash_t ph;
        ner_phash_init(&ph);
        ner_phash_add(&ph, s[i], len[i]);
        tag_at(gz, s, len, space, n, i, ner_gaz_entry(gz, ner_phash_final(&ph)), out);
    }
}

void ner_gaz_tag_from(const ner_gaz_t *gz, const char *const *s, const uint32_t *len, const uint8_t *space,
                      size_t n, const uint32_t *first, uint32_t *out)
{
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        tag_at(gz, s, len, space, n, i, first[i], out);
    }
}
