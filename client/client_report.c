/* client_report.c: see client_report.h. */
#include "client_report.h"

#include "ds_buf.h"
#include "ds_clock.h"
#include "ds_json.h"

#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int client_report_init(client_report_t *r, const char *mode, long total)
{
    memset(r, 0, sizeof *r);
    if (strcmp(mode, "auto") == 0) {
        r->bar = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
    } else if (strcmp(mode, "bar") == 0) {
        r->bar = true;
    } else if (strcmp(mode, "json") != 0) {
        return -1;
    }
    r->total = total;
    r->start_ms = ds_now_ms();
    return 0;
}

static int columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) {
        return ws.ws_col;
    }
    return 100;
}

static void clear_line(const client_report_t *r)
{
    if (r->bar) {
        fputs("\r\033[K", stderr);
    }
}

static void format_eta(char *buf, size_t n, double seconds)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600) {
        snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
    }
}

/* The counters part of the bar. */
static void bar_text(const client_report_t *r, double rate, char *buf, size_t n)
{
    char eta[32] = "";
    if (r->waiting) {
        long left = r->wait_total - r->done - r->dead;
        snprintf(buf, n, "waiting: done %ld, dead %ld, pending %ld", r->done, r->dead, left);
        return;
    }
    long finished = r->accepted + r->duplicate + r->rejected + r->unconfirmed;
    if (r->total > 0 && rate > 0 && finished < r->total) {
        char t[24];
        format_eta(t, sizeof t, (double)(r->total - finished) / rate);
        snprintf(eta, sizeof eta, " ETA %s", t);
    }
    snprintf(buf, n,
             "%ld submitted, %ld accepted, %ld duplicate, %ld rejected, %ld busy retries, %.0f docs/s%s",
             r->submitted, r->accepted, r->duplicate, r->rejected, r->busy, rate, eta);
}

void client_report_tick(client_report_t *r, bool force)
{
    int64_t now = ds_now_ms();
    if (!r->bar || (!force && now - r->drawn_ms < 100)) {
        return;
    }
    r->drawn_ms = now;
    double secs = (double)(now - r->start_ms) / 1000.0;
    long finished =
        r->waiting ? r->done + r->dead : r->accepted + r->duplicate + r->rejected + r->unconfirmed;
    long total = r->waiting ? r->wait_total : r->total;
    double rate = secs > 0.2 ? (double)(r->accepted + r->duplicate + r->rejected) / secs : 0;
    char text[256];
    bar_text(r, rate, text, sizeof text);
    int width = columns() - (int)strlen(text) - 16;
    width = width > 40 ? 40 : width;
    ds_buf_t b = DS_BUF_INIT;
    if (total > 0 && width >= 10) {
        int fill = (int)((double)width * (double)finished / (double)total);
        ds_buf_putc(&b, '[');
        for (int i = 0; i < width; i++) {
            ds_buf_putc(&b, i < fill ? '#' : '.');
        }
        ds_buf_printf(&b, "] %3d%% ", (int)(100.0 * (double)finished / (double)total));
    }
    ds_buf_puts(&b, text);
    clear_line(r);
    fputs(ds_buf_str(&b), stderr);
    fflush(stderr);
    ds_buf_free(&b);
}

void client_report_note(client_report_t *r, const char *fmt, ...)
{
    clear_line(r);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    r->drawn_ms = 0;
    client_report_tick(r, true);
}

static void count(client_report_t *r, const char *status)
{
    long *c = !strcmp(status, "accepted")      ? &r->accepted
              : !strcmp(status, "duplicate")   ? &r->duplicate
              : !strcmp(status, "done")        ? &r->done
              : !strcmp(status, "dead")        ? &r->dead
              : !strcmp(status, "unconfirmed") ? &r->unconfirmed
                                               : &r->rejected;
    (*c)++;
}

void client_report_doc(client_report_t *r, const char *origin, const char *id, const char *status,
                       const char *code, const char *error)
{
    count(r, status);
    if (r->bar) {
        if (strcmp(status, "accepted") != 0 && strcmp(status, "duplicate") != 0 &&
            strcmp(status, "done") != 0) {
            client_report_note(r, "%s %s: %s%s%s%s", status, origin, id && *id ? id : "-",
                               code && *code ? " (" : "", code && *code ? code : "",
                               code && *code ? ")" : "");
            if (error && *error) {
                client_report_note(r, "    %s", error);
            }
        }
        client_report_tick(r, false);
        return;
    }
    ds_buf_t b = DS_BUF_INIT;
    ds_json_t j;
    ds_json_init(&j, &b);
    ds_json_obj_open(&j);
    const char *kv[][2] = {
        {"origin", origin}, {"id", id}, {"status", status}, {"code", code}, {"error", error}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        if (kv[i][1] && *kv[i][1]) {
            ds_json_key(&j, kv[i][0]);
            ds_json_str(&j, kv[i][1]);
        }
    }
    ds_json_obj_close(&j);
    ds_buf_putc(&b, '\n');
    fputs(ds_buf_str(&b), stdout);
    fflush(stdout);
    ds_buf_free(&b);
}

void client_report_finish(client_report_t *r)
{
    if (!r->bar) {
        return;
    }
    client_report_tick(r, true);
    fputc('\n', stderr);
    double secs = (double)(ds_now_ms() - r->start_ms) / 1000.0;
    fprintf(stderr, "%ld documents in %.1f s: %ld accepted, %ld duplicate, %ld rejected", r->submitted, secs,
            r->accepted, r->duplicate, r->rejected);
    if (r->unconfirmed) {
        fprintf(stderr, ", %ld not confirmed", r->unconfirmed);
    }
    if (r->wait_total) {
        fprintf(stderr, "; analysed: %ld done, %ld dead", r->done, r->dead);
    }
    fputc('\n', stderr);
}
