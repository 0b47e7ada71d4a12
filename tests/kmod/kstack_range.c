// SPDX-License-Identifier: GPL-2.0
/*
 * kstack_used is above zero and below kstack_size for every thread listed:
 * the target's, and every thread of the system (target 0).
 */
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

static void check_rows(struct __test_metadata *_metadata,
		       const struct sl_row *rows, int n)
{
	unsigned long size = rows[0].kstack_size, max = 0;

	/* THREAD_SIZE: a power of two of at least two pages. */
	ASSERT_EQ(0UL, size & (size - 1));
	ASSERT_LE(8192UL, size);
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(size, rows[i].kstack_size);
		EXPECT_LT(0UL, rows[i].kstack_used)
			TH_LOG("tid %d (%s)", rows[i].tid, rows[i].comm);
		EXPECT_GT(size, rows[i].kstack_used)
			TH_LOG("tid %d (%s)", rows[i].tid, rows[i].comm);
		if (rows[i].kstack_used > max)
			max = rows[i].kstack_used;
	}
	TH_LOG("%d threads, kstack_size %lu, deepest %lu", n, size, max);
}

TEST_F(stacklab, target_threads_in_range)
{
	struct sl_child c;
	struct sl_row *rows;
	int n;

	ASSERT_EQ(0, sl_child_start(&c, 8, 0, 2));
	ASSERT_EQ(0, sl_set_target(c.pid));
	n = sl_read_tasks(&rows);
	EXPECT_EQ(1 + c.nthreads, n);
	if (n > 0) {
		check_rows(_metadata, rows, n);
		free(rows);
	}
	EXPECT_EQ(0, sl_child_stop(&c));
}

TEST_F(stacklab, every_thread_in_range)
{
	struct sl_row *rows;
	int n;

	n = sl_read_tasks(&rows);
	ASSERT_LT(2, n);	/* init, kthreadd, this test, ... */
	check_rows(_metadata, rows, n);
	free(rows);
}

TEST_HARNESS_MAIN
