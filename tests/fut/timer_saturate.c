// SPDX-License-Identifier: GPL-2.0
/* Deadlines saturate: a sleep or a receive timeout close to UINT64_MAX
 * nanoseconds is "never", not a deadline that wrapped into the past. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define HUGE_NS (UINT64_MAX - 10)

#define LONGSLEEP_BRANCHES(B, U) B(inline, fut_sleep, s)
struct longsleep {
	struct fut_hdr hdr;
	intptr_t r;
	int *woke;
	FUT_BRANCHES(LONGSLEEP_BRANCHES);
};
static intptr_t longsleep_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type longsleep_type = FUT_TYPE_DESC(longsleep, longsleep_poll,
						      NULL, LONGSLEEP_BRANCHES);

static intptr_t longsleep_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct longsleep *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, HUGE_NS);
	*self->woke = 1;
	return 0;
	FUT_END;
}

static void longsleep_init(struct longsleep *s, int *woke)
{
	s->woke = woke;
}

#define LONGRECV_BRANCHES(B, U) B(inline, fut_recv_next, next)
struct longrecv {
	struct fut_hdr hdr;
	int fd;
	intptr_t r;
	int *woke;
	struct fut_recver rx;
	FUT_BRANCHES(LONGRECV_BRANCHES);
};
static intptr_t longrecv_poll(struct fut_hdr *h, struct fut_task *task);
static void longrecv_drop(struct fut_hdr *h)
{
	fut_recver_release(&((struct longrecv *)h)->rx);
}
static struct fut_type longrecv_type = FUT_TYPE_DESC(longrecv, longrecv_poll,
						     longrecv_drop, LONGRECV_BRANCHES);

static intptr_t longrecv_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct longrecv *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx,
		  HUGE_NS);
	*self->woke = 1;
	fut_recver_release(&self->rx);
	return 0;
	FUT_END;
}

static void longrecv_init(struct longrecv *s, int fd, int *woke)
{
	s->fd = fd;
	s->woke = woke;
}

TEST(huge_timeouts_do_not_fire)
{
	struct fut_exec *ex = test_exec(0);
	int woke_sleep = 0, woke_recv = 0, fired = 0;
	struct fut_handle a, b;
	int sv[2];

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	a = FUT_SPAWN(ex, &longsleep_type, false, longsleep_init, &woke_sleep);
	b = FUT_SPAWN(ex, &longrecv_type, false, longrecv_init, sv[0], &woke_recv);
	FUT_SPAWN(ex, &watchdog_type, true, watchdog_init, 200, &fired);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(1, fired);	/* 200 ms later both still wait */
	EXPECT_EQ(0, woke_sleep);
	EXPECT_EQ(0, woke_recv);
	fut_cancel(a);
	fut_cancel(b);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_detach(a);
	fut_detach(b);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
