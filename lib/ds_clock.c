/* ds_clock.c: see ds_clock.h. */
#define _POSIX_C_SOURCE 200809L
#include "ds_clock.h"

#include <stdio.h>
#include <time.h>

static ds_clock_fn mono_seam;
static ds_clock_fn wall_seam;

void ds_clock_set(ds_clock_fn mono_ms, ds_clock_fn wall_ms)
{
    mono_seam = mono_ms;
    wall_seam = wall_ms;
}

int64_t ds_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t ds_now_ms(void)
{
    if (mono_seam) {
        return mono_seam();
    }
    return ds_now_us() / 1000;
}

int64_t ds_wall_ms(void)
{
    if (wall_seam) {
        return wall_seam();
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ds_iso8601(int64_t wall_ms, char *buf, unsigned long buflen)
{
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(wall_ms % 1000));
}
