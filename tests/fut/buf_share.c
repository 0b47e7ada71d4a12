// SPDX-License-Identifier: GPL-2.0
/* One receiver cannot take every provided buffer: with 8 buffers, a
 * task that has 64 KiB waiting on receiver A and reads B first gets B's
 * 3 bytes (not -ETIMEDOUT), then all of A's data in order. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define NBUF 8
#define BUFSZ 4096
#define ABYTES (64 * 1024)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* What the task saw, kept past its state. */
static intptr_t b_got;
static size_t a_got;
static int a_bad;

#define TWO_BRANCHES(B, U) B(inline, fut_recv_next, next)
struct two {
	struct fut_hdr hdr;
	int fda, fdb;
	intptr_t r, b_got;
	size_t a_got;
	int a_bad;
	struct fut_recver a, b;
	FUT_BRANCHES(TWO_BRANCHES);
};
static intptr_t two_poll(struct fut_hdr *h, struct fut_task *task);
static void two_drop(struct fut_hdr *h)
{
	fut_recver_release(&((struct two *)h)->a);
	fut_recver_release(&((struct two *)h)->b);
}
static struct fut_type two_type = FUT_TYPE_DESC(two, two_poll, two_drop, TWO_BRANCHES);

static void check_a(struct two *self)
{
	for (intptr_t i = 0; i < self->r; i++)
		if ((unsigned char)self->a.data[i] != pattern(self->a_got + i))
			self->a_bad = 1;
	self->a_got += self->r;
}

static intptr_t two_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct two *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->a, self->fda);
	fut_recver_init(&self->b, self->fdb);
	FUT_AWAIT(next, self->r, fut_recv_next_init, &self->a,
		  1000 * 1000000ull);
	if (self->r <= 0)
		return self->r;
	check_a(self);
	/* A's data keeps coming while the task waits on B. */
	FUT_AWAIT(next, self->b_got, fut_recv_next_init, &self->b,
		  1000 * 1000000ull);
	while (self->a_got < ABYTES) {
		FUT_AWAIT(next, self->r, fut_recv_next_init,
			  &self->a, 1000 * 1000000ull);
		if (self->r <= 0)
			break;
		check_a(self);
	}
	fut_recver_release(&self->a);
	fut_recver_release(&self->b);
	b_got = self->b_got;
	a_got = self->a_got;
	a_bad = self->a_bad;
	return 0;
	FUT_END;
}

static void two_init(struct two *s, int fda, int fdb)
{
	s->fda = fda;
	s->fdb = fdb;
}

TEST(hog_does_not_starve_other_receiver)
{
	struct fut_exec_opts o = { .buf_count = NBUF, .buf_size = BUFSZ };
	static unsigned char data[ABYTES];
	struct fut_exec *ex = fut_exec_create(&o);
	struct fut_exec_stats st;
	struct fut_handle h;
	int sa[2], sb[2];
	intptr_t r = 1;
	int sndbuf = 4 * ABYTES;

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sa));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sb));
	ASSERT_EQ(0, setsockopt(sa[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)));
	for (size_t i = 0; i < ABYTES; i++)
		data[i] = pattern(i);
	ASSERT_EQ(ABYTES, write(sa[1], data, ABYTES));
	ASSERT_EQ(3, write(sb[1], "xyz", 3));
	h = FUT_SPAWN(ex, &two_type, false, two_init, sa[0], sb[0]);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.bufs_out);
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(0, r);
	EXPECT_EQ(3, b_got);
	EXPECT_EQ(ABYTES, a_got);
	EXPECT_EQ(0, a_bad);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
}

TEST_HARNESS_MAIN
