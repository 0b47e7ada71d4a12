// SPDX-License-Identifier: GPL-2.0
/* -EINVAL from a multishot accept on a socket that is not listening is
 * the socket's error: the acceptor reports it, and the executor keeps
 * multishot accept for its other acceptors. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define ACC1_BRANCHES(B, U) B(inline, fut_accept_next, next)
struct acc1 {
	struct fut_hdr hdr;
	int fd;
	intptr_t *out;
	struct fut_acceptor a;
	FUT_BRANCHES(ACC1_BRANCHES);
};
static intptr_t acc1_poll(struct fut_hdr *h, struct fut_task *task);
static void acc1_drop(struct fut_hdr *h)
{
	fut_acceptor_release(&((struct acc1 *)h)->a);
}
static struct fut_type acc1_type = FUT_TYPE_DESC(acc1, acc1_poll, acc1_drop, ACC1_BRANCHES);

static intptr_t acc1_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct acc1 *self = (void *)h;

	FUT_BEGIN;
	fut_acceptor_init(&self->a, self->fd);
	FUT_AWAIT(next, *self->out, fut_accept_next_init, &self->a);
	fut_acceptor_release(&self->a);
	return 0;
	FUT_END;
}

static void acc1_init(struct acc1 *s, int fd, intptr_t *out)
{
	s->fd = fd;
	s->out = out;
}

TEST(not_listening_keeps_multishot)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct fut_exec *ex = test_exec(0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	ASSERT_LE(0, fd);
	if (!(fut_exec_features(ex) & FUT_FEAT_MULTISHOT_ACCEPT))
		SKIP(return, "no multishot accept asked for");
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	FUT_SPAWN(ex, &acc1_type, true, acc1_init, fd, &r);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(-EINVAL, r);
	EXPECT_TRUE(fut_exec_features(ex) & FUT_FEAT_MULTISHOT_ACCEPT);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(fd);
}

TEST_HARNESS_MAIN
