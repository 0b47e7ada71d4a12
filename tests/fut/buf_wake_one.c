// SPDX-License-Identifier: GPL-2.0
/* A returned provided buffer wakes one waiting receiver; a woken waiter
 * that stops waiting before it re-arms passes the wake on.  One buffer:
 * H holds it while T and then W wait for one.  H gives it back (T is
 * woken) and cancels T before T runs: W must still get its byte, not
 * -ETIMEDOUT. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define MS 1000000ull

static struct fut_handle t_handle, dog;
static intptr_t h_got, w_got, t_cancel;
static char w_byte;

/* One receiver on fd: its first data, with a timeout. */
#define RX1_BRANCHES(B, U) \
	U(B(inline, fut_recv_next, next) B(inline, fut_sleep, sleep))
struct rx1 {
	struct fut_hdr hdr;
	int fd;
	int hold;		/* H: keep the buffer, then give it back and cancel T */
	uint64_t timeout_ns;
	intptr_t r;
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
	intptr_t r;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx,
		  self->timeout_ns);
	if (self->hold) {
		h_got = self->r;
		/* T and W wait on the ring by now. */
		FUT_AWAIT(sleep, self->r, fut_sleep_init, 50 * MS);
		fut_recver_done(&self->rx);	/* wakes T (first in line) */
		t_cancel = fut_cancel(t_handle);	/* before T runs */
	} else {
		w_got = self->r;
		if (self->r > 0)
			w_byte = self->rx.data[0];
		fut_cancel(dog);	/* W is the last: no hang left to catch */
	}
	r = self->r;
	fut_recver_release(&self->rx);
	return r;
	FUT_END;
}

static void rx1_init(struct rx1 *s, int fd, int hold, uint64_t timeout_ns)
{
	s->fd = fd;
	s->hold = hold;
	s->timeout_ns = timeout_ns;
}

TEST(a_woken_waiter_that_is_cancelled_passes_the_buffer_on)
{
	struct fut_exec_opts o = { .buf_count = 1, .buf_size = 64 };
	struct fut_exec *ex = fut_exec_create(&o);
	struct fut_handle hh, wh;
	int sp[3][2], fired = 0;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	if (!(fut_exec_features(ex) & FUT_FEAT_BUFRING))
		SKIP(fut_exec_destroy(ex); return, "no provided-buffer ring");
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sp[i]));
		ASSERT_EQ(1, write(sp[i][1], &"htw"[i], 1));
	}
	dog = FUT_SPAWN(ex, &watchdog_type, false, watchdog_init, 10000, &fired);
	hh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[0][0], 1, 0);
	t_handle = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[1][0], 0, 0);
	wh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[2][0], 0, 2000 * MS);
	ASSERT_NE(0, hh.gen);
	ASSERT_NE(0, t_handle.gen);
	ASSERT_NE(0, wh.gen);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(0, fired);
	EXPECT_EQ(1, h_got);
	EXPECT_EQ(0, t_cancel);
	EXPECT_EQ(1, w_got) TH_LOG("W got %ld (-ETIMEDOUT: the wake was lost)", (long)w_got);
	EXPECT_EQ('w', w_byte);
	EXPECT_EQ(0, fut_join_now(hh, &r));
	EXPECT_EQ(0, fut_join_now(wh, &r));
	fut_join_now(t_handle, &r);
	fut_join_now(dog, &r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	for (int i = 0; i < 3; i++) {
		close(sp[i][0]);
		close(sp[i][1]);
	}
}

TEST_HARNESS_MAIN
