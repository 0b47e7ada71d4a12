// SPDX-License-Identifier: GPL-2.0
/* await: the same child inline or boxed gives the same result; boxed makes
 * the parent small and allocates only for the tasks that take the branch;
 * the profiler counts entries, entering tasks and boxed allocations. */
#include "kselftest_harness.h"
#include "futtest.h"

/* The heavy child: a large scratch state, filled and digested. */
struct heavy {
	struct fut_hdr hdr;
	int seed;
	unsigned int sum;
	unsigned char scratch[8192];
};

static intptr_t heavy_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct heavy *self = (void *)h;

	FUT_BEGIN;
	for (unsigned int i = 0; i < sizeof(self->scratch); i++)
		self->scratch[i] = (unsigned char)(self->seed + i);
	FUT_YIELD();	/* the scratch must survive the suspension */
	for (unsigned int i = 0; i < sizeof(self->scratch); i++)
		self->sum += self->scratch[i];
	return self->sum;
	FUT_END;
}
static struct fut_type heavy_type = FUT_TYPE_DESC_NOSLOTS(heavy, heavy_poll, NULL);

static void heavy_init(struct heavy *h, int seed)
{
	h->seed = seed;
}

/* One parent source, compiled once per mode: the mode is one word. */
#define DEFINE_PARENT(NAME, MODE)                                             \
	struct NAME {                                                         \
		struct fut_hdr hdr;                                           \
		int rare, loops, i;                                           \
		intptr_t r, total;                                            \
		FUT_SLOT(MODE, struct heavy, heavy);                          \
	};                                                                    \
	static intptr_t NAME##_poll(struct fut_hdr *h, struct fut_task *task);\
	static const struct fut_slot NAME##_slots[] = {                       \
		FUT_SLOT_DESC(struct NAME, heavy, heavy_type),                \
	};                                                                    \
	static struct fut_type NAME##_type =                                  \
		FUT_TYPE_DESC(NAME, NAME##_poll, NULL, NAME##_slots);         \
	static intptr_t NAME##_poll(struct fut_hdr *h, struct fut_task *task) \
	{                                                                     \
		struct NAME *self = (void *)h;                                \
		FUT_BEGIN;                                                    \
		if (!self->rare)                                              \
			return 1;                                             \
		for (self->i = 0; self->i < self->loops; self->i++) {         \
			FUT_AWAIT(MODE, 0, heavy, self->r, heavy_init, self->i); \
			self->total += self->r;                               \
		}                                                             \
		return self->total;                                           \
		FUT_END;                                                      \
	}                                                                     \
	static void NAME##_init(struct NAME *s, int rare, int loops)          \
	{                                                                     \
		s->rare = rare;                                               \
		s->loops = loops;                                             \
	}

DEFINE_PARENT(conn_inline, inline)
DEFINE_PARENT(conn_boxed, boxed)

TEST(same_results_inline_and_boxed)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle a, b;
	intptr_t ra, rb;

	ASSERT_NE(NULL, ex);
	a = FUT_SPAWN(ex, &conn_inline_type, false, conn_inline_init, 1, 3);
	b = FUT_SPAWN(ex, &conn_boxed_type, false, conn_boxed_init, 1, 3);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(a, &ra));
	ASSERT_EQ(0, fut_join_now(b, &rb));
	EXPECT_EQ(ra, rb);
	EXPECT_GT(ra, 1);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(boxed_parent_is_small)
{
	EXPECT_GT(sizeof(struct conn_inline), sizeof(struct heavy));
	EXPECT_LT(sizeof(struct conn_boxed), 64);
	EXPECT_FALSE(conn_inline_slots[0].boxed);
	EXPECT_TRUE(conn_boxed_slots[0].boxed);
	EXPECT_EQ(sizeof(void *), conn_boxed_slots[0].size);
	EXPECT_EQ(sizeof(struct heavy), conn_inline_slots[0].size);
}

TEST(profiler_counts_slots)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_prof_slot_sum si, sb;
	struct fut_prof_type_sum ti, tb, th;

	ASSERT_NE(NULL, ex);
	/* 100 tasks each; 5 take the rare branch, looping 3 times. */
	for (int i = 0; i < 100; i++) {
		FUT_SPAWN(ex, &conn_inline_type, true, conn_inline_init, i % 20 == 0, 3);
		FUT_SPAWN(ex, &conn_boxed_type, true, conn_boxed_init, i % 20 == 0, 3);
	}
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_prof_type(&conn_inline_type, &ti, &si, 1));
	ASSERT_EQ(0, fut_prof_type(&conn_boxed_type, &tb, &sb, 1));
	EXPECT_EQ(100, ti.spawns);
	EXPECT_EQ(100, tb.spawns);
	EXPECT_EQ(0, ti.live);
	EXPECT_EQ(100, ti.peak_live);
	EXPECT_EQ(15, si.enters);
	EXPECT_EQ(5, si.entered);
	EXPECT_EQ(0, si.boxed_allocs);
	EXPECT_EQ(15, sb.enters);
	EXPECT_EQ(5, sb.entered);
	EXPECT_EQ(15, sb.boxed_allocs);	/* 3 per task: a hoist candidate */
	ASSERT_EQ(0, fut_prof_type(&heavy_type, &th, NULL, 0));
	EXPECT_EQ(0, th.spawns);
	EXPECT_EQ(30, th.instances);
	EXPECT_EQ(0, th.live);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(boxes_exist_only_while_the_branch_runs)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_exec_stats st;

	ASSERT_NE(NULL, ex);
	for (int i = 0; i < 10; i++)
		FUT_SPAWN(ex, &conn_boxed_type, true, conn_boxed_init, 1, 1);
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.boxes_live);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.boxes_live);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
