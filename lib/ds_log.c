/* ds_log.c: the logger; see ds_log.h.  Single-threaded processes only. */
#define _POSIX_C_SOURCE 200809L
#include "ds_log.h"

#include "ds_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int threshold = DS_LOG_INFO;
static const char *ident = "dossier";

static const char *const names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

void ds_log_set_level(int level)
{
    threshold = level;
}

int ds_log_level(void)
{
    return threshold;
}

void ds_log_set_ident(const char *name)
{
    ident = name;
}

int ds_log_parse_level(const char *name)
{
    for (int i = 0; i < 8; i++) {
        if (strcmp(names[i], name) == 0) {
            return i;
        }
    }
    if (strcmp(name, "error") == 0) {
        return DS_LOG_ERR;
    }
    if (strcmp(name, "warn") == 0) {
        return DS_LOG_WARNING;
    }
    return -1;
}

int ds_log_reopen(const char *path)
{
    if (path == NULL || path[0] == '\0') {
        return 0;
    }
    return freopen(path, "a", stderr) ? 0 : DS_EIO;
}

void ds_log(int level, const char *fmt, ...)
{
    if (level > threshold) {
        return;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char line[4096];
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s[%d] level=%s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(tv.tv_usec / 1000), ident, (int)getpid(), names[level & 7]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line) {
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    }
    va_end(ap);
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}
