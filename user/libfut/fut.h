/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libfut: stackless futures on io_uring.  This header brings in the whole
 * API; each part also compiles on its own:
 *   fut_core.h    futures, tasks, wakers, the executor, join, sleep, notify
 *   fut_io.h      io_uring requests as futures, the runtime of several cores
 *   fut_prof.h    the profiler
 *   fut_remote.h  wakes from other threads, blocking work on helpers
 *   fut_coro.h    stackful coroutines (included separately)
 */
#ifndef LIBFUT_FUT_H
#define LIBFUT_FUT_H

#include "fut_core.h"
#include "fut_io.h"
#include "fut_prof.h"
#include "fut_remote.h"

#endif
