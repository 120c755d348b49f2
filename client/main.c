/* main.c: the `dossier` command-line tool: producers and consumers of Dossier.
 *
 * `dossier COMMAND [options] [args]` looks COMMAND up in one table and hands the rest
 * of argv to its client_cmd_*() (argv[0] is the command name), which parses its own
 * flags (client.h) and returns a sysexits.h exit code.
 */
#include "client.h"

#include "ds_log.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"submit", client_cmd_submit, "FILE|DIR|-...", "send documents to the broker (.txt .html .json .jsonl)"},
    {"analyze", client_cmd_analyze, "--local FILE|-", "analyse one document and print the result JSON"},
    {"get", client_cmd_get, "ID [--field PATH,...]", "print a document's result from Redis"},
    {"status", client_cmd_status, "ID...", "ask the broker where documents are (queued, done, dead...)"},
    {"search", client_cmd_search, "--entity NAME|--country CC|--theme T...", "find documents in Redis"},
    {"watch", client_cmd_watch, "[--json]", "follow results as they arrive (a Redis consumer group)"},
    {"stats", client_cmd_stats, "[--json]", "the broker's counters and gauges"},
    {"dlq", client_cmd_dlq, "list|requeue|purge ID...|--all", "dead documents: list, requeue, purge"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "Usage: dossier COMMAND [options] [arguments]\n\n"
               "Dossier's producer and consumer tool.  Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(f, "  %-8s %-42s %s\n", commands[i].name, commands[i].usage, commands[i].summary);
    }
    fprintf(f, "\n`dossier COMMAND --help` lists a command's options.  Every command reads\n"
               "--broker (DOSSIER_BROKER, default tcp://127.0.0.1:5555), --redis (DOSSIER_REDIS,\n"
               "default redis://127.0.0.1:6379/0) and a config file (--config FILE or DOSSIER_CONFIG).\n");
}

int main(int argc, char **argv)
{
    ds_log_set_ident("dossier");
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("dossier %s\n", DS_VERSION);
        return EX_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            static char name[64];
            snprintf(name, sizeof name, "dossier %s", commands[i].name);
            client_set_command(name);
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "dossier: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EX_USAGE;
}
