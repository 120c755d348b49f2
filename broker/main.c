/* main.c: dossier-broker: flags and config file, logging, signals, exit codes.
 *
 * Everything else is in libbroker (broker.h).  Start-up errors print one line and
 * exit with a sysexits code: EX_USAGE (bad flag or setting), EX_CONFIG (cannot bind
 * or write the endpoint file), EX_CANTCREAT (journal cannot be opened), EX_IOERR
 * (journal failed while running: fail-stop).  SIGTERM and SIGINT drain and exit 0;
 * SIGHUP reopens the log file.
 */
#include "broker.h"
#include "ds_config.h"
#include "ds_log.h"
#include "ds_msg.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_hup;

static char *bind_addr, *journal_dir, *endpoint_file, *log_level, *log_file;
static broker_config_t cfg;

static const ds_setting_t settings[] = {
    {"bind", DS_SET_STR, &bind_addr, "tcp://127.0.0.1:5555", "DOSSIER_BROKER",
     "endpoint to bind (tcp://127.0.0.1:* picks a free port)"},
    {"journal", DS_SET_STR, &journal_dir, "/var/lib/dossier/broker", NULL, "journal directory (LMDB)"},
    {"endpoint-file", DS_SET_STR, &endpoint_file, NULL, NULL, "write the bound endpoint to this file"},
    {"max-doc-bytes", DS_SET_INT, &cfg.max_doc_bytes, "1M", NULL, "largest document text accepted, in bytes"},
    {"max-queue", DS_SET_INT, &cfg.max_queue, "1000000", NULL,
     "unfinished documents held before submits get busy"},
    {"max-queue-bytes", DS_SET_INT, &cfg.max_queue_bytes, "4G", NULL,
     "their journal bytes before submits get busy"},
    {"max-attempts", DS_SET_INT, &cfg.max_attempts, "5", NULL, "attempts before a document is dead"},
    {"dedup-days", DS_SET_INT, &cfg.dedup_days, "30", NULL,
     "days the ids of finished documents are remembered"},
    {"dedup-sweep-ms", DS_SET_INT, &cfg.sweep_ms, "60000", NULL,
     "how often ids older than dedup-days are forgotten"},
    {"heartbeat-ms", DS_SET_INT, &cfg.heartbeat_ms, "2500", NULL, "MDP heartbeat interval"},
    {"liveness", DS_SET_INT, &cfg.liveness, "3", NULL,
     "heartbeat intervals of silence before a worker is dead"},
    {"request-timeout-ms", DS_SET_INT, &cfg.request_timeout_ms, "10000", NULL,
     "how long a synchronous request waits for a worker"},
    {"max-requests", DS_SET_INT, &cfg.max_requests, "10000", NULL,
     "synchronous requests waiting for a worker"},
    {"max-request-bytes", DS_SET_INT, &cfg.max_request_bytes, "256M", NULL, "their bytes"},
    {"retry-base-ms", DS_SET_INT, &cfg.retry_base_ms, "1000", NULL,
     "backoff after the first failed attempt (doubles, with jitter)"},
    {"retry-max-ms", DS_SET_INT, &cfg.retry_max_ms, "300000", NULL, "longest backoff"},
    {"lease-ms", DS_SET_INT, &cfg.lease_ms, "600000", NULL, "longest one attempt may run (0: no limit)"},
    {"busy-retry-ms", DS_SET_INT, &cfg.busy_retry_ms, "1000", NULL,
     "retry_after_ms suggested in busy replies"},
    {"batch", DS_SET_INT, &cfg.batch, "256", NULL, "messages taken from the socket per journal commit"},
    {"journal-max-bytes", DS_SET_INT, &cfg.journal_max_bytes, "64G", NULL,
     "largest size of the journal file"},
    {"drain-timeout-ms", DS_SET_INT, &cfg.drain_timeout_ms, "10000", NULL,
     "on SIGTERM, how long running attempts may finish"},
    {"flush-ms", DS_SET_INT, &cfg.flush_ms, "200", NULL,
     "longest finished-document markers wait for a commit"},
    {"zmtp-heartbeat-ms", DS_SET_INT, &cfg.zmtp_heartbeat_ms, "1000", NULL,
     "ZMTP (transport) heartbeat interval, 0 off"},
    {"log-level", DS_SET_STR, &log_level, "info", NULL, "err, warning, notice, info or debug"},
    {"log-file", DS_SET_STR, &log_file, NULL, NULL,
     "append logs to this file (reopened on SIGHUP) instead of stderr"},
};

static const ds_settings_t table = {
    "dossier-broker",
    DS_VERSION,
    "[options]",
    "The Dossier broker: accepts documents over ZeroMQ Majordomo (RFC 7), journals them durably in LMDB,\n"
    "and dispatches them to dossier-worker processes.  See proto/SPEC.md.",
    settings,
    sizeof settings / sizeof settings[0],
};

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        got_hup = 1;
    } else {
        got_term = 1;
    }
}

static void reopen_logs(void)
{
    if (ds_log_reopen(log_file) != 0) {
        ds_log(DS_LOG_WARNING, "msg=\"cannot reopen log file\" path=%s", log_file);
    } else {
        ds_log(DS_LOG_INFO, "msg=\"log reopened\"");
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int setup_logging(void)
{
    int level = ds_log_parse_level(log_level);
    if (level < 0) {
        fprintf(stderr, "dossier-broker: --log-level: unknown level '%s'\n", log_level);
        return EX_USAGE;
    }
    ds_log_set_level(level);
    ds_log_set_ident("dossier-broker");
    if (log_file && log_file[0] && ds_log_reopen(log_file) != 0) {
        fprintf(stderr, "dossier-broker: cannot open log file %s\n", log_file);
        return EX_CANTCREAT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    int rc = ds_settings_load(&table, argc, argv, NULL, NULL, err, sizeof err);
    if (rc != 0) {
        if (rc != DS_SETTINGS_HANDLED) {
            fprintf(stderr, "dossier-broker: %s\n", err);
        }
        ds_settings_free(&table);
        return rc == DS_SETTINGS_HANDLED ? 0 : EX_USAGE;
    }
    int ex = setup_logging();
    if (ex != 0) {
        ds_settings_free(&table);
        return ex;
    }
    cfg.bind = bind_addr;
    cfg.journal = journal_dir;
    cfg.endpoint_file = endpoint_file;
    install_signals();
    broker_t *b = NULL;
    rc = broker_new(&b, &cfg, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "dossier-broker: %s\n", err);
        ds_settings_free(&table);
        return rc == DS_EJOURNAL                                ? EX_CANTCREAT
               : rc == DS_EIO                                   ? EX_OSERR
               : rc == DS_ECONFIG && strncmp(err, "--", 2) == 0 ? EX_USAGE
                                                                : EX_CONFIG;
    }
    ds_log(DS_LOG_NOTICE, "msg=listening endpoint=%s journal=%s version=%s", broker_endpoint(b), journal_dir,
           DS_VERSION);
    broker_signals_t sig = {&got_term, &got_hup, reopen_logs};
    rc = broker_run(b, &sig);
    broker_destroy(&b);
    ds_settings_free(&table);
    if (rc != 0) {
        ds_log(DS_LOG_ERR, "msg=\"stopped: journal failure\"");
        return EX_IOERR;
    }
    ds_log(DS_LOG_NOTICE, "msg=\"stopped\"");
    return 0;
}
