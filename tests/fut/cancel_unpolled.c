// SPDX-License-Identifier: GPL-2.0
/* A task cancelled before its first poll has a zeroed receiver in its
 * state; releasing it in the drop function returns no buffer (the ring
 * keeps its count, other receivers keep receiving) and, without a
 * buffer ring, touches none.  A re-initialised receiver forgets EOF. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

/* Receives once with a timeout; its drop releases the receiver. */
#define RX1_BRANCHES(B, U) B(inline, fut_recv_next, next)
struct rx1 {
	struct fut_hdr hdr;
	int fd;
	intptr_t r, *out;
	struct fut_recver rx;
	FUT_BRANCHES(RX1_BRANCHES);
};
static intptr_t rx1_poll(struct fut_hdr *h, struct fut_task *task);
static void rx1_drop(struct fut_hdr *h)
{
	fut_recver_release(&((struct rx1 *)h)->rx);
}
static struct fut_type rx1_type = FUT_TYPE_DESC(rx1, rx1_poll, rx1_drop, RX1_BRANCHES);

static intptr_t rx1_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct rx1 *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx,
		  1000 * 1000000ull);
	*self->out = self->r;
	fut_recver_release(&self->rx);
	return 0;
	FUT_END;
}

static void rx1_init(struct rx1 *s, int fd, intptr_t *out)
{
	s->fd = fd;
	s->out = out;
}

FIXTURE(unpolled) {
	int sv[2];
};
FIXTURE_VARIANT(unpolled) {
	unsigned int flags;
};
FIXTURE_VARIANT_ADD(unpolled, bufring) { .flags = 0 };
FIXTURE_VARIANT_ADD(unpolled, no_bufring) { .flags = FUT_EXEC_NO_BUFRING };
FIXTURE_SETUP(unpolled)
{
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
}
FIXTURE_TEARDOWN(unpolled)
{
	close(self->sv[0]);
	close(self->sv[1]);
}

TEST_F(unpolled, cancel_before_first_poll)
{
	struct fut_exec *ex = test_exec(variant->flags);
	struct fut_exec_stats st;
	intptr_t got = 0, unused = 0;
	struct fut_handle h;

	ASSERT_NE(NULL, ex);
	h = FUT_SPAWN(ex, &rx1_type, true, rx1_init, self->sv[0], &unused);
	ASSERT_EQ(0, fut_cancel(h));
	/* A second receiver with data waiting still gets it. */
	ASSERT_EQ(3, write(self->sv[1], "abc", 3));
	FUT_SPAWN(ex, &rx1_type, true, rx1_init, self->sv[0], &got);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.bufs_out);
	EXPECT_EQ(3, got);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

/* EOF, release, init again on a socket with data: the data comes. */
TEST_F(unpolled, reinit_forgets_eof)
{
	struct fut_exec *ex = test_exec(variant->flags);
	intptr_t got = -1;
	int sv2[2];

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv2));
	close(sv2[1]);
	FUT_SPAWN(ex, &rx1_type, true, rx1_init, sv2[0], &got);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, got);
	{
		/* The same receiver memory, used again on another socket. */
		struct fut_recver r;

		memset(&r, 0xa5, sizeof(r));
		fut_recver_init(&r, self->sv[0]);
		EXPECT_EQ(0, r.eof);
		EXPECT_EQ(0, r.qlen);
		EXPECT_EQ(NULL, r.q);
		fut_recver_release(&r);
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sv2[0]);
}

TEST_HARNESS_MAIN
