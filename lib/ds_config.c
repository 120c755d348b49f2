/* ds_config.c: see ds_config.h. */
#define _POSIX_C_SOURCE 200809L
#include "ds_config.h"

#include "ds_mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ds_setting_t *find(const ds_settings_t *s, const char *key, size_t keylen)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strlen(s->table[i].name) == keylen && strncmp(s->table[i].name, key, keylen) == 0) {
            return &s->table[i];
        }
    }
    return NULL;
}

int ds_parse_size(const char *text, int64_t *out)
{
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text) {
        return DS_ECONFIG;
    }
    long long mul = 1;
    if (*end == 'K' || *end == 'k') {
        mul = 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        mul = 1024 * 1024;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        mul = 1024LL * 1024 * 1024;
        end++;
    }
    if (*end != '\0') {
        return DS_ECONFIG;
    }
    *out = v * mul;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "on")) {
        *out = true;
        return 0;
    }
    if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "off")) {
        *out = false;
        return 0;
    }
    return DS_ECONFIG;
}

static int apply(const ds_setting_t *t, const char *value, char *errstr, size_t errlen)
{
    switch (t->type) {
    case DS_SET_STR: {
        char **p = t->ptr;
        free(*p);
        *p = ds_xstrdup(value ? value : "");
        return 0;
    }
    case DS_SET_INT:
        if (ds_parse_size(value, t->ptr) != 0) {
            snprintf(errstr, errlen, "%s: expected an integer, got '%s'", t->name, value);
            return DS_ECONFIG;
        }
        return 0;
    case DS_SET_BOOL:
        if (parse_bool(value, t->ptr) != 0) {
            snprintf(errstr, errlen, "%s: expected true or false, got '%s'", t->name, value);
            return DS_ECONFIG;
        }
        return 0;
    }
    return DS_ECONFIG;
}

int ds_settings_set(const ds_settings_t *s, const char *key, const char *value, char *errstr, size_t errlen)
{
    const ds_setting_t *t = find(s, key, strlen(key));
    if (t == NULL) {
        snprintf(errstr, errlen, "unknown setting '%s' (see %s --help)", key, s->prog);
        return DS_ECONFIG;
    }
    return apply(t, value, errstr, errlen);
}

static char *trim(char *p)
{
    while (isspace((unsigned char)*p)) {
        p++;
    }
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1])) {
        p[--n] = '\0';
    }
    return p;
}

static int load_file(const ds_settings_t *s, const char *path, char *errstr, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(errstr, errlen, "cannot open config file %s: %s", path, strerror(errno));
        return DS_ECONFIG;
    }
    char line[4096];
    int lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
        }
        char *p = trim(line);
        if (*p == '\0') {
            continue;
        }
        char *eq = strchr(p, '=');
        if (eq == NULL) {
            snprintf(errstr, errlen, "%s:%d: expected 'key = value'", path, lineno);
            rc = DS_ECONFIG;
            break;
        }
        *eq = '\0';
        char msg[256];
        rc = ds_settings_set(s, trim(p), trim(eq + 1), msg, sizeof msg);
        if (rc != 0) {
            snprintf(errstr, errlen, "%s:%d: %s", path, lineno, msg);
        }
    }
    fclose(f);
    return rc;
}

static int set_defaults(const ds_settings_t *s, char *errstr, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++) {
        const ds_setting_t *t = &s->table[i];
        const char *def = t->def ? t->def
                                 : (t->type == DS_SET_BOOL  ? "false"
                                    : t->type == DS_SET_INT ? "0"
                                                            : "");
        int rc = apply(t, def, errstr, errlen);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static const char *config_path(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            return argv[i + 1];
        }
        if (strncmp(argv[i], "--config=", 9) == 0) {
            return argv[i] + 9;
        }
    }
    const char *env = getenv("DOSSIER_CONFIG");
    return (env && *env) ? env : NULL;
}

static int apply_env(const ds_settings_t *s, char *errstr, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++) {
        const ds_setting_t *t = &s->table[i];
        const char *v = t->env ? getenv(t->env) : NULL;
        if (v && *v) {
            char msg[256];
            if (apply(t, v, msg, sizeof msg) != 0) {
                snprintf(errstr, errlen, "environment %s: %s", t->env, msg);
                return DS_ECONFIG;
            }
        }
    }
    return 0;
}

/* Handles one "--flag[=value]" at argv[*i]; may consume argv[*i + 1]. */
static int apply_flag(const ds_settings_t *s, int argc, char **argv, int *i, char *errstr, size_t errlen)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t keylen = eq ? (size_t)(eq - arg) : strlen(arg);
    const ds_setting_t *t = find(s, arg, keylen);
    if (t == NULL && keylen > 3 && strncmp(arg, "no-", 3) == 0) {
        const ds_setting_t *b = find(s, arg + 3, keylen - 3);
        if (b && b->type == DS_SET_BOOL && !eq) {
            *(bool *)b->ptr = false;
            return 0;
        }
    }
    if (t == NULL) {
        snprintf(errstr, errlen, "unknown option --%.*s (see %s --help)", (int)keylen, arg, s->prog);
        return DS_ECONFIG;
    }
    const char *value = eq ? eq + 1 : NULL;
    if (value == NULL && t->type == DS_SET_BOOL) {
        value = "true";
    }
    if (value == NULL) {
        if (*i + 1 >= argc) {
            snprintf(errstr, errlen, "option --%s needs a value", t->name);
            return DS_ECONFIG;
        }
        value = argv[++*i];
    }
    return apply(t, value, errstr, errlen);
}

int ds_settings_load(const ds_settings_t *s, int argc, char **argv, char **positional, int *npos,
                     char *errstr, size_t errlen)
{
    if (npos) {
        *npos = 0;
    }
    int rc = set_defaults(s, errstr, errlen);
    const char *cfg = config_path(argc, argv);
    if (rc == 0 && cfg) {
        rc = load_file(s, cfg, errstr, errlen);
    }
    if (rc == 0) {
        rc = apply_env(s, errstr, errlen);
    }
    bool dump = false;
    bool flags_done = false;
    for (int i = 1; rc == 0 && i < argc; i++) {
        const char *a = argv[i];
        if (!flags_done && strcmp(a, "--") == 0) {
            flags_done = true;
        } else if (!flags_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            ds_settings_print_help(s, stdout);
            return DS_SETTINGS_HANDLED;
        } else if (!flags_done && strcmp(a, "--version") == 0) {
            printf("%s %s\n", s->prog, s->version);
            return DS_SETTINGS_HANDLED;
        } else if (!flags_done && strcmp(a, "--dump-config") == 0) {
            dump = true;
        } else if (!flags_done && strcmp(a, "--config") == 0) {
            i++; /* already applied */
        } else if (!flags_done && strncmp(a, "--config=", 9) == 0) {
            continue;
        } else if (!flags_done && strncmp(a, "--", 2) == 0 && a[2] != '\0') {
            rc = apply_flag(s, argc, argv, &i, errstr, errlen);
        } else if (positional && npos) {
            positional[(*npos)++] = argv[i];
        } else {
            snprintf(errstr, errlen, "unexpected argument '%s' (see %s --help)", a, s->prog);
            rc = DS_ECONFIG;
        }
    }
    if (rc == 0 && dump) {
        ds_settings_dump(s, stdout);
        return DS_SETTINGS_HANDLED;
    }
    return rc;
}

void ds_settings_free(const ds_settings_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->table[i].type == DS_SET_STR) {
            char **p = s->table[i].ptr;
            free(*p);
            *p = NULL;
        }
    }
}

void ds_settings_print_help(const ds_settings_t *s, void *file)
{
    FILE *f = file;
    fprintf(f, "Usage: %s %s\n", s->prog, s->usage ? s->usage : "[options]");
    if (s->summary) {
        fprintf(f, "\n%s\n", s->summary);
    }
    fprintf(f, "\nOptions (defaults < config file < environment < flags):\n");
    for (size_t i = 0; i < s->n; i++) {
        const ds_setting_t *t = &s->table[i];
        const char *kind = t->type == DS_SET_INT ? " N" : t->type == DS_SET_STR ? " VALUE" : "";
        char head[96];
        snprintf(head, sizeof head, "--%s%s", t->name, kind);
        fprintf(f, "  %-28s %s", head, t->help);
        if (t->def && *t->def) {
            fprintf(f, " [default: %s]", t->def);
        }
        if (t->env) {
            fprintf(f, " [env: %s]", t->env);
        }
        fputc('\n', f);
    }
    fprintf(f, "  %-28s %s\n", "--config FILE", "read settings from FILE [env: DOSSIER_CONFIG]");
    fprintf(f, "  %-28s %s\n", "--dump-config", "print the effective settings as a config file and exit");
    fprintf(f, "  %-28s %s\n", "--help, --version", "print this help or the version and exit");
}

void ds_settings_dump(const ds_settings_t *s, void *file)
{
    FILE *f = file;
    fprintf(f, "# %s %s effective configuration\n", s->prog, s->version);
    for (size_t i = 0; i < s->n; i++) {
        const ds_setting_t *t = &s->table[i];
        fprintf(f, "# %s\n", t->help);
        switch (t->type) {
        case DS_SET_STR: {
            char *const *p = t->ptr;
            fprintf(f, "%s = %s\n", t->name, *p ? *p : "");
            break;
        }
        case DS_SET_INT:
            fprintf(f, "%s = %lld\n", t->name, (long long)*(int64_t *)t->ptr);
            break;
        case DS_SET_BOOL:
            fprintf(f, "%s = %s\n", t->name, *(bool *)t->ptr ? "true" : "false");
            break;
        }
    }
}
