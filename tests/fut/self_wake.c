// SPDX-License-Identifier: GPL-2.0
/* A task that wakes or cancels itself in the poll that completes it is
 * finished once: it leaves the run queue, is not polled again, its
 * returned value stands and its drop function does not run; requests it
 * arms after cancelling itself are cancelled too. */
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

enum { BY_WAKE, BY_CANCEL, BY_CANCEL_THEN_READ };

#define SELFISH_BRANCHES(B, U) B(inline, fut_io, io)
struct selfish {
	struct fut_hdr hdr;
	int how;
	int fd;
	struct fut_handle *me;
	int *polls, *drops;
	intptr_t r;
	char buf[8];
	FUT_BRANCHES(SELFISH_BRANCHES);
};
static intptr_t selfish_poll(struct fut_hdr *h, struct fut_task *task);
static void selfish_drop(struct fut_hdr *h)
{
	++*((struct selfish *)h)->drops;
}
static struct fut_type selfish_type = FUT_TYPE_DESC(selfish, selfish_poll,
						    selfish_drop, SELFISH_BRANCHES);

static intptr_t selfish_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct selfish *self = (void *)h;

	++*self->polls;
	FUT_BEGIN;
	if (self->how == BY_WAKE)
		fut_wake(fut_waker(task));
	else
		fut_cancel(*self->me);
	if (self->how == BY_CANCEL_THEN_READ)
		FUT_AWAIT(io, self->r, fut_read_init, self->fd,
			  self->buf, sizeof(self->buf), 0, 0);
	return 7;
	FUT_END;
}

static void selfish_init(struct selfish *s, int how, int fd,
			 struct fut_handle *me, int *polls, int *drops)
{
	s->how = how;
	s->fd = fd;
	s->me = me;
	s->polls = polls;
	s->drops = drops;
}

/* Runs one selfish task; returns its joined result (detached: 0). */
static intptr_t run_one(struct __test_metadata *_metadata, int how,
			bool detached, int *polls, int *drops)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle me;
	intptr_t r = 0;
	int p[2];

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, pipe(p));
	me = FUT_SPAWN(ex, &selfish_type, detached, selfish_init, how, p[0],
		       &me, polls, drops);
	ASSERT_NE(0, me.gen);
	ASSERT_EQ(0, fut_exec_run(ex));
	if (!detached)
		EXPECT_EQ(0, fut_join_now(me, &r));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(p[0]);
	close(p[1]);
	return r;
}

TEST(wake_self_then_complete_detached)
{
	int polls = 0, drops = 0;

	run_one(_metadata, BY_WAKE, true, &polls, &drops);
	EXPECT_EQ(1, polls);
	EXPECT_EQ(0, drops);
}

TEST(wake_self_then_complete_joined)
{
	int polls = 0, drops = 0;

	EXPECT_EQ(7, run_one(_metadata, BY_WAKE, false, &polls, &drops));
	EXPECT_EQ(1, polls);
}

TEST(cancel_self_then_complete)
{
	int polls = 0, drops = 0;

	EXPECT_EQ(7, run_one(_metadata, BY_CANCEL, false, &polls, &drops));
	EXPECT_EQ(1, polls);
	EXPECT_EQ(0, drops);	/* it returned a value: nothing to drop */
	polls = 0;
	run_one(_metadata, BY_CANCEL, true, &polls, &drops);
	EXPECT_EQ(1, polls);
	EXPECT_EQ(0, drops);
}

/* The read armed after the self-cancel is cancelled: no hang. */
TEST(cancel_self_then_arm)
{
	int polls = 0, drops = 0;

	EXPECT_EQ(-ECANCELED, run_one(_metadata, BY_CANCEL_THEN_READ, false,
				      &polls, &drops));
	EXPECT_EQ(1, drops);
}

TEST_HARNESS_MAIN
