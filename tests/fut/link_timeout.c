// SPDX-License-Identifier: GPL-2.0
/* A request and its linked timeout go to the kernel together: with a
 * 4-entry SQ that fills between them, every receive still times out. */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define NRECV 4

static struct fut_handle watchdog;
static int left;

#define WAITER_BRANCHES(B, U) B(inline, fut_io, io)
struct waiter {
	struct fut_hdr hdr;
	int fd;
	intptr_t *out;
	char buf[8];
	FUT_BRANCHES(WAITER_BRANCHES);
};
static intptr_t waiter_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type waiter_type = FUT_TYPE_DESC(waiter, waiter_poll, NULL, WAITER_BRANCHES);

static intptr_t waiter_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct waiter *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, *self->out, fut_recv_init, self->fd,
		  self->buf, sizeof(self->buf), 0, 100 * 1000000ull);
	if (--left == 0)
		fut_cancel(watchdog);
	return 0;
	FUT_END;
}

static void waiter_init(struct waiter *s, int fd, intptr_t *out)
{
	s->fd = fd;
	s->out = out;
}

FIXTURE(small_sq) {
	int sv[NRECV][2];
};
FIXTURE_VARIANT(small_sq) {
	unsigned int flags;
};
FIXTURE_VARIANT_ADD(small_sq, defer_taskrun) { .flags = 0 };
FIXTURE_VARIANT_ADD(small_sq, plain) { .flags = FUT_EXEC_NO_DEFER_TASKRUN };
FIXTURE_SETUP(small_sq)
{
	for (int i = 0; i < NRECV; i++)
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv[i]));
}
FIXTURE_TEARDOWN(small_sq)
{
	for (int i = 0; i < NRECV; i++) {
		close(self->sv[i][0]);
		close(self->sv[i][1]);
	}
}

TEST_F(small_sq, every_timeout_fires)
{
	struct fut_exec_opts o = { .sq_entries = 4, .flags = variant->flags };
	struct fut_exec *ex = fut_exec_create(&o);
	intptr_t res[NRECV];
	int fired = 0;

	ASSERT_NE(NULL, ex);
	left = NRECV;
	for (int i = 0; i < NRECV; i++) {
		res[i] = 1;
		FUT_SPAWN(ex, &waiter_type, true, waiter_init, self->sv[i][0], &res[i]);
	}
	/* A receive whose timeout went in another submission has none: it waits forever. */
	watchdog = FUT_SPAWN(ex, &watchdog_type, false, watchdog_init, 3000,
			     &fired);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_detach(watchdog);
	EXPECT_EQ(0, fired);
	for (int i = 0; i < NRECV; i++)
		EXPECT_EQ(-ETIMEDOUT, res[i]);
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
