// SPDX-License-Identifier: GPL-2.0
/* A coroutine recurses deep on its stack and returns.  On a split stack
 * the chain grows by segments past the first one, is kept (for reuse,
 * not remapped) while the coroutine rests, and is unmapped when it ends;
 * on a fixed stack the same -fsplit-stack code never asks for a segment. */
#include "kselftest_harness.h"
#include "corotest.h"
#include "deep_split.h"

#define DEPTH 512	/* 512 KiB of frames */

static unsigned long expected(unsigned int depth)
{
	unsigned long sum = 0;

	for (unsigned int d = 1; d <= depth; d++)
		sum += d & 0xff;
	return sum;
}

static long at_rest_kib, again_kib, start_kib;

static intptr_t deep_twice(void *arg)
{
	unsigned long first, second;

	(void)arg;
	start_kib = mapped_kib();
	first = deep_split_recurse(DEPTH);
	coro_yield();
	at_rest_kib = mapped_kib();
	second = deep_split_recurse(DEPTH);
	again_kib = mapped_kib();
	return first == second ? (intptr_t)first : -1;
}

FIXTURE(deep) {
	struct fut_exec *ex;
};
CORO_KIND_VARIANTS(deep);
FIXTURE_SETUP(deep)
{
	self->ex = fut_exec_create(NULL);
	ASSERT_NE(NULL, self->ex);
}
FIXTURE_TEARDOWN(deep)
{
	coro_stack_trim();
	fut_exec_destroy(self->ex);
}

TEST_F(deep, recurse_and_return)
{
	struct coro_opts o = coro_test_opts(variant->kind, "deep");
	struct fut_handle h;
	long ended_kib;
	intptr_t r;

	/* Fixed: room for the frames (ASan makes them larger). */
	if (variant->kind == CORO_STACK_FIXED)
		o.stack_size = 8 << 20;
	ASSERT_EQ(0, coro_spawn(self->ex, &o, deep_twice, NULL, false, &h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ((intptr_t)expected(DEPTH), r);
	coro_stack_trim();
	ended_kib = mapped_kib();
	TH_LOG("%s: mapped %ld KiB at start, %ld at rest after the recursion, %ld after it again, %ld after the end",
	       variant->kind == CORO_STACK_SPLIT ? "split" : "fixed", start_kib, at_rest_kib, again_kib, ended_kib);
	if (variant->kind == CORO_STACK_SPLIT) {
		/* Grown by segments for the 512 KiB of frames... */
		EXPECT_GE(at_rest_kib - start_kib, DEPTH);
		/* ...kept and reused by the second recursion... */
		EXPECT_EQ(at_rest_kib, again_kib);
		/* ...and unmapped with the coroutine. */
		EXPECT_LT(ended_kib, at_rest_kib - DEPTH);
	} else {
		/* No segment: the fixed stack was mapped before it started. */
		EXPECT_EQ(start_kib, at_rest_kib);
		EXPECT_EQ(start_kib, again_kib);
	}
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
