// SPDX-License-Identifier: GPL-2.0
/* Where tasks meet the ring: cancelling a task's requests (fut_cancel, a
 * task that returned or cancelled itself with requests in flight) and
 * waiting out those whose memory is about to be reused.  Above both
 * task.c and ring.c, so that neither calls the other back. */
#include <errno.h>
#include <stdbool.h>

#include "exec.h"
#include "ring.h"
#include "task.h"

static void task_cancel_ops(struct fut_exec *ex, struct fut_task *t)
{
	for (struct fut_op *op = t->ops; op; op = op->next)
		op_cancel(ex, op);
}

void task_step(struct fut_exec *ex, struct fut_task *t)
{
	if (task_run(ex, t))
		task_cancel_ops(ex, t);
}

int fut_cancel(struct fut_handle h)
{
	struct fut_exec *ex = fut__tls_exec;
	struct fut_task *t = task_get(ex, h.idx, h.gen);

	if (!t)
		return -ESRCH;
	if (t->flags & (TASK_DONE | TASK_CANCELLING | TASK_FINISHING))
		return 0;
	t->flags |= TASK_CANCELLING | TASK_CANCELLED;
	task_cancel_ops(ex, t);
	/* Queue it: the run loop finishes it once nothing is owed. */
	task_wake(t);
	return 0;
}

/* task_settle's slow path: a request in the range is owed. */
void task_settle_owed(struct fut_exec *ex, struct fut_task *t,
		      const void *lo, size_t len)
{
	struct fut_op *op;

	for (op = t->ops; op; op = op->next)
		if ((const char *)op >= (const char *)lo &&
		    (const char *)op < (const char *)lo + len)
			op_cancel(ex, op);
	/* Cancelled requests complete soon; the executor waits for them
	 * here rather than let the kernel's last CQE point into reused
	 * memory. */
	while (op_within(t, lo, len))
		ring_poll(ex, 1000 * 1000);
}
