/* client_time.c: see client_time.h. */
#include "client_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_duration(const char *s, int64_t now_ms, int64_t *out)
{
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (end == s || n < 0 || end[0] == '\0' || end[1] != '\0') {
        return -1;
    }
    static const struct {
        char unit;
        int64_t ms;
    } units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}, {'w', 7 * 86400000LL}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (*end == units[i].unit) {
            *out = now_ms - (int64_t)n * units[i].ms;
            return 0;
        }
    }
    return -1;
}

static int parse_iso(const char *s, bool end_of_day, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3 || used != 10) {
        return -1;
    }
    bool date_only = s[used] == '\0';
    if (!date_only) {
        int more = 0;
        if (s[used] != 'T' && s[used] != ' ') {
            return -1;
        }
        if (sscanf(s + used + 1, "%2d:%2d%n:%2d%n", &tm.tm_hour, &tm.tm_min, &more, &tm.tm_sec, &more) < 2) {
            return -1;
        }
        const char *rest = s + used + 1 + more;
        if (*rest != '\0' && strcmp(rest, "Z") != 0) {
            return -1;
        }
    }
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    *out = (int64_t)t * 1000 + (date_only && end_of_day ? 86400000 - 1 : 0);
    return 0;
}

int client_parse_time(const char *s, int64_t now_ms, bool end_of_day, int64_t *out_ms)
{
    if (s == NULL || *s == '\0') {
        return -1;
    }
    if (parse_iso(s, end_of_day, out_ms) == 0 || parse_duration(s, now_ms, out_ms) == 0) {
        return 0;
    }
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*end == '\0' && v >= 0) {
        *out_ms = v;
        return 0;
    }
    return -1;
}

void client_format_date(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, len, "%-10s", "?");
        return;
    }
    strftime(buf, len, "%Y-%m-%d", &tm);
}
