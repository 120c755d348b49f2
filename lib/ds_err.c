/* ds_err.c: lookup functions for the error table in ds_err.h. */
#include "ds_err.h"

#include <string.h>

typedef struct {
    int code;
    const char *wire;
    const char *msg;
} err_row_t;

static const err_row_t rows[] = {
#define DS_ERR_ROW(sym, val, wire, msg) {val, wire, msg},
    DS_ERRORS(DS_ERR_ROW)
#undef DS_ERR_ROW
};

static const err_row_t *find(int code)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].code == code) {
            return &rows[i];
        }
    }
    return NULL;
}

const char *ds_strerror(int code)
{
    const err_row_t *r = find(code);
    return r ? r->msg : "unknown error";
}

const char *ds_errname(int code)
{
    const err_row_t *r = find(code);
    return r ? r->wire : "internal";
}

int ds_errcode(const char *wire_name)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (strcmp(rows[i].wire, wire_name) == 0) {
            return rows[i].code;
        }
    }
    return DS_EINTERNAL;
}
