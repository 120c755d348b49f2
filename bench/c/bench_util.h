/* bench_util.h: what every benchmark producer and worker in bench/ shares.
 *
 * Model: a producer submits N copies of one article (each with its own id) through a
 * queue; workers count the words and HSET a small hash per job into Redis.  The
 * producer measures end to end: from its first submit until a Redis counter
 * (DBSIZE of the results database, or XLEN of Dossier's results stream) has grown
 * by N over its value before the run.  CPU is measured twice: the sum of
 * utime+stime+cutime+cstime over the process trees the harness names (--pids:
 * servers, workers, redis) plus the producer itself, and machine-wide from
 * /proc/stat (which includes whatever else runs on the machine).
 *
 * Called by the zmq_*, bs_*, gm_* and ds_* programs in this folder, which the bench
 * harness (bench/run.sh) builds with bench/Makefile.  Bench code may exit on error:
 * it is a measuring tool, not a service.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    long n;              /* jobs to submit */
    const char *article; /* file whose bytes are every job's text */
    const char *prefix;  /* job id prefix, unique per run */
    const char *redis_host;
    int redis_port;
    int redis_db;
    const char *count_cmd; /* "DBSIZE" or "XLEN dossier:results" */
    const char *pids;      /* comma-separated roots of the measured process trees */
    const char *endpoint;  /* the queue's address, peer-specific syntax */
    int window;            /* requests in flight, where the peer allows it */
    double rate;           /* docs/s for rate-limited runs; 0: as fast as possible */
    const char *times_out; /* file for "index submit_ns" lines (latency runs) */
    int timeout_s;         /* give up waiting for results after this */
    int wait_results;      /* 0: submit only (latency runs have a separate watcher) */
} bu_opts_t;

/* Parses the common flags; exits 64 with usage on a bad one. */
void bu_opts_parse(bu_opts_t *o, int argc, char **argv);

int64_t bu_now_ns(void); /* CLOCK_MONOTONIC, comparable across processes */
void bu_sleep_ns(int64_t ns);
char *bu_read_file(const char *path, size_t *len); /* caller owns; exits on error */
size_t bu_count_words(const char *p, size_t n);    /* whitespace-separated tokens */
void bu_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

redisContext *bu_redis(const char *host, int port, int db); /* exits on failure */
long long bu_redis_int(redisContext *c, const char *cmd);   /* integer reply or exit */
/* HSET r:{id} id words chars: the peers' trivial job's output. */
void bu_store_result(redisContext *c, const char *id, size_t idlen, size_t words, size_t chars);
/* Polls cmd every poll_us until it reaches target; returns 0, or -1 on timeout. */
int bu_wait_count(redisContext *c, const char *cmd, long long target, int timeout_s, int poll_us);

/* Measurement of one run. */
typedef struct {
    int64_t t0_ns, t1_ns;
    uint64_t tree0, tree1; /* clock ticks of the named trees + self */
    uint64_t mach0, mach1; /* busy ticks of the machine */
    long long base;        /* counter before the run */
} bu_meter_t;

void bu_meter_start(bu_meter_t *m, const bu_opts_t *o, redisContext *c);
/* Waits for the results (unless o->wait_results is 0), stops the meter and prints
 * one "RESULT key=value ..." line on stdout; returns the process exit code. */
int bu_meter_finish(bu_meter_t *m, const bu_opts_t *o, redisContext *c, long extra_retries);

/* Formats job i's id into buf ("{prefix}-{i}"); returns its length. */
int bu_job_id(char *buf, size_t cap, const char *prefix, long i);

#endif
