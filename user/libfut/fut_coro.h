/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libfut coroutines: stackful tasks on the futures' executor.
 *
 * A coroutine is a task whose root future switches (Boost.Context
 * fcontext) to a stack of its own and runs a plain C function there.  Its
 * blocking-style calls (coro_recv ...) switch back to the executor, which
 * runs the same libfut IO futures a future would await, on its own stack,
 * and switches back with the result.  Two stack kinds:
 *   CORO_STACK_FIXED  one mmap'd stack of stack_size bytes, a guard page
 *                     below it, pages committed on first touch, kept in a
 *                     per-thread cache for reuse;
 *   CORO_STACK_SPLIT  a chain of gcc -fsplit-stack segments (libgcc's
 *                     context API): a small first segment, another one
 *                     when a frame does not fit.  Only code compiled with
 *                     -fsplit-stack grows the chain; link with gold.  The
 *                     coro_* calls are split code: split code that calls
 *                     only them and other split code stays on its segment.
 * libfut(3) (user/libfut/README.md, COROUTINES) is the manual.
 */
#ifndef LIBFUT_FUT_CORO_H
#define LIBFUT_FUT_CORO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fut.h"

enum coro_stack_kind {
	CORO_STACK_FIXED,
	CORO_STACK_SPLIT,
};

/* Page-sized guard and libgcc's smallest segment are the floors. */
#define CORO_STACK_MIN (16 * 1024)
#define CORO_FIXED_DEFAULT (256 * 1024)
#define CORO_SPLIT_DEFAULT (8 * 1024)

struct coro_opts {
	enum coro_stack_kind stack;
	size_t stack_size;	/* 0: the kind's default */
	const char *name;	/* in reports (guard page hit); NULL: "coro" */
};

/*
 * The body.  Its result is the task's (join it with fut_join_type or
 * fut_join_now).  A cancelled coroutine still runs to its end: every
 * coro_* call then fails at once with -ECANCELED (coro_close closes), so
 * the body frees what it holds on its usual error paths.
 */
typedef intptr_t (*coro_fn)(void *arg);

/*
 * Spawn a coroutine on ex (NULL: the current executor, which must be the
 * calling thread's).  0 and *h set, or -ENOMEM (no stack or task), or
 * -EINVAL (a fixed stack below CORO_STACK_MIN; a split first segment is
 * raised to it, libgcc's floor).
 */
int coro_spawn(struct fut_exec *ex, const struct coro_opts *opts, coro_fn fn,
	       void *arg, bool detached, struct fut_handle *h);

/* --- inside a coroutine: results as libfut's futures give them ---------- */
intptr_t coro_recv(int fd, void *buf, uint32_t len, uint64_t timeout_ns);
intptr_t coro_send(int fd, const void *buf, uint32_t len, uint64_t timeout_ns);
intptr_t coro_read(int fd, void *buf, uint32_t len, uint64_t off);
intptr_t coro_accept(int fd, uint64_t timeout_ns);
intptr_t coro_shutdown(int fd, int how);
intptr_t coro_close(int fd);
intptr_t coro_sleep(uint64_t ns);
/* Await a task (fut_join_type): its result, -ECANCELED or -ESRCH. */
intptr_t coro_join(struct fut_handle h);
/* Let the other tasks run, then continue. */
void coro_yield(void);
/*
 * fn(arg) on the executor's stack, its result back (cancelled or not):
 * for code built without -fsplit-stack (libc's formatting, say) that split
 * code calls, so that it takes no segment of the coroutine's.  Two
 * switches.  fn must not call coro_* itself.
 */
intptr_t coro_on_executor(coro_fn fn, void *arg);
/* The calling coroutine's handle; {0, 0} outside any coroutine. */
struct fut_handle coro_self(void);
bool coro_cancelled(void);

/* --- stacks -------------------------------------------------------------- */
struct coro_stack_stats {
	uint64_t live;		/* stacks in use */
	uint64_t cached;	/* fixed stacks kept for reuse */
	uint64_t mapped_bytes;	/* fixed stacks mapped, guard pages included */
	uint64_t switches;	/* into and out of coroutines */
	/* The live split stacks' segments (kept ones too) and their mapped
	 * bytes, headers included, as of their last switch out. */
	uint64_t split_segments;
	uint64_t split_bytes;
};
/* This thread's figures (each executor thread has its own). */
void coro_stack_stats(struct coro_stack_stats *st);
/* Unmap this thread's cached fixed stacks. */
void coro_stack_trim(void);

#endif
