/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the libfut tests. */
#ifndef FUTTEST_H
#define FUTTEST_H

#include <errno.h>
#include <string.h>

#include "libfut/fut.h"

static inline struct fut_exec *test_exec(unsigned int flags)
{
	struct fut_exec_opts o = { .flags = flags };

	return fut_exec_create(&o);
}

/* The executor has nothing left: no task, box, owed CQE or buffer. */
static inline int exec_is_clean(struct fut_exec *ex)
{
	struct fut_exec_stats st;

	fut_exec_stats(ex, &st);
	/* One CQE is always owed: the executor's own eventfd read. */
	return st.tasks_live == 0 && st.tasks_running == 0 &&
	       st.boxes_live == 0 && st.cqes_pending == 1 && st.bufs_out == 0;
}

/* Stops the executor after ms: a test of a hang ends and fails instead of
 * hanging.  Spawn it detached; cancel it with its handle when done. */
#define WATCHDOG_BRANCHES(B, U) B(inline, fut_sleep, s)
struct watchdog {
	struct fut_hdr hdr;
	intptr_t r;
	int *fired;
	FUT_BRANCHES(WATCHDOG_BRANCHES);
};
static intptr_t watchdog_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type watchdog_type __attribute__((unused)) =
	FUT_TYPE_DESC(watchdog, watchdog_poll, NULL, WATCHDOG_BRANCHES);

static intptr_t watchdog_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct watchdog *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init,
		  (uint64_t)self->r * 1000000);
	*self->fired = 1;
	fut_exec_stop(fut_exec_current());
	return 0;
	FUT_END;
}

static inline __attribute__((unused)) void watchdog_init(struct watchdog *w,
							 int ms, int *fired)
{
	w->r = ms;
	w->fired = fired;
}

#endif
