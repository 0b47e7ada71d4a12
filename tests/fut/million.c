// SPDX-License-Identifier: GPL-2.0
/* A million tasks spawned, run and completed: every one ran, nothing is
 * left in the executor, and (LSan) nothing leaked. */
#include "kselftest_harness.h"
#include "futtest.h"

#define N 1000000

struct tiny {
	struct fut_hdr hdr;
	long *count;
};

static intptr_t tiny_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct tiny *self = (void *)h;

	FUT_BEGIN;
	FUT_YIELD();	/* all alive at once, then all finish */
	++*self->count;
	return 0;
	FUT_END;
}
static struct fut_type tiny_type = FUT_TYPE_DESC(tiny, tiny_poll, NULL);

static void tiny_init(struct tiny *s, long *count)
{
	s->count = count;
}

TEST(one_million_tasks)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_prof_type_sum t;
	struct fut_exec_stats st;
	long count = 0;

	ASSERT_NE(NULL, ex);
	for (int i = 0; i < N; i++) {
		struct fut_handle h = FUT_SPAWN(ex, &tiny_type, true, tiny_init, &count);

		ASSERT_NE(0, h.gen);
	}
	fut_exec_stats(ex, &st);
	EXPECT_EQ(N, st.tasks_live);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(N, count);
	ASSERT_EQ(0, fut_prof_type(&tiny_type, &t, NULL, 0));
	EXPECT_EQ(N, t.spawns);
	EXPECT_EQ(0, t.live);
	EXPECT_EQ(N, t.peak_live);
	EXPECT_TRUE(exec_is_clean(ex));
	/* Freed slots are reused: a second million needs no new memory. */
	count = 0;
	for (int i = 0; i < N; i++)
		FUT_SPAWN(ex, &tiny_type, true, tiny_init, &count);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(N, count);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
