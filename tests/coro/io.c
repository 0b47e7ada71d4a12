// SPDX-License-Identifier: GPL-2.0
/* Blocking-style IO on io_uring: send and recv between two coroutines,
 * accept on a listener, a recv timeout, a sleep, and close. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "corotest.h"

#define NS_PER_MS 1000000ull

static int pair[2];
static char got[64];

static intptr_t sender(void *arg)
{
	(void)arg;
	coro_sleep(5 * NS_PER_MS);	/* the receiver is waiting by then */
	return coro_send(pair[0], "ping", 4, 0);
}

static intptr_t receiver(void *arg)
{
	intptr_t n;

	(void)arg;
	n = coro_recv(pair[1], got, sizeof(got), 0);
	return n;
}

FIXTURE(io) {
	struct fut_exec *ex;
};
CORO_KIND_VARIANTS(io);
FIXTURE_SETUP(io)
{
	self->ex = fut_exec_create(NULL);
	ASSERT_NE(NULL, self->ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
	memset(got, 0, sizeof(got));
}
FIXTURE_TEARDOWN(io)
{
	close(pair[0]);
	close(pair[1]);
	coro_stack_trim();
	fut_exec_destroy(self->ex);
}

TEST_F(io, send_and_recv)
{
	struct coro_opts o = coro_test_opts(variant->kind, "io");
	struct fut_handle hs, hr;
	uint64_t t0 = fut_now_ns();
	intptr_t rs, rr;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, receiver, NULL, false, &hr));
	ASSERT_EQ(0, coro_spawn(self->ex, &o, sender, NULL, false, &hs));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(hs, &rs));
	ASSERT_EQ(0, fut_join_now(hr, &rr));
	EXPECT_EQ(4, rs);
	EXPECT_EQ(4, rr);
	EXPECT_STREQ("ping", got);
	EXPECT_GE(fut_now_ns() - t0, 5 * NS_PER_MS);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

static intptr_t recv_with_timeout(void *arg)
{
	(void)arg;
	return coro_recv(pair[1], got, sizeof(got), 10 * NS_PER_MS);
}

TEST_F(io, recv_times_out)
{
	struct coro_opts o = coro_test_opts(variant->kind, "timeout");
	struct fut_handle h;
	intptr_t r;

	ASSERT_EQ(0, coro_spawn(self->ex, &o, recv_with_timeout, NULL, false, &h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ETIMEDOUT, r);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

static intptr_t accept_and_close(void *arg)
{
	int fd = (int)coro_accept(*(int *)arg, 0);
	intptr_t n;

	if (fd < 0)
		return fd;
	n = coro_send(fd, "hi", 2, 0);
	if (coro_close(fd) < 0 || n != 2)
		return -1;
	/* Closed by io_uring: the descriptor is gone. */
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF ? 1 : -2;
}

TEST_F(io, accept_send_close)
{
	struct coro_opts o = coro_test_opts(variant->kind, "acceptor");
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd;
	struct fut_handle h;
	char buf[4] = { 0 };
	intptr_t r;

	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(lfd, 4));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sa, &len));
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	/* Completes from the backlog before anyone accepts. */
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, coro_spawn(self->ex, &o, accept_and_close, &lfd, false, &h));
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(1, r);
	EXPECT_EQ(2, read(cfd, buf, sizeof(buf)));
	EXPECT_STREQ("hi", buf);
	close(cfd);
	close(lfd);
	EXPECT_TRUE(coro_exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
