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
 * --prefetch batch), disarm does nothing, and arm restarts the timer only when it
 * was armed a tenth of the budget or more ago (wall time, which bounds the thread's
 * CPU time): each document still gets at least 90% of the budget to itself (which
 * also covers the packing of its result), at about one timer_settime per batch
 * instead of two per document. */
void worker_cpu_batch(bool on);

#endif
