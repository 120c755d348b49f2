/* bench_util.c: flags, clocks, Redis helpers and the CPU meter for bench/ programs.
 *
 * The CPU meter walks /proc once at the start and once at the end of a run: a
 * process counts when it is one of the --pids roots, a descendant of one, or the
 * producer itself.  cutime/cstime are included so that children which exit during
 * the run (RQ's work horses, retiring worker children) are still counted through
 * their parent once reaped.  See bench_util.h.
 */
#include "bench_util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void bu_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --n N --article FILE --prefix P --redis-port PORT [--redis-host H]\n"
            "       [--redis-db D] [--count-cmd CMD] [--pids P1,P2] [--endpoint EP]\n"
            "       [--window W] [--rate DOCS_PER_S] [--times-out FILE] [--timeout S] [--no-wait]\n",
            argv0);
    exit(64);
}

void bu_opts_parse(bu_opts_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {{"n", required_argument, NULL, 'n'},
                                             {"article", required_argument, NULL, 'a'},
                                             {"prefix", required_argument, NULL, 'P'},
                                             {"redis-host", required_argument, NULL, 'H'},
                                             {"redis-port", required_argument, NULL, 'p'},
                                             {"redis-db", required_argument, NULL, 'd'},
                                             {"count-cmd", required_argument, NULL, 'c'},
                                             {"pids", required_argument, NULL, 'i'},
                                             {"endpoint", required_argument, NULL, 'e'},
                                             {"window", required_argument, NULL, 'w'},
                                             {"rate", required_argument, NULL, 'r'},
                                             {"times-out", required_argument, NULL, 't'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"no-wait", no_argument, NULL, 'W'},
                                             {NULL, 0, NULL, 0}};
    *o = (bu_opts_t){.n = 1000,
                     .prefix = "job",
                     .redis_host = "127.0.0.1",
                     .count_cmd = "DBSIZE",
                     .pids = "",
                     .window = 64,
                     .timeout_s = 120,
                     .wait_results = 1};
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'n':
            o->n = atol(optarg);
            break;
        case 'a':
            o->article = optarg;
            break;
        case 'P':
            o->prefix = optarg;
            break;
        case 'H':
            o->redis_host = optarg;
            break;
        case 'p':
            o->redis_port = atoi(optarg);
            break;
        case 'd':
            o->redis_db = atoi(optarg);
            break;
        case 'c':
            o->count_cmd = optarg;
            break;
        case 'i':
            o->pids = optarg;
            break;
        case 'e':
            o->endpoint = optarg;
            break;
        case 'w':
            o->window = atoi(optarg);
            break;
        case 'r':
            o->rate = atof(optarg);
            break;
        case 't':
            o->times_out = optarg;
            break;
        case 'T':
            o->timeout_s = atoi(optarg);
            break;
        case 'W':
            o->wait_results = 0;
            break;
        default:
            usage(argv[0]);
        }
    }
    if (o->n <= 0 || !o->article || o->redis_port <= 0 || o->window <= 0) {
        usage(argv[0]);
    }
}

int64_t bu_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bu_sleep_ns(int64_t ns)
{
    if (ns <= 0) {
        return;
    }
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

char *bu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        bu_die("cannot open %s: %s", path, strerror(errno));
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *bigger = realloc(buf, cap + 1);
            if (!bigger) {
                free(buf);
            }
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf) {
        bu_die("out of memory");
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

size_t bu_count_words(const char *p, size_t n)
{
    size_t words = 0;
    int in_word = 0;
    for (size_t i = 0; i < n; i++) {
        int space = isspace((unsigned char)p[i]);
        if (!space && !in_word) {
            words++;
        }
        in_word = !space;
    }
    return words;
}

redisContext *bu_redis(const char *host, int port, int db)
{
    redisContext *c = redisConnect(host, port);
    if (!c || c->err) {
        bu_die("redis %s:%d: %s", host, port, c ? c->errstr : "out of memory");
    }
    if (db != 0) {
        redisReply *r = redisCommand(c, "SELECT %d", db);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            bu_die("redis SELECT %d failed", db);
        }
        freeReplyObject(r);
    }
    return c;
}

long long bu_redis_int(redisContext *c, const char *cmd)
{
    redisReply *r = redisCommand(c, cmd);
    if (!r || r->type != REDIS_REPLY_INTEGER) {
        bu_die("redis '%s': %s", cmd, r ? (r->str ? r->str : "not an integer") : c->errstr);
    }
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

void bu_store_result(redisContext *c, const char *id, size_t idlen, size_t words, size_t chars)
{
    /* hiredis 0.14's formatter knows no %zu */
    redisReply *r = redisCommand(c, "HSET r:%b id %b words %llu chars %llu", id, idlen, id, idlen,
                                 (unsigned long long)words, (unsigned long long)chars);
    if (!r || r->type == REDIS_REPLY_ERROR) {
        bu_die("redis HSET: %s", r ? r->str : c->errstr);
    }
    freeReplyObject(r);
}

int bu_wait_count(redisContext *c, const char *cmd, long long target, int timeout_s, int poll_us)
{
    int64_t deadline = bu_now_ns() + (int64_t)timeout_s * 1000000000;
    while (bu_redis_int(c, cmd) < target) {
        if (bu_now_ns() > deadline) {
            return -1;
        }
        bu_sleep_ns((int64_t)poll_us * 1000);
    }
    return 0;
}

/* ---- CPU ----------------------------------------------------------------- */

typedef struct {
    int pid, ppid;
    uint64_t ticks;
    int mark;
} proc_t;

static int read_proc(int pid, proc_t *p)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *s = strrchr(buf, ')'); /* comm may hold spaces */
    if (!s) {
        return -1;
    }
    char state;
    int ppid;
    unsigned long long ut, st;
    long long cut, cst;
    if (sscanf(s + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &state, &ppid, &ut,
               &st, &cut, &cst) != 6) {
        return -1;
    }
    p->pid = pid;
    p->ppid = ppid;
    p->ticks = ut + st + (uint64_t)cut + (uint64_t)cst;
    p->mark = 0;
    return 0;
}

static uint64_t tree_ticks(const char *pids)
{
    size_t cap = 4096, n = 0;
    proc_t *ps = malloc(cap * sizeof *ps);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (ps && d && (e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0])) {
            continue;
        }
        if (n == cap) {
            cap *= 2;
            proc_t *bigger = realloc(ps, cap * sizeof *ps);
            if (!bigger) {
                free(ps);
            }
            ps = bigger;
        }
        if (ps && read_proc(atoi(e->d_name), &ps[n]) == 0) {
            n++;
        }
    }
    if (d) {
        closedir(d);
    }
    if (!ps) {
        bu_die("out of memory");
    }
    char *list = strdup(pids), *save = NULL;
    int self = getpid();
    for (size_t i = 0; i < n; i++) {
        ps[i].mark = ps[i].pid == self;
    }
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int root = atoi(tok);
        for (size_t i = 0; i < n; i++) {
            ps[i].mark |= ps[i].pid == root;
        }
    }
    free(list);
    for (int changed = 1; changed;) { /* propagate marks to descendants */
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; !ps[i].mark && j < n; j++) {
                if (ps[j].mark && ps[j].pid == ps[i].ppid) {
                    ps[i].mark = changed = 1;
                }
            }
        }
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += ps[i].mark ? ps[i].ticks : 0;
    }
    free(ps);
    return sum;
}

static uint64_t machine_busy_ticks(void)
{
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[8] = {0};
    if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                     &v[5], &v[6], &v[7]) != 8) {
        bu_die("cannot read /proc/stat");
    }
    fclose(f);
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]; /* all but idle and iowait */
}

void bu_meter_start(bu_meter_t *m, const bu_opts_t *o, redisContext *c)
{
    m->base = o->wait_results ? bu_redis_int(c, o->count_cmd) : 0;
    m->tree0 = tree_ticks(o->pids);
    m->mach0 = machine_busy_ticks();
    m->t0_ns = bu_now_ns();
}

int bu_meter_finish(bu_meter_t *m, const bu_opts_t *o, redisContext *c, long extra_retries)
{
    int rc = 0;
    if (o->wait_results) {
        rc = bu_wait_count(c, o->count_cmd, m->base + o->n, o->timeout_s, 500);
    }
    m->t1_ns = bu_now_ns();
    m->mach1 = machine_busy_ticks();
    m->tree1 = tree_ticks(o->pids);
    double secs = (double)(m->t1_ns - m->t0_ns) / 1e9;
    double us_per_tick = 1e6 / (double)sysconf(_SC_CLK_TCK);
    if (rc != 0) {
        long long got = bu_redis_int(c, o->count_cmd) - m->base;
        printf("RESULT ok=0 jobs=%ld done=%lld secs=%.4f\n", o->n, got, secs);
        fprintf(stderr, "bench: timeout: %lld of %ld results after %d s\n", got, o->n, o->timeout_s);
        return 2;
    }
    printf("RESULT ok=1 jobs=%ld secs=%.4f rate=%.1f cpu_us=%.1f mcpu_us=%.1f retries=%ld\n", o->n, secs,
           (double)o->n / secs, (double)(m->tree1 - m->tree0) * us_per_tick / (double)o->n,
           (double)(m->mach1 - m->mach0) * us_per_tick / (double)o->n, extra_retries);
    fflush(stdout);
    return 0;
}

int bu_job_id(char *buf, size_t cap, const char *prefix, long i)
{
    return snprintf(buf, cap, "%s-%ld", prefix, i);
}
