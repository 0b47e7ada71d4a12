/* SPDX-License-Identifier: GPL-2.0 */
/* libfut: waking a task from any thread, and blocking work on helper
 * threads completing a future (remote.c, blocking.c). */
#ifndef LIBFUT_FUT_REMOTE_H
#define LIBFUT_FUT_REMOTE_H

#include <stdint.h>

#include "fut_core.h"

struct fut_exec;
struct fut_task;

/* A waker any thread may use: the task's executor and its (index,
 * generation).  Gen-checked like fut_waker: a wake of a finished or freed
 * task does nothing.  The executor must outlive the wakes sent to it. */
struct fut_remote_waker {
	struct fut_exec *ex;
	uint32_t idx;
	uint32_t gen;
};
struct fut_remote_waker fut_waker_remote(struct fut_task *task);
/* From the executor's own thread, a plain fut_wake.  From another thread,
 * a message to the executor's io_uring (IORING_OP_MSG_RING), or where the
 * kernel lacks it (or FUT_EXEC_NO_MSG_RING) a queue and the executor's
 * eventfd.  Does not wait for the executor (the queue's lock is held for
 * an append); 0, or -errno when neither way could be used (the wake is
 * lost). */
int fut_wake_remote(struct fut_remote_waker w);

/* Run fn(arg) on a helper thread; the future's result is fn's.  Await it
 * (branch B(inline, fut_spawn_blocking, field)).  When the awaiting task is
 * cancelled while fn runs, fn runs to its end all the same, and its result
 * goes to drop(result, arg) (if not NULL), on the helper thread or the
 * executor's, whichever lets go of it last: free what the result owns
 * there.  -ENOMEM or -EAGAIN when no job or helper could
 * be had.  fut_exec_destroy waits for the helpers of its tasks. */
typedef intptr_t (*fut_blocking_fn)(void *arg);
typedef void (*fut_blocking_drop_fn)(intptr_t result, void *arg);
struct fut_blocking_job;
struct fut_spawn_blocking {
	struct fut_hdr hdr;
	fut_blocking_fn fn;
	fut_blocking_drop_fn drop;
	void *arg;
	struct fut_blocking_job *job;
};
extern struct fut_type fut_spawn_blocking_type;
void fut_spawn_blocking_init(struct fut_spawn_blocking *b, fut_blocking_fn fn,
			     void *arg, fut_blocking_drop_fn drop);

#endif
