// SPDX-License-Identifier: GPL-2.0
/* Switches: coroutines interleave at coro_yield in spawn order, return
 * their results to joiners (futures or coroutines), and a million
 * switches leave no task, stack or memory behind (LSan checks the last). */
#include "kselftest_harness.h"
#include "corotest.h"

static char trace[64];

static void note(char c)
{
	size_t n = strlen(trace);

	trace[n] = c;
	trace[n + 1] = 0;
}

static intptr_t three_steps(void *arg)
{
	char name = *(char *)arg;

	for (int i = 0; i < 3; i++) {
		note(name);
		coro_yield();
	}
	return name;
}

FIXTURE(sw) {
	struct fut_exec *ex;
};
CORO_KIND_VARIANTS(sw);
FIXTURE_SETUP(sw)
{
	self->ex = fut_exec_create(NULL);
	ASSERT_NE(NULL, self->ex);
	trace[0] = 0;
}
FIXTURE_TEARDOWN(sw)
{
	coro_stack_trim();
	fut_exec_destroy(self->ex);
}

TEST_F(sw, interleave_and_results)
{
	struct coro_opts o = coro_test_opts(variant->kind, "step");
	static char a = 'a', b = 'b';
	struct fut_handle ha, hb;
	intptr_t ra, rb;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, three_steps, &a, false, &ha));
	ASSERT_EQ(0, coro_spawn(self->ex, &o, three_steps, &b, false, &hb));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	EXPECT_STREQ("ababab", trace);
	ASSERT_EQ(0, fut_join_now(ha, &ra));
	ASSERT_EQ(0, fut_join_now(hb, &rb));
	EXPECT_EQ('a', ra);
	EXPECT_EQ('b', rb);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

static struct fut_handle joined;
static enum coro_stack_kind joined_kind;

static intptr_t joiner(void *arg)
{
	struct coro_opts o = coro_test_opts(joined_kind, "inner");
	static char c = 'c';

	(void)arg;
	if (coro_spawn(NULL, &o, three_steps, &c, false, &joined))
		return -1;
	return coro_join(joined) + 1000;
}

TEST_F(sw, coroutine_joins_coroutine)
{
	struct coro_opts o = coro_test_opts(variant->kind, "outer");
	struct fut_handle h;
	intptr_t r;

	joined_kind = variant->kind;
	ASSERT_EQ(0, coro_spawn(self->ex, &o, joiner, NULL, false, &h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(1000 + 'c', r);
	EXPECT_STREQ("ccc", trace);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

#define MILLION 1000000

static intptr_t spin(void *arg)
{
	long n = (long)(intptr_t)arg;

	for (long i = 0; i < n; i++)
		coro_yield();
	return n;
}

TEST_F(sw, a_million_switches_no_leak)
{
	struct coro_opts o = coro_test_opts(variant->kind, "spin");
	struct coro_stack_stats before, after;
	struct fut_handle h;
	intptr_t r;

	coro_stack_stats(&before);
	ASSERT_EQ(0, coro_spawn(self->ex, &o, spin, (void *)(intptr_t)MILLION,
				false, &h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(MILLION, r);
	coro_stack_stats(&after);
	/* Into and out of it once per yield, plus its start and end. */
	EXPECT_EQ(2ull * (MILLION + 1), after.switches - before.switches);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_F(sw, many_coroutines_reuse_stacks)
{
	struct coro_opts o = coro_test_opts(variant->kind, "short");
	struct coro_stack_stats st;
	struct fut_handle h;

	/* In waves of 100: the fixed cache bounds what stays mapped. */
	for (int wave = 0; wave < 100; wave++) {
		for (int i = 0; i < 100; i++)
			ASSERT_EQ(0, coro_spawn(self->ex, &o, spin, (void *)2, true, &h));
		ASSERT_EQ(0, fut_exec_run(self->ex));
	}
	coro_stack_stats(&st);
	EXPECT_EQ(0, st.live);
	if (variant->kind == CORO_STACK_FIXED) {
		EXPECT_EQ(64, st.cached);
		EXPECT_EQ(64ull * (CORO_FIXED_DEFAULT + 4096), st.mapped_bytes);
	}
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
