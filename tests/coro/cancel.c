// SPDX-License-Identifier: GPL-2.0
/* Cancellation with IO in flight: the recv is cancelled and its
 * completion awaited, then the body runs on to its end with every call
 * failing -ECANCELED, so its cleanup (here: closing its fd, freeing its
 * buffer) runs; a joiner gets -ECANCELED.  A coroutine cancelled before
 * it first ran runs its body the same way, as its own task (coro_self),
 * also when the executor is destroyed before it ever ran. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "corotest.h"

#define NS_PER_MS 1000000ull

struct blocked {
	int fd;
	intptr_t recv_result, sleep_result;
	bool cleaned_up, started;
};

static intptr_t blocked_reader(void *arg)
{
	struct blocked *b = arg;
	char *buf = malloc(256);	/* LSan: freed on the cancel path too */

	b->started = true;
	b->recv_result = coro_recv(b->fd, buf, 256, 0);
	b->sleep_result = coro_sleep(60000 * NS_PER_MS);
	free(buf);
	coro_close(b->fd);
	b->cleaned_up = true;
	return 7;
}

static struct fut_handle victim;
static intptr_t canceller(void *arg)
{
	(void)arg;
	coro_sleep(5 * NS_PER_MS);	/* the victim's recv is in flight */
	fut_cancel(victim);
	return coro_join(victim);
}

FIXTURE(cancel) {
	struct fut_exec *ex;
	int pair[2];
};
CORO_KIND_VARIANTS(cancel);
FIXTURE_SETUP(cancel)
{
	self->ex = fut_exec_create(NULL);
	ASSERT_NE(NULL, self->ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->pair));
}
FIXTURE_TEARDOWN(cancel)
{
	close(self->pair[0]);
	coro_stack_trim();
	fut_exec_destroy(self->ex);
}

TEST_F(cancel, recv_in_flight)
{
	struct coro_opts o = coro_test_opts(variant->kind, "victim");
	struct blocked b = { .fd = self->pair[1] };
	struct fut_handle hc;
	intptr_t r;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, blocked_reader, &b, false, &victim));
	ASSERT_EQ(0, coro_spawn(self->ex, &o, canceller, NULL, false, &hc));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(hc, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_EQ(-ECANCELED, b.recv_result);
	EXPECT_EQ(-ECANCELED, b.sleep_result);
	EXPECT_TRUE(b.cleaned_up);
	EXPECT_EQ(-1, fcntl(self->pair[1], F_GETFD));
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_F(cancel, before_it_ran)
{
	struct coro_opts o = coro_test_opts(variant->kind, "early");
	struct blocked b = { .fd = self->pair[1] };
	struct fut_handle h;
	intptr_t r;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, blocked_reader, &b, false, &h));
	ASSERT_EQ(0, fut_cancel(h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_TRUE(b.started);
	EXPECT_EQ(-ECANCELED, b.recv_result);
	EXPECT_TRUE(b.cleaned_up);
	EXPECT_EQ(-1, fcntl(self->pair[1], F_GETFD));
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

/* What a body cancelled before it ran sees of itself. */
struct selfseen {
	struct fut_handle self;
	bool cancelled, ran;
};

static intptr_t self_reporter(void *arg)
{
	struct selfseen *s = arg;

	s->ran = true;
	s->cancelled = coro_cancelled();
	s->self = coro_self();
	return 3;
}

TEST_F(cancel, before_it_ran_it_still_is_its_task)
{
	struct coro_opts o = coro_test_opts(variant->kind, "early-self");
	struct selfseen s = { { 0, 0 }, false, false };
	struct fut_handle h;
	intptr_t r;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, self_reporter, &s, false, &h));
	ASSERT_EQ(0, fut_cancel(h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	EXPECT_TRUE(s.ran);
	EXPECT_TRUE(s.cancelled);
	EXPECT_EQ(h.idx, s.self.idx);
	EXPECT_EQ(h.gen, s.self.gen);
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_F(cancel, destroyed_before_it_ran)
{
	struct coro_opts o = coro_test_opts(variant->kind, "never-ran");
	struct selfseen s = { { 0, 0 }, false, false };
	struct fut_handle h;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, self_reporter, &s, true, &h));
	fut_exec_destroy(self->ex);
	self->ex = fut_exec_create(NULL);	/* for the teardown */
	ASSERT_NE(NULL, self->ex);
	EXPECT_TRUE(s.ran);
	EXPECT_TRUE(s.cancelled);
	EXPECT_EQ(h.idx, s.self.idx);
	EXPECT_EQ(h.gen, s.self.gen);
}

TEST_HARNESS_MAIN
