// SPDX-License-Identifier: GPL-2.0
/*
 * What a split coroutine holds at rest, waiting in coro_recv, counted from
 * libgcc's segment chain (coro_stack_stats): one segment when the code on
 * its way there is split code that calls only split code and the coro_*
 * calls; the segments of a deeper call that returned are kept until the
 * coroutine ends; code built without -fsplit-stack costs no segment run
 * through coro_on_executor, and a second, 1 MiB one called by name.
 * A plain build (no ASan: its instrumentation calls into its runtime from
 * every function, which gold treats as calls to code without
 * -fsplit-stack).
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "corotest.h"
#include "rest_split.h"

#define NS_PER_MS 1000000ull
#define DEPTH 64	/* KiB of frames, past a 16 KiB segment */

enum path { PATH_RECV, PATH_DEEP, PATH_EXEC, PATH_PLAIN };

static int pair[2];
static char buf[16];
static struct coro_stack_stats at_rest;
static uintptr_t exec_frame;	/* a local of rest_plain_format's */
static uintptr_t waiter_frame;	/* and of the waiter's */

/* Big enough a frame that it would not fit a first segment's slack. */
intptr_t rest_plain_format(void *arg)
{
	char line[8192];
	int n = snprintf(line, sizeof(line), "%s %d", (const char *)arg, 42);

	exec_frame = (uintptr_t)line;
	return n > 0 && line[0] == 'x' ? n : -1;
}

static intptr_t waiter(void *arg)
{
	char here;

	waiter_frame = (uintptr_t)&here;
	switch ((enum path)(intptr_t)arg) {
	case PATH_RECV:
		return rest_split_recv(pair[1], buf, sizeof(buf));
	case PATH_DEEP:
		return rest_split_deep_then_recv(pair[1], buf, sizeof(buf), DEPTH);
	case PATH_EXEC:
		return rest_split_exec_then_recv(pair[1], buf, sizeof(buf),
						 rest_plain_format, "x");
	case PATH_PLAIN:
		return rest_split_plain_then_recv(pair[1], buf, sizeof(buf), "x");
	}
	return -1;
}

/* On a fixed stack: looks while the waiter rests, then wakes it. */
static intptr_t looker(void *arg)
{
	(void)arg;
	coro_sleep(20 * NS_PER_MS);
	coro_stack_stats(&at_rest);
	return coro_send(pair[0], "ping", 4, 0);
}

FIXTURE(rest) {
	struct fut_exec *ex;
	struct coro_stack_stats first, ended;
	intptr_t result;
};
FIXTURE_SETUP(rest)
{
	self->ex = fut_exec_create(NULL);
	ASSERT_NE(NULL, self->ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
	exec_frame = 0;
}
FIXTURE_TEARDOWN(rest)
{
	close(pair[0]);
	close(pair[1]);
	coro_stack_trim();
	fut_exec_destroy(self->ex);
}

static void run(struct __test_metadata *_metadata, FIXTURE_DATA(rest) *self,
		enum path path)
{
	struct coro_opts split = coro_test_opts(CORO_STACK_SPLIT, "waiter");
	struct coro_opts fixed = coro_test_opts(CORO_STACK_FIXED, "looker");
	struct coro_stack_stats none;
	struct fut_handle w, l;
	intptr_t r;

	coro_stack_stats(&none);
	ASSERT_EQ(0, none.split_segments);
	ASSERT_EQ(0, coro_spawn(self->ex, &split, waiter, (void *)(intptr_t)path,
				false, &w));
	coro_stack_stats(&self->first);
	ASSERT_EQ(0, coro_spawn(self->ex, &fixed, looker, NULL, false, &l));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(l, &r));
	ASSERT_EQ(4, r);
	ASSERT_EQ(0, fut_join_now(w, &self->result));
	coro_stack_stats(&self->ended);
	TH_LOG("first segment %llu bytes; at rest %llu segment(s), %llu bytes mapped",
	       (unsigned long long)self->first.split_bytes,
	       (unsigned long long)at_rest.split_segments,
	       (unsigned long long)at_rest.split_bytes);
	EXPECT_EQ(1, self->first.split_segments);
	EXPECT_EQ(4, self->result);
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	/* The whole chain goes with the coroutine. */
	EXPECT_EQ(0, self->ended.split_segments);
	EXPECT_EQ(0, self->ended.split_bytes);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_F(rest, waiting_in_recv_holds_its_first_segment_only)
{
	run(_metadata, self, PATH_RECV);
	EXPECT_EQ(1, at_rest.split_segments);
	EXPECT_EQ(self->first.split_bytes, at_rest.split_bytes);
}

TEST_F(rest, segments_of_a_returned_deep_call_are_kept)
{
	run(_metadata, self, PATH_DEEP);
	EXPECT_LT(1, at_rest.split_segments);
	EXPECT_LE(self->first.split_bytes + DEPTH * 1024ull, at_rest.split_bytes);
}

TEST_F(rest, plain_code_through_coro_on_executor_takes_no_segment)
{
	run(_metadata, self, PATH_EXEC);
	EXPECT_EQ(1, at_rest.split_segments);
	EXPECT_EQ(self->first.split_bytes, at_rest.split_bytes);
	/* It ran, and not on the coroutine's segment. */
	ASSERT_NE(0, exec_frame);
	EXPECT_FALSE(exec_frame < waiter_frame &&
		     exec_frame > waiter_frame - self->first.split_bytes);
}

TEST_F(rest, plain_code_called_by_name_keeps_a_1mib_segment)
{
	run(_metadata, self, PATH_PLAIN);
	EXPECT_EQ(2, at_rest.split_segments);
	EXPECT_LE(self->first.split_bytes + (1ull << 20), at_rest.split_bytes);
}

TEST_HARNESS_MAIN
