// SPDX-License-Identifier: GPL-2.0
/* Timers: sleeps end in deadline order and not early; a request with a
 * timeout ends with -ETIMEDOUT and its completions are all reaped. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

static char order[64];
/* Each sleeper's deadline by id: polls of a loaded machine can be further
 * apart than the sleeps differ, so the expected order is the deadlines'. */
static uint64_t deadline_of[256], ended_at[256];

#define SLEEPER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct sleeper {
	struct fut_hdr hdr;
	uint64_t ns, t0;
	char id;
	intptr_t r;
	FUT_BRANCHES(SLEEPER_BRANCHES);
};
static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type sleeper_type = FUT_TYPE_DESC(sleeper, sleeper_poll, NULL, SLEEPER_BRANCHES);

static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct sleeper *self = (void *)h;
	size_t n;

	FUT_BEGIN;
	self->t0 = fut_now_ns();
	deadline_of[(unsigned char)self->id] = self->t0 + self->ns;
	FUT_AWAIT(s, self->r, fut_sleep_init, self->ns);
	n = strlen(order);
	order[n] = self->id;
	order[n + 1] = 0;
	ended_at[(unsigned char)self->id] = fut_now_ns();
	return fut_now_ns() - self->t0 >= self->ns;
	FUT_END;
}

static void sleeper_init(struct sleeper *s, uint64_t ms, char id)
{
	s->ns = ms * 1000000;
	s->id = id;
}

#define TIMED_RECV_BRANCHES(B, U) B(inline, fut_io, io)
struct timed_recv {
	struct fut_hdr hdr;
	int fd;
	intptr_t r;
	char buf[16];
	FUT_BRANCHES(TIMED_RECV_BRANCHES);
};
static intptr_t timed_recv_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type timed_recv_type = FUT_TYPE_DESC(timed_recv, timed_recv_poll, NULL, TIMED_RECV_BRANCHES);

static intptr_t timed_recv_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct timed_recv *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_recv_init, self->fd, self->buf,
		  sizeof(self->buf), 0, 20 * 1000000);
	return self->r;
	FUT_END;
}

static void timed_recv_init(struct timed_recv *s, int fd)
{
	s->fd = fd;
}

TEST(sleeps_end_in_deadline_order)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h[4];
	intptr_t r;

	ASSERT_NE(NULL, ex);
	order[0] = 0;
	h[0] = FUT_SPAWN(ex, &sleeper_type, false, sleeper_init, 30, 'c');
	h[1] = FUT_SPAWN(ex, &sleeper_type, false, sleeper_init, 10, 'a');
	h[2] = FUT_SPAWN(ex, &sleeper_type, false, sleeper_init, 20, 'b');
	h[3] = FUT_SPAWN(ex, &sleeper_type, false, sleeper_init, 0, '0');
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(4, strlen(order));
	/*
	 * One ends before another with an earlier deadline only if that one
	 * was also due by then (both expired within one reap: any order).
	 * Braces: the harness's TH_LOG handler is a statement of its own.
	 */
	for (int i = 1; i < 4; i++) {
		unsigned char x = order[i - 1], y = order[i];

		EXPECT_TRUE(deadline_of[x] <= deadline_of[y] ||
			    deadline_of[y] <= ended_at[x])
			TH_LOG("'%c' ended before '%c', which was due first (order %s)",
			       x, y, order);
	}
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, fut_join_now(h[i], &r));
		EXPECT_EQ(1, r); /* never early */
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

/* Several sleepers per duration, more durations than the executor has
 * FIFO lanes: lanes and heap together still fire in deadline order. */
TEST(many_durations_end_in_deadline_order)
{
	enum { N = 30, DURATIONS = 10 };
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h[N];
	intptr_t r;

	ASSERT_NE(NULL, ex);
	order[0] = 0;
	for (int i = 0; i < N; i++)
		h[i] = FUT_SPAWN(ex, &sleeper_type, false, sleeper_init,
				 2 + (DURATIONS - 1 - i % DURATIONS) * 3, 'A' + i);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(N, strlen(order));
	for (int i = 1; i < N; i++) {
		unsigned char x = order[i - 1], y = order[i];

		EXPECT_TRUE(deadline_of[x] <= deadline_of[y] ||
			    deadline_of[y] <= ended_at[x])
			TH_LOG("'%c' ended before '%c', which was due first (order %s)",
			       x, y, order);
	}
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(0, fut_join_now(h[i], &r));
		EXPECT_EQ(1, r); /* never early */
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(recv_timeout_then_data)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	intptr_t r;
	int sv[2];

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	h = FUT_SPAWN(ex, &timed_recv_type, false, timed_recv_init, sv[0]);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ETIMEDOUT, r);
	EXPECT_TRUE(exec_is_clean(ex));
	/* With data there in time, the same future returns it. */
	ASSERT_EQ(2, write(sv[1], "hi", 2));
	h = FUT_SPAWN(ex, &timed_recv_type, false, timed_recv_init, sv[0]);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(2, r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
