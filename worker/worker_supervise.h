/* worker_supervise.h: the prefork parent: forks the children, replaces the dead ones
 * (policy in worker_pool.h), and drains them on SIGTERM.
 *
 * Model: the parent makes no ZeroMQ context and no Redis connection, ever; it only
 * forks, waits and signals.  Signals are blocked and taken synchronously with
 * sigtimedwait(), so there is no handler state to race with.  SIGTERM or SIGINT:
 * restarts stop, every child gets SIGTERM, and children still alive after
 * drain_timeout_ms get SIGKILL.  A child that exits with EX_CONFIG stops everything.
 * Called by main.c; returns the process exit status.
 */
#ifndef WORKER_SUPERVISE_H
#define WORKER_SUPERVISE_H

#include "engine.h"
#include "worker_opts.h"

int worker_supervise(const worker_opts_t *o, engine_t *engine);

#endif
