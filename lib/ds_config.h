/* ds_config.h: one settings table per binary generates --help, --dump-config and the
 * config-file parser.
 *
 * Precedence: defaults < config file < environment < flags.  The config file is
 * named by --config FILE or $DOSSIER_CONFIG; its lines are `key = value`, `#` starts
 * a comment, unknown keys are errors.  Integers accept K, M, G suffixes (powers of
 * 1024).  Booleans accept true/false/yes/no/1/0; a boolean flag alone means true.
 */
#ifndef DS_CONFIG_H
#define DS_CONFIG_H

#include "ds_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { DS_SET_STR, DS_SET_INT, DS_SET_BOOL } ds_set_type_t;

typedef struct {
    const char *name; /* flag --name and config key `name` */
    ds_set_type_t type;
    void *ptr;       /* char ** (owned by the table), int64_t *, or bool * */
    const char *def; /* default as text; NULL for an empty string setting */
    const char *env; /* environment variable, or NULL */
    const char *help;
} ds_setting_t;

typedef struct {
    const char *prog;    /* "dossier-broker" */
    const char *version; /* "0.1.0" */
    const char *usage;   /* one line after the program name, e.g. "[options]" */
    const char *summary; /* one paragraph shown by --help */
    const ds_setting_t *table;
    size_t n;
} ds_settings_t;

/* Returned by ds_settings_load when --help, --version or --dump-config was handled. */
#define DS_SETTINGS_HANDLED 1

/* Applies defaults, the config file, the environment and argv[1..argc).  Non-flag
 * arguments are moved, in order, to positional[0..*npos) (capacity argc; may be NULL
 * when none are allowed).  "--" ends flags.  Returns 0, DS_SETTINGS_HANDLED, or
 * DS_ECONFIG with a one-line message in errstr. */
int ds_settings_load(const ds_settings_t *s, int argc, char **argv, char **positional, int *npos,
                     char *errstr, size_t errlen) DS_WUR;

/* Applies one `key = value` (used by the loader; exposed for tests). */
int ds_settings_set(const ds_settings_t *s, const char *key, const char *value, char *errstr,
                    size_t errlen) DS_WUR;

/* Frees owned strings in the table. */
void ds_settings_free(const ds_settings_t *s);

void ds_settings_print_help(const ds_settings_t *s, void *file);
void ds_settings_dump(const ds_settings_t *s, void *file);

/* Parses "123", "64K", "1M", "2G"; returns 0 or DS_ECONFIG. */
int ds_parse_size(const char *text, int64_t *out) DS_WUR;

#endif
