// SPDX-License-Identifier: GPL-2.0
/* More future types than the profiler has counters for (4096) still
 * spawn, await children and complete; the extra ones go unprofiled. */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define NTYPES 4200

/* A parent that awaits a nop: touches the profiler at spawn, slot
 * entry, slot exit and completion. */
#define TINY_BRANCHES(B, U) B(inline, fut_io, io)
struct tiny {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(TINY_BRANCHES);
};
static intptr_t tiny_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct tiny *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_nop_init);
	return 1;
	FUT_END;
}

static const struct fut_type tiny_type = FUT_TYPE_DESC(tiny, tiny_poll, NULL, TINY_BRANCHES);

static void tiny_init(struct tiny *s)
{
	(void)s;
}

TEST(more_types_than_counters)
{
	struct fut_type *types = calloc(NTYPES, sizeof(*types));
	struct fut_exec *ex = test_exec(0);
	struct fut_exec_stats st;
	unsigned int spawned = 0;

	ASSERT_NE(NULL, types);
	ASSERT_NE(NULL, ex);
	for (unsigned int i = 0; i < NTYPES; i++) {
		types[i] = tiny_type;
		if (FUT_SPAWN(ex, &types[i], true, tiny_init).gen)
			spawned++;
	}
	EXPECT_EQ(NTYPES, spawned);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.tasks_live);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	free(types);
}

TEST_HARNESS_MAIN
