/* worker_cpu.h: the per-document CPU time budget of a child.
 *
 * Model: one POSIX timer on the child's thread CPU clock (CLOCK_THREAD_CPUTIME_ID,
 * so only the analysing thread counts, not ZeroMQ's I/O thread), armed before the
 * engine runs and disarmed after.  When a document overruns, SIGXCPU's handler writes
 * one line and _exit()s with WORKER_EXIT_CPU: the engine cannot be interrupted safely
 * mid-document, so the child is replaced by the supervisor and the broker's lease and
 * retry rules decide what happens to the document (a hostile document ends up dead-
 * lettered).  Process-wide state: one timer per process, used by the child only.
 */
#ifndef WORKER_CPU_H
#define WORKER_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Creates the timer and installs the handler; budget_ms 0 disables the budget.
 * Returns 0 or -1 (errno set). */
int worker_cpu_init(int64_t budget_ms);
void worker_cpu_arm(void);
void worker_cpu_disarm(void);
/* Between worker_cpu_batch(true) and worker_cpu_batch(false) (the analysis of a
 * --prefetch batch), disarm does nothing: the next arm restarts the timer with a full
 * budget anyway, so each document still gets its own budget (which then also covers
 * the packing of its result), at one timer_settime per document instead of two. */
void worker_cpu_batch(bool on);

#endif
