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
static struct fut_type heavy_type = FUT_TYPE_DESC(heavy, heavy_poll, NULL);

static void heavy_init(struct heavy *h, int seed)
{
	h->seed = seed;
}

/* One parent source, compiled once per mode: the mode is one word. */
#define PARENT_BRANCHES_inline(B, U) B(inline, heavy, heavy)
#define PARENT_BRANCHES_boxed(B, U) B(boxed, heavy, heavy)
#define DEFINE_PARENT(NAME, MODE)                                             \
	struct NAME {                                                         \
		struct fut_hdr hdr;                                           \
		int rare, loops, i;                                           \
		intptr_t r, total;                                            \
		FUT_BRANCHES(PARENT_BRANCHES_##MODE);                         \
	};                                                                    \
	static intptr_t NAME##_poll(struct fut_hdr *h, struct fut_task *task);\
	static struct fut_type NAME##_type =                                  \
		FUT_TYPE_DESC(NAME, NAME##_poll, NULL, PARENT_BRANCHES_##MODE); \
	static intptr_t NAME##_poll(struct fut_hdr *h, struct fut_task *task) \
	{                                                                     \
		struct NAME *self = (void *)h;                                \
		FUT_BEGIN;                                                    \
		if (!self->rare)                                              \
			return 1;                                             \
		for (self->i = 0; self->i < self->loops; self->i++) {         \
			FUT_AWAIT(heavy, self->r, heavy_init, self->i);       \
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
	EXPECT_FALSE(conn_inline_type.slots[0].boxed);
	EXPECT_TRUE(conn_boxed_type.slots[0].boxed);
	EXPECT_EQ(sizeof(void *), conn_boxed_type.slots[0].size);
	EXPECT_EQ(sizeof(struct heavy), conn_inline_type.slots[0].size);
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
	EXPECT_EQ(5, sb.peak_active);	/* the 5 interleave inside it */
	EXPECT_EQ(0, sb.active);
	ASSERT_EQ(0, fut_prof_type(&heavy_type, &th, NULL, 0));
	EXPECT_EQ(0, th.spawns);
	EXPECT_EQ(30, th.instances);
	EXPECT_EQ(0, th.live);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

/* Spawned after the parents: sees them all suspended inside the slot
 * (FIFO: each was polled once), then cancels them. */
struct observer {
	struct fut_hdr hdr;
	struct fut_prof_slot_sum *seen;
	struct fut_handle *victims;
	int nvictims;
};
static intptr_t observer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct observer *self = (void *)h;
	struct fut_prof_type_sum t;

	(void)task;
	fut_prof_type(&conn_boxed_type, &t, self->seen, 1);
	for (int i = 0; i < self->nvictims; i++)
		fut_cancel(self->victims[i]);
	return 0;
}
static struct fut_type observer_type = FUT_TYPE_DESC(observer, observer_poll, NULL);
static void observer_init(struct observer *o, struct fut_prof_slot_sum *seen,
			  struct fut_handle *victims, int nvictims)
{
	o->seen = seen;
	o->victims = victims;
	o->nvictims = nvictims;
}

TEST(peak_active_one_after_another_is_one)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_prof_slot_sum si, sb;
	struct fut_prof_type_sum t;

	ASSERT_NE(NULL, ex);
	/* Each task runs to its end before the next starts; one loops. */
	for (int i = 0; i < 5; i++) {
		FUT_SPAWN(ex, &conn_boxed_type, true, conn_boxed_init, 1, 1);
		ASSERT_EQ(0, fut_exec_run(ex));
	}
	FUT_SPAWN(ex, &conn_inline_type, true, conn_inline_init, 1, 4);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_prof_type(&conn_boxed_type, &t, &sb, 1));
	ASSERT_EQ(0, fut_prof_type(&conn_inline_type, &t, &si, 1));
	EXPECT_EQ(5, sb.enters);
	EXPECT_EQ(1, sb.peak_active);
	EXPECT_EQ(0, sb.active);
	EXPECT_EQ(4, si.enters);
	EXPECT_EQ(1, si.peak_active);
	EXPECT_EQ(0, si.active);
	fut_exec_destroy(ex);
}

TEST(peak_active_counts_tasks_suspended_inside)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_prof_slot_sum seen = { 0 }, sb;
	struct fut_prof_type_sum t;
	struct fut_handle h[7];
	intptr_t r;

	ASSERT_NE(NULL, ex);
	/* 7 inside at once; 3 more never enter the slot. */
	for (int i = 0; i < 7; i++)
		h[i] = FUT_SPAWN(ex, &conn_boxed_type, false, conn_boxed_init, 1, 1);
	for (int i = 0; i < 3; i++)
		FUT_SPAWN(ex, &conn_boxed_type, true, conn_boxed_init, 0, 1);
	FUT_SPAWN(ex, &observer_type, true, observer_init, &seen, h, 7);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(7, seen.active);
	EXPECT_EQ(7, seen.peak_active);
	for (int i = 0; i < 7; i++)
		EXPECT_EQ(-ECANCELED, fut_join_now(h[i], &r) ?: r);
	/* Cancelled parents dropped their children: none active now. */
	ASSERT_EQ(0, fut_prof_type(&conn_boxed_type, &t, &sb, 1));
	EXPECT_EQ(0, sb.active);
	EXPECT_EQ(7, sb.peak_active);
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
