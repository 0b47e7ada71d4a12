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

#endif
