/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the coroutine tests. */
#ifndef COROTEST_H
#define COROTEST_H

#include <stdio.h>
#include <string.h>

#include "libfut/fut.h"
#include "libfut/fut_coro.h"

/* Every test runs on both stack kinds. */
#define CORO_KIND_VARIANTS(fixture)                                           \
	FIXTURE_VARIANT(fixture) {                                            \
		enum coro_stack_kind kind;                                    \
	};                                                                    \
	FIXTURE_VARIANT_ADD(fixture, fixed) { .kind = CORO_STACK_FIXED };     \
	FIXTURE_VARIANT_ADD(fixture, split) { .kind = CORO_STACK_SPLIT }

static inline struct coro_opts coro_test_opts(enum coro_stack_kind kind,
					      const char *name)
{
	return (struct coro_opts){ .stack = kind, .name = name };
}

/* Kilobytes of address space mapped (/proc/self/statm): segments show. */
static inline long mapped_kib(void)
{
	long pages = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld", &pages) != 1)
			pages = -1;
		fclose(f);
	}
	return pages * 4;
}

/* Nothing left on the executor: no task, box or owed CQE but its own. */
static inline int coro_exec_is_clean(struct fut_exec *ex)
{
	struct fut_exec_stats st;
	struct coro_stack_stats cs;

	fut_exec_stats(ex, &st);
	coro_stack_stats(&cs);
	return st.tasks_live == 0 && st.tasks_running == 0 &&
	       st.boxes_live == 0 && st.cqes_pending == 1 && cs.live == 0;
}

#endif
