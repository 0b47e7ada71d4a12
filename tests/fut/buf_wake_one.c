// SPDX-License-Identifier: GPL-2.0
/* A returned provided buffer wakes one waiting receiver; a woken waiter
 * that stops waiting before it re-arms passes the wake on.  One buffer:
 * H holds it while T and then W wait for one.  H gives it back (T is
 * woken) and cancels T before T runs: W must still get its byte, not
 * -ETIMEDOUT.  Likewise when T has no data: its re-armed receive takes
 * no buffer, so the wake goes on to W. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define MS 1000000ull

static struct fut_handle t_handle, dog;
static intptr_t h_got, w_got, e_got, t_cancel;
static char w_byte;
static int e_peer = -1;	/* W writes a byte there once served */

/* One receiver on fd: its first data, with a timeout.  Roles: 'h' holds
 * the buffer, gives it back and cancels T (if any); 'w' is served and
 * then ends the test or feeds E; 'e' (and 't') waits. */
#define RX1_BRANCHES(B, U) \
	U(B(inline, fut_recv_next, next) B(inline, fut_sleep, sleep))
struct rx1 {
	struct fut_hdr hdr;
	int fd;
	int role;
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
	if (self->role == 'h') {
		h_got = self->r;
		/* The others wait on the ring by now. */
		FUT_AWAIT(sleep, self->r, fut_sleep_init, 50 * MS);
		fut_recver_done(&self->rx);	/* wakes the first in line */
		if (t_handle.gen)
			t_cancel = fut_cancel(t_handle);	/* before T runs */
	} else if (self->role == 'w') {
		w_got = self->r;
		if (self->r > 0)
			w_byte = self->rx.data[0];
		fut_recver_done(&self->rx);
		if (e_peer < 0)
			fut_cancel(dog);	/* the last: no hang left to catch */
		else if (write(e_peer, "e", 1) != 1)
			self->r = -EIO;
	} else {
		e_got = self->r;
		fut_cancel(dog);	/* E is the last */
	}
	r = self->r;
	fut_recver_release(&self->rx);
	return r;
	FUT_END;
}

static void rx1_init(struct rx1 *s, int fd, int role, uint64_t timeout_ns)
{
	s->fd = fd;
	s->role = role;
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
	hh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[0][0], 'h', 0);
	t_handle = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[1][0], 't', 0);
	wh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[2][0], 'w', 2000 * MS);
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

/*
 * One buffer; H holds it while E (an empty socket) and then W (a byte
 * waiting) wait for it.  H gives it back: E is woken first, finds no data
 * and re-arms a receive that takes no buffer.  W must still get its byte;
 * it then writes one to E's peer, so that E ends too.
 */
TEST(a_woken_waiter_with_no_data_passes_the_wake_on)
{
	struct fut_exec_opts o = { .buf_count = 1, .buf_size = 64 };
	struct fut_exec *ex = fut_exec_create(&o);
	struct fut_handle hh, eh, wh;
	int sp[3][2], fired = 0;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	if (!(fut_exec_features(ex) & FUT_FEAT_BUFRING))
		SKIP(fut_exec_destroy(ex); return, "no provided-buffer ring");
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sp[i]));
	ASSERT_EQ(1, write(sp[0][1], "h", 1));
	ASSERT_EQ(1, write(sp[2][1], "w", 1));	/* E's socket stays empty */
	e_peer = sp[1][1];
	w_byte = 0;
	dog = FUT_SPAWN(ex, &watchdog_type, false, watchdog_init, 10000, &fired);
	hh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[0][0], 'h', 0);
	eh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[1][0], 'e', 0);
	wh = FUT_SPAWN(ex, &rx1_type, false, rx1_init, sp[2][0], 'w', 2000 * MS);
	ASSERT_NE(0, hh.gen);
	ASSERT_NE(0, eh.gen);
	ASSERT_NE(0, wh.gen);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(0, fired);
	EXPECT_EQ(1, h_got);
	EXPECT_EQ(1, w_got) TH_LOG("W got %ld (-ETIMEDOUT: the wake was swallowed)", (long)w_got);
	EXPECT_EQ('w', w_byte);
	if (fired) {
		fut_cancel(eh);
		ASSERT_EQ(0, fut_exec_run(ex));
	} else {
		EXPECT_EQ(1, e_got);
	}
	EXPECT_EQ(0, fut_join_now(hh, &r));
	fut_join_now(wh, &r);
	fut_join_now(eh, &r);
	fut_join_now(dog, &r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	for (int i = 0; i < 3; i++) {
		close(sp[i][0]);
		close(sp[i][1]);
	}
}

TEST_HARNESS_MAIN
