/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fut_bench's like-for-like pairs: each future figure next to a thread
 * figure doing the same work, and the helper that runs every benchmark in
 * a fresh process (so no benchmark inherits another's freed memory).
 */
#ifndef STACKLAB_BENCH_PAIRS_H
#define STACKLAB_BENCH_PAIRS_H

/* fn(arg) in a forked child pinned like the parent; its result, or exits
 * the parent with the child's failure. */
double run_fresh(double (*fn)(long), long arg, const char *name);

/* One hand-off (ns) between two tasks through two fut_notify events. */
double bench_fut_notify(long rounds);
/* One hand-off (ns) between two threads through a futex word. */
double bench_thread_futex(long rounds);
/* One hand-off (ns) between tasks of two executors on two threads, each
 * waking the other with fut_wake_remote (pairs bench_thread_futex). */
double bench_fut_remote_wake(long rounds);
/* One hand-off (ns) between two tasks over two pipes through io_uring. */
double bench_fut_pipe_pingpong(long rounds);
/* RSS growth (bytes) per task blocked on its own fut_notify_wait. */
double bench_blocked_tasks(long ntasks);
/* Growth per thread blocked on a futex (bytes): RSS + page tables (VmPTE)
 * + kernel stacks (/proc/meminfo KernelStack, system-wide). */
double bench_idle_threads(long nthreads);

#endif
