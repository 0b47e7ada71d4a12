// SPDX-License-Identifier: GPL-2.0
/* Provided buffers run out: a receiver stops with -ENOBUFS, waits, and
 * re-arms once another receiver gives its buffers back; no data is lost. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define NBUF 4
#define BUFSZ 64

/* Receives `want` bytes, holding every buffer until `hold` is cleared.
 * With wfd >= 0 it writes its data itself, one buffer's worth after each
 * receive: a receiver's queue holds few ring buffers (the rest is copied
 * out), so only user code that keeps them can take the whole ring. */
#define HOG_BRANCHES(B, U) B(inline, fut_recv_next, next)
struct hog {
	struct fut_hdr hdr;
	int fd, wfd, want, got, sent;
	int *hold;
	unsigned int *enobufs;
	uint16_t last_kept;	/* the buffer kept last */
	intptr_t r;
	struct fut_recver rx;
	FUT_BRANCHES(HOG_BRANCHES);
};
static intptr_t hog_poll(struct fut_hdr *h, struct fut_task *task);
static void hog_drop(struct fut_hdr *h)
{
	fut_recver_release(&((struct hog *)h)->rx);
}
static struct fut_type hog_type = FUT_TYPE_DESC(hog, hog_poll, hog_drop, HOG_BRANCHES);

static void hog_feed(struct hog *self)
{
	static const char chunk[BUFSZ] = { 'x' };
	int n = self->want - self->sent < BUFSZ ? self->want - self->sent : BUFSZ;

	if (self->wfd >= 0 && n > 0 && write(self->wfd, chunk, n) == n)
		self->sent += n;
}

static intptr_t hog_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct hog *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	hog_feed(self);
	while (self->got < self->want) {
		FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx, 0);
		if (self->r <= 0)
			break;
		self->got += self->r;
		/* Keep the buffer: take it from the receiver so it is not
		 * returned by the next call. */
		if (*self->hold) {
			self->last_kept = self->rx.cur_buf - 1;
			self->rx.cur_buf = 0;
		}
		hog_feed(self);
	}
	if (self->enobufs)
		*self->enobufs = self->rx.enobufs;
	fut_recver_release(&self->rx);
	return self->got;
	FUT_END;
}

static void hog_init(struct hog *s, int fd, int wfd, int want, int *hold)
{
	s->fd = fd;
	s->wfd = wfd;
	s->want = want;
	s->hold = hold;
}

/* After a while, checks B still waits, then returns A's buffers. */
#define GIVER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct giver {
	struct fut_hdr hdr;
	struct fut_handle b;
	int *b_was_waiting;
	intptr_t r;
	FUT_BRANCHES(GIVER_BRANCHES);
};
static intptr_t giver_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type giver_type = FUT_TYPE_DESC(giver, giver_poll, NULL, GIVER_BRANCHES);

static intptr_t giver_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct giver *self = (void *)h;
	struct fut_recver tmp = { .cur_buf = 0 };
	struct fut_exec_stats st;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, 20 * 1000000);
	fut_exec_stats(fut_exec_current(), &st);
	*self->b_was_waiting = st.tasks_running == 2 && st.bufs_out == NBUF;
	for (uint16_t bid = 0; bid < NBUF; bid++) {
		tmp.cur_buf = bid + 1;
		fut_recver_done(&tmp);
	}
	return 0;
	FUT_END;
}

static void giver_init(struct giver *s, struct fut_handle b, int *flag)
{
	s->b = b;
	s->b_was_waiting = flag;
}

TEST(enobufs_rearms_when_buffers_return)
{
	struct fut_exec_opts o = { .buf_count = NBUF, .buf_size = BUFSZ };
	struct fut_exec *ex = fut_exec_create(&o);
	char data[BUFSZ * NBUF];
	struct fut_exec_stats st;
	struct fut_handle a, b;
	int sa[2], sb[2], hold = 1, waited = 0;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	if (!(fut_exec_features(ex) & FUT_FEAT_BUFRING))
		SKIP(return, "no provided-buffer ring on this kernel");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sa));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sb));
	/* A takes every buffer and keeps them. */
	a = FUT_SPAWN(ex, &hog_type, false, hog_init, sa[0], sa[1], sizeof(data),
		      &hold);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(a, &r));
	ASSERT_EQ((intptr_t)sizeof(data), r);
	fut_exec_stats(ex, &st);
	ASSERT_EQ(NBUF, st.bufs_out);
	/* B finds no buffer and waits on the ring until the giver returns
	 * A's buffers; then it re-arms and gets its 10 bytes. */
	hold = 0;
	ASSERT_EQ(10, write(sb[1], "0123456789", 10));
	b = FUT_SPAWN(ex, &hog_type, false, hog_init, sb[0], -1, 10, &hold);
	FUT_SPAWN(ex, &giver_type, true, giver_init, b, &waited);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_TRUE(waited);
	ASSERT_EQ(0, fut_join_now(b, &r));
	EXPECT_EQ(10, r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
}

/* A multishot recv armed when data outruns the ring: the kernel stops it
 * with -ENOBUFS, the receiver waits and re-arms when buffers return. */
TEST(kernel_enobufs_then_rearm)
{
	struct fut_exec_opts o = { .buf_count = NBUF, .buf_size = BUFSZ };
	struct fut_exec *ex = fut_exec_create(&o);
	char data[BUFSZ * (NBUF + 1)];
	unsigned int enobufs = 0;
	int sa[2], hold = 1, waited = 0;
	struct fut_handle a;
	struct hog *s;
	uint16_t kept;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	if (!(fut_exec_features(ex) & FUT_FEAT_BUFRING))
		SKIP(return, "no provided-buffer ring on this kernel");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sa));
	s = fut_spawn_alloc(ex, &hog_type);
	ASSERT_NE(NULL, s);
	hog_init(s, sa[0], sa[1], sizeof(data), &hold);
	s->enobufs = &enobufs;
	a = fut_spawn_commit(s, false);
	FUT_SPAWN(ex, &giver_type, true, giver_init, a, &waited);
	ASSERT_EQ(0, fut_exec_run(ex));
	kept = s->last_kept;	/* before the join frees the state */
	ASSERT_EQ(0, fut_join_now(a, &r));
	EXPECT_EQ((intptr_t)sizeof(data), r);
	TH_LOG("ENOBUFS completions: %u, features 0x%x", enobufs, fut_exec_features(ex));
	if (fut_exec_features(ex) & FUT_FEAT_MULTISHOT_RECV)
		EXPECT_LE(1, enobufs);
	/* The hog kept the fifth buffer too: hand it back. */
	{
		struct fut_exec_stats st;
		struct fut_recver tmp = { .cur_buf = kept + 1 };

		fut_exec_stats(ex, &st);
		EXPECT_EQ(1, st.bufs_out);
		fut_recver_done(&tmp);
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sa[0]);
	close(sa[1]);
}

TEST_HARNESS_MAIN
