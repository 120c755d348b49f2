/* main.c: dossier-worker: flags, configuration, start-up checks, then the prefork
 * supervisor (worker_supervise.c).
 *
 * Start-up errors print one line and exit with a sysexits code: EX_USAGE for a bad
 * command line, EX_CONFIG for settings that cannot work (bad URL, missing engine
 * data).  The engine is loaded here, once, before forking: children share its
 * read-only data copy-on-write.  No ZeroMQ context and no Redis connection is made
 * in this process.
 */
#include "ds_config.h"
#include "ds_log.h"
#include "engine.h"
#include "worker_opts.h"
#include "worker_redis.h"
#include "worker_supervise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static char *s_broker, *s_redis, *s_prefix, *s_data, *s_analysis, *s_log_level;
static int64_t s_concurrency, s_prefetch, s_max_jobs, s_ttl, s_maxlen, s_max_doc, s_cpu, s_hb, s_rtimeout,
    s_giveup, s_drain;
static bool s_dedup;

static const ds_setting_t table[] = {
    {"broker", DS_SET_STR, &s_broker, "tcp://127.0.0.1:5555", "DOSSIER_BROKER",
     "broker endpoint to take dossier.analyze requests from (tcp://host:port)"},
    {"redis", DS_SET_STR, &s_redis, "redis://127.0.0.1:6379/0", "DOSSIER_REDIS",
     "Redis to write results to: redis://[user:password@]host[:port][/db] or unix:///path/redis.sock[?db=N]"},
    {"concurrency", DS_SET_INT, &s_concurrency, "0", NULL,
     "worker processes to run; 0 = number of CPU cores"},
    {"prefetch", DS_SET_INT, &s_prefetch, "8", NULL,
     "documents each process holds at once (1-256; above 1 the worker asks the broker for that credit in "
     "READY): it analyses the ready ones and stores them in one Redis pipeline"},
    {"prefix", DS_SET_STR, &s_prefix, "dossier", NULL, "prefix of every Redis key written"},
    {"max-jobs", DS_SET_INT, &s_max_jobs, "100000", NULL,
     "a child exits and is replaced after this many documents; 0 = never"},
    {"result-ttl", DS_SET_INT, &s_ttl, "0", NULL, "seconds before a document hash expires; 0 = never"},
    {"results-maxlen", DS_SET_INT, &s_maxlen, "1000000", NULL,
     "approximate length cap of the results and dead streams (XADD MAXLEN ~); 0 = unbounded"},
    {"max-doc-bytes", DS_SET_INT, &s_max_doc, "1M", NULL, "largest document text accepted, in bytes"},
    {"cpu-budget-ms", DS_SET_INT, &s_cpu, "5000", NULL,
     "CPU time one document may take; a child that overruns is killed and replaced; 0 = none"},
    {"data", DS_SET_STR, &s_data, NULL, "DOSSIER_DATA",
     "engine data directory; empty = the default location"},
    {"analysis", DS_SET_STR, &s_analysis, "full", NULL,
     "full, or counts (counts and title only, for benchmarks)"},
    {"dedup", DS_SET_BOOL, &s_dedup, "true", NULL, "mark near-duplicates (SimHash bands, duplicate_of)"},
    {"heartbeat-ms", DS_SET_INT, &s_hb, "2500", NULL,
     "MDP heartbeat interval; the broker is dead after 3 silent ones"},
    {"redis-timeout-ms", DS_SET_INT, &s_rtimeout, "5000", NULL, "Redis connect and command timeout"},
    {"redis-give-up-ms", DS_SET_INT, &s_giveup, "30000", NULL,
     "retry a Redis write this long, then reply failed (retryable) so the broker retries"},
    {"drain-timeout-ms", DS_SET_INT, &s_drain, "30000", NULL,
     "on SIGTERM, children still busy after this long are killed"},
    {"log-level", DS_SET_STR, &s_log_level, "info", NULL, "err, warning, notice, info or debug"},
};

static const ds_settings_t settings = {
    "dossier-worker",
    DS_VERSION,
    "[options]",
    "Takes documents from the Dossier broker (Majordomo service dossier.analyze), analyses them "
    "and writes the results to Redis.  Runs --concurrency single-threaded worker processes under "
    "a supervisor.  SIGTERM drains.",
    table,
    sizeof table / sizeof table[0],
};

static int bad(const char *what)
{
    fprintf(stderr, "dossier-worker: %s\n", what);
    return EX_CONFIG;
}

/* Checks the settings and fills o; 0 or a sysexits code. */
static int validate(worker_opts_t *o)
{
    char err[256];
    worker_redis_addr_t addr;
    int level = ds_log_parse_level(s_log_level);
    if (level < 0) {
        return bad("--log-level must be err, warning, notice, info or debug");
    }
    ds_log_set_level(level);
    if (strncmp(s_broker, "tcp://", 6) != 0 && strncmp(s_broker, "ipc://", 6) != 0) {
        return bad("--broker must be a tcp:// or ipc:// endpoint");
    }
    if (worker_redis_parse_url(s_redis, &addr, err, sizeof err) != 0) {
        return bad(err);
    }
    if (strcmp(s_analysis, "full") != 0 && strcmp(s_analysis, "counts") != 0) {
        return bad("--analysis must be full or counts");
    }
    if (s_prefix[0] == '\0' || strchr(s_prefix, ' ')) {
        return bad("--prefix must be a non-empty word");
    }
    if (s_concurrency < 0 || s_concurrency > 1024 || s_prefetch < 1 || s_prefetch > 256 || s_max_jobs < 0 ||
        s_ttl < 0 || s_maxlen < 0 || s_cpu < 0 || s_max_doc < 1 || s_max_doc > 256 * 1024 * 1024 ||
        s_hb < 10 || s_rtimeout < 10 || s_giveup < 0 || s_drain < 0) {
        return bad("a numeric setting is out of range (see --help)");
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (worker_opts_t){
        .broker = s_broker,
        .redis = s_redis,
        .prefix = s_prefix,
        .data_dir = s_data,
        .counts_only = strcmp(s_analysis, "counts") == 0,
        .concurrency = s_concurrency > 0 ? (int)s_concurrency : (cores > 0 ? (int)cores : 1),
        .prefetch = (int)s_prefetch,
        .max_jobs = s_max_jobs,
        .result_ttl_s = s_ttl,
        .results_maxlen = s_maxlen,
        .max_doc_bytes = s_max_doc,
        .cpu_budget_ms = s_cpu,
        .heartbeat_ms = s_hb,
        .redis_timeout_ms = s_rtimeout,
        .redis_give_up_ms = s_giveup,
        .drain_timeout_ms = s_drain,
        .dedup = s_dedup,
    };
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    ds_log_set_ident("dossier-worker");
    int rc = ds_settings_load(&settings, argc, argv, NULL, NULL, err, sizeof err);
    if (rc == DS_SETTINGS_HANDLED) {
        ds_settings_free(&settings);
        return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "dossier-worker: %s\n", err);
        ds_settings_free(&settings);
        return EX_USAGE;
    }
    worker_opts_t o;
    int status = validate(&o);
    engine_t *engine = NULL;
    if (status == 0) {
        engine = engine_new(s_data[0] ? s_data : NULL, err, sizeof err);
        status = engine ? 0 : bad(err);
    }
    if (status == 0) {
        status = worker_supervise(&o, engine);
    }
    engine_destroy(&engine);
    ds_settings_free(&settings);
    return status;
}
