/* engine_bench.c: engine throughput on news text, one core.
 *
 *   engine_bench [--seconds S | --docs N] [--mode full|counts] [--data DIR] FILE...
 *   engine_bench --dump [--mode ...] [--format html] [--data DIR] FILE...
 *
 * Loads the engine once, then analyses the given documents round-robin (and writes
 * each result's JSON, as the worker does) for S seconds of CPU time, or N documents
 * (a fixed amount of work, for instruction counts under valgrind --tool=callgrind).  Prints MB/s
 * and documents/s per core (CPU time of this single-threaded process), the time
 * per stage (through the engine's stage hook) and the peak RSS.  Run by
 * bench/engine.sh.  --dump analyses each file once and prints its JSON (one line
 * each, analyzer.elapsed_us 0), so a speed change can be checked for identical
 * output by diffing two runs.
 */
#include "engine.h"

#include "ds_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_STAGES 32
#define MAX_DOCS 256

typedef struct {
    const char *name[MAX_STAGES];
    double ns[MAX_STAGES];
    size_t n;
    double last;
} stages_t;

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void on_stage(void *ctx, const char *stage)
{
    stages_t *s = ctx;
    double now = cpu_ns();
    size_t i = 0;
    while (i < s->n && strcmp(s->name[i], stage) != 0) {
        i++;
    }
    if (i == s->n && s->n < MAX_STAGES) {
        s->name[s->n++] = stage;
    }
    if (i < MAX_STAGES) {
        s->ns[i] += now - s->last;
    }
    s->last = now;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    ds_buf_t b = DS_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        ds_buf_append(&b, tmp, n);
    }
    fclose(f);
    return ds_buf_detach(&b, len);
}

static void report(const stages_t *st, double cpu, double bytes, long docs, double json_ns)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("documents     %ld (%.0f bytes each on average)\n", docs, bytes / (double)docs);
    printf("cpu time      %.3f s\n", cpu / 1e9);
    printf("throughput    %.2f MB/s per core, %.0f documents/s per core\n", bytes / 1e6 / (cpu / 1e9),
           (double)docs / (cpu / 1e9));
    printf("peak RSS      %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    printf("stage         us/doc   share\n");
    double total = json_ns;
    for (size_t i = 0; i < st->n; i++) {
        total += st->ns[i];
    }
    for (size_t i = 0; i < st->n; i++) {
        printf("  %-11s %7.1f  %5.1f%%\n", st->name[i], st->ns[i] / 1e3 / (double)docs,
               100.0 * st->ns[i] / total);
    }
    printf("  %-11s %7.1f  %5.1f%%\n", "json", json_ns / 1e3 / (double)docs, 100.0 * json_ns / total);
}

/* One JSON line per document, or its error; analysed twice to show the result does
 * not depend on what the engine analysed before. */
static int dump_all(engine_t *e, const engine_input_t *in, char **docs, const size_t *lens, size_t n)
{
    ds_buf_t json = DS_BUF_INIT;
    char err[256];
    for (size_t i = 0; i < 2 * n; i++) {
        engine_result_t *r = NULL;
        ds_buf_reset(&json);
        if (engine_analyze(e, docs[i % n], lens[i % n], in, &r, err, sizeof err) != 0) {
            ds_buf_append(&json, err, strlen(err));
        } else {
            engine_result_json(r, 0, &json);
            engine_result_destroy(&r);
        }
        fwrite(json.data, 1, json.len, stdout);
        fputc('\n', stdout);
    }
    ds_buf_free(&json);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 5;
    long max_docs = -1;
    engine_mode_t mode = ENGINE_FULL;
    const char *data = NULL;
    const char *format = NULL;
    int dump = 0;
    char *docs[MAX_DOCS];
    size_t lens[MAX_DOCS], n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
        } else if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc) {
            max_docs = atol(argv[++i]);
        } else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            mode = strcmp(argv[++i], "counts") == 0 ? ENGINE_COUNTS : ENGINE_FULL;
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
        } else if (strcmp(argv[i], "--dump") == 0) {
            dump = 1;
        } else if (n < MAX_DOCS && (docs[n] = read_file(argv[i], &lens[n])) != NULL) {
            n++;
        } else {
            fprintf(stderr, "engine_bench: cannot read %s\n", argv[i]);
            return 2;
        }
    }
    if (n == 0) {
        fprintf(stderr, "usage: engine_bench [--seconds S | --docs N] [--mode full|counts] [--data DIR] "
                        "FILE...\n");
        return 2;
    }
    char err[256];
    engine_t *e = engine_new(data, err, sizeof err);
    if (e == NULL) {
        fprintf(stderr, "engine_bench: %s\n", err);
        return 1;
    }
    engine_input_t in = {.mode = mode, .format = format};
    if (dump) {
        int rc = dump_all(e, &in, docs, lens, n);
        engine_destroy(&e);
        return rc;
    }
    stages_t st = {.n = 0};
    engine_set_stage_hook(e, on_stage, &st);
    ds_buf_t json = DS_BUF_INIT;
    double start = cpu_ns(), bytes = 0, json_ns = 0;
    long count = 0;
    while (max_docs >= 0 ? count < max_docs : cpu_ns() - start < seconds * 1e9) {
        size_t i = (size_t)count % n;
        engine_result_t *r = NULL;
        st.last = cpu_ns();
        if (engine_analyze(e, docs[i], lens[i], &in, &r, err, sizeof err) != 0) {
            fprintf(stderr, "engine_bench: document %zu: %s\n", i, err);
            return 1;
        }
        double j0 = cpu_ns();
        ds_buf_reset(&json);
        engine_result_json(r, 0, &json);
        engine_result_destroy(&r);
        json_ns += cpu_ns() - j0;
        bytes += (double)lens[i];
        count++;
    }
    report(&st, cpu_ns() - start, bytes, count, json_ns);
    ds_buf_free(&json);
    engine_destroy(&e);
    for (size_t i = 0; i < n; i++) {
        free(docs[i]);
    }
    return 0;
}
