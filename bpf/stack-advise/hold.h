/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command stack-advise starts is traced (its main thread only, ptrace
 * PTRACE_O_TRACEEXIT) so that it stops once on its way out, while its
 * mappings still exist: they are copied for the symbolizer, then it is let
 * go.  A program that exits within milliseconds is still symbolized.
 */
#ifndef SA_HOLD_H
#define SA_HOLD_H

#include <sys/types.h>

#include "sym.h"

/* Trace pid (forked, held before exec).  0 or -errno. */
int sa_hold_start(pid_t pid);

/* Non-blocking: pass on signals, copy the maps at the exit stop.  1 when
 * the process has exited and is reaped (status as from waitpid), else 0. */
int sa_hold_poll(pid_t pid, struct sa_symbolizer **sz, int *status);

/* Stop tracing a process still running (before it is signalled). */
void sa_hold_release(pid_t pid);

#endif
