/* ds_err.h: Dossier's one table of error codes.
 *
 * Every fallible function returns int: 0 on success or a negative DS_E* code.
 * Each code has a stable wire name (used in reply bodies, see proto/SPEC.md
 * section "Errors") and a human message.  Wire names never change once
 * published; new codes are appended.
 */
#ifndef DS_ERR_H
#define DS_ERR_H

#define DS_WUR __attribute__((warn_unused_result))

// clang-format off
/*  symbol            value  wire name            message */
#define DS_ERRORS(X)                                                                  \
    X(DS_OK,              0, "ok",                "success")                          \
    X(DS_ENOMEM,         -1, "internal",          "out of memory")                    \
    X(DS_EINVAL,         -2, "invalid_argument",  "invalid argument")                 \
    X(DS_EFRAME,         -3, "bad_frame",         "malformed frame")                  \
    X(DS_EMSGPACK,       -4, "bad_msgpack",       "body is not valid msgpack")        \
    X(DS_ENOTMAP,        -5, "not_a_map",         "body is not a msgpack map")        \
    X(DS_EFIELD,         -6, "bad_field",         "missing or mistyped field")        \
    X(DS_EUTF8,          -7, "bad_utf8",          "invalid UTF-8")                    \
    X(DS_ETOOBIG,        -8, "too_large",         "document too large")               \
    X(DS_EEMPTY,         -9, "empty_text",        "document text is empty")           \
    X(DS_ESERVICE,      -10, "unknown_service",   "unknown service")                  \
    X(DS_ECONFLICT,     -11, "conflict",          "id already used with other text")  \
    X(DS_EBUSY,         -12, "busy",              "queue full, retry later")          \
    X(DS_EJOURNAL,      -13, "journal",           "journal write or sync failed")     \
    X(DS_EREDIS,        -14, "redis",             "redis error")                      \
    X(DS_ETIMEOUT,      -15, "timeout",           "timed out")                        \
    X(DS_ENOTFOUND,     -16, "not_found",         "not found")                        \
    X(DS_EIO,           -17, "io",                "input/output error")               \
    X(DS_ECONFIG,       -18, "config",            "invalid configuration")            \
    X(DS_EANALYSIS,     -19, "analysis",          "analysis failed")                  \
    X(DS_EDRAINING,     -20, "draining",          "shutting down, retry later")       \
    X(DS_EVERSION,      -21, "bad_version",       "unsupported protocol version")     \
    X(DS_EINTERNAL,     -22, "internal",          "internal error")
// clang-format on

enum ds_err {
#define DS_ERR_ENUM(sym, val, wire, msg) sym = val,
    DS_ERRORS(DS_ERR_ENUM)
#undef DS_ERR_ENUM
};

/* Human-readable message for a code; never NULL. */
const char *ds_strerror(int code);

/* Stable wire name for a code ("bad_utf8", ...); never NULL. */
const char *ds_errname(int code);

/* Code for a wire name, or DS_EINTERNAL when unknown. */
int ds_errcode(const char *wire_name);

#endif
