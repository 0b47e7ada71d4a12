// SPDX-License-Identifier: GPL-2.0
/* Cancellation with IO in flight: the recv is cancelled and its
 * completion awaited, then the body runs on to its end with every call
 * failing -ECANCELED, so its cleanup (here: closing its fd, freeing its
 * buffer) runs; a joiner gets -ECANCELED.  A coroutine cancelled before
 * it first ran runs its body the same way. */
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

TEST_HARNESS_MAIN
