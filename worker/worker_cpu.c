/* worker_cpu.c: see worker_cpu.h. */
#include "worker_cpu.h"

#include "worker_opts.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static timer_t cpu_timer;
static bool cpu_enabled;
static struct itimerspec cpu_budget;
static bool cpu_batch; /* worker_cpu_batch(true): disarm is deferred to the batch end */
static bool cpu_armed;
static int64_t cpu_budget_ns;
static int64_t cpu_armed_at_ns; /* CLOCK_MONOTONIC when last armed */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_xcpu(int sig)
{
    (void)sig;
    static const char line[] = "dossier-worker: level=err msg=\"document exceeded the CPU budget, "
                               "child exits\"\n";
    ssize_t n = write(2, line, sizeof line - 1);
    (void)n;
    _exit(WORKER_EXIT_CPU);
}

int worker_cpu_init(int64_t budget_ms)
{
    cpu_enabled = false;
    if (budget_ms <= 0) {
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_xcpu;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGXCPU, &sa, NULL) != 0) {
        return -1;
    }
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGXCPU;
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &cpu_timer) != 0) {
        return -1;
    }
    memset(&cpu_budget, 0, sizeof cpu_budget);
    cpu_budget.it_value.tv_sec = (time_t)(budget_ms / 1000);
    cpu_budget.it_value.tv_nsec = (long)(budget_ms % 1000) * 1000000L;
    cpu_budget_ns = budget_ms * 1000000LL;
    cpu_enabled = true;
    return 0;
}

void worker_cpu_arm(void)
{
    if (!cpu_enabled) {
        return;
    }
    int64_t now = mono_ns();
    /* Within a batch the timer armed less than a tenth of the budget ago (in wall
     * time, which bounds the thread's CPU time) still has at least 90% of the budget
     * left: keep it rather than pay a system call per document. */
    if (cpu_batch && cpu_armed && now - cpu_armed_at_ns < cpu_budget_ns / 10) {
        return;
    }
    (void)timer_settime(cpu_timer, 0, &cpu_budget, NULL);
    cpu_armed = true;
    cpu_armed_at_ns = now;
}

static void disarm_now(void)
{
    if (cpu_enabled && cpu_armed) {
        static const struct itimerspec off;
        (void)timer_settime(cpu_timer, 0, &off, NULL);
        cpu_armed = false;
    }
}

void worker_cpu_disarm(void)
{
    if (!cpu_batch) {
        disarm_now();
    }
}

void worker_cpu_batch(bool on)
{
    cpu_batch = on;
    if (!on) {
        disarm_now();
    }
}
