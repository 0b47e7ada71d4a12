// SPDX-License-Identifier: GPL-2.0
/* A child that releases an armed receiver and returns: the kernel's last
 * completion for it arrives before its box is freed or its inline slot
 * is started again. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

/* Receives once (10 ms timeout: the recv stays armed), releases, ends. */
#define PEEK_BRANCHES(B, U) B(inline, fut_recv_next, next)
struct peek {
	struct fut_hdr hdr;
	int fd;
	intptr_t r;
	struct fut_recver rx;
	FUT_BRANCHES(PEEK_BRANCHES);
};
static intptr_t peek_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type peek_type = FUT_TYPE_DESC(peek, peek_poll, NULL, PEEK_BRANCHES);

static intptr_t peek_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct peek *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx,
		  10 * 1000000ull);
	fut_recver_release(&self->rx);
	return self->r;
	FUT_END;
}

static void peek_init(struct peek *s, int fd)
{
	s->fd = fd;
}

/* Awaits two peeks in a row, boxed or in one inline slot: the first on
 * a socket without data, the second on one with data waiting. */
#define TWICE_BRANCHES(B, U) B(boxed, peek, boxed) B(inline, peek, inl)
struct twice {
	struct fut_hdr hdr;
	int fd, fd2;
	intptr_t first, second;
	FUT_BRANCHES(TWICE_BRANCHES);
};
static intptr_t twice_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type twice_type = FUT_TYPE_DESC(twice, twice_poll, NULL, TWICE_BRANCHES);

static bool use_box;

static intptr_t twice_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct twice *self = (void *)h;

	FUT_BEGIN;
	if (use_box) {
		FUT_AWAIT(boxed, self->first, peek_init, self->fd);
		FUT_AWAIT(boxed, self->second, peek_init, self->fd2);
	} else {
		FUT_AWAIT(inl, self->first, peek_init, self->fd);
		FUT_AWAIT(inl, self->second, peek_init, self->fd2);
	}
	return self->first == -ETIMEDOUT && self->second == 3;
	FUT_END;
}

static void twice_init(struct twice *s, int fd, int fd2)
{
	s->fd = fd;
	s->fd2 = fd2;
}

FIXTURE(release) {
	int sv[2], sv2[2];
};
FIXTURE_VARIANT(release) {
	bool boxed;
	unsigned int flags;
};
FIXTURE_VARIANT_ADD(release, boxed) { .boxed = true };
FIXTURE_VARIANT_ADD(release, inline_slot) { .boxed = false };
FIXTURE_VARIANT_ADD(release, boxed_single) {
	.boxed = true, .flags = FUT_EXEC_NO_MULTISHOT };
FIXTURE_VARIANT_ADD(release, inline_no_bufring) {
	.boxed = false, .flags = FUT_EXEC_NO_BUFRING };
FIXTURE_SETUP(release)
{
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv2));
	ASSERT_EQ(3, write(self->sv2[1], "abc", 3));
}
FIXTURE_TEARDOWN(release)
{
	close(self->sv[0]);
	close(self->sv[1]);
	close(self->sv2[0]);
	close(self->sv2[1]);
}

TEST_F(release, child_released_armed_receiver)
{
	struct fut_exec *ex = test_exec(variant->flags);
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	use_box = variant->boxed;
	h = FUT_SPAWN(ex, &twice_type, false, twice_init, self->sv[0],
		      self->sv2[0]);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(1, r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
