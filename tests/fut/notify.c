// SPDX-License-Identifier: GPL-2.0
/* fut_notify: a set wakes the waiter and is consumed; a set before the
 * wait is kept; two tasks hand a turn back and forth through two events;
 * a waiter cancelled while waiting leaves no waker behind. */
#include "kselftest_harness.h"
#include "futtest.h"

/* Waits on its event `rounds` times, setting the peer's after each wake
 * (the first one, `starts`, sets the peer's first). */
#define PLAYER_BRANCHES(B, U) B(inline, fut_notify_wait, w)
struct player {
	struct fut_hdr hdr;
	struct fut_notify *mine, *peer;
	long rounds, done;
	int starts;
	intptr_t r;
	FUT_BRANCHES(PLAYER_BRANCHES);
};
static intptr_t player_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type player_type = FUT_TYPE_DESC(player, player_poll, NULL, PLAYER_BRANCHES);

static intptr_t player_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct player *self = (void *)h;

	FUT_BEGIN;
	if (self->starts)
		fut_notify_set(self->peer);
	while (self->done < self->rounds) {
		FUT_AWAIT(w, self->r, fut_notify_wait_init, self->mine);
		self->done++;
		if (self->done < self->rounds || !self->starts)
			fut_notify_set(self->peer);
	}
	return self->done;
	FUT_END;
}

static void player_init(struct player *p, struct fut_notify *mine,
			struct fut_notify *peer, long rounds, int starts)
{
	p->mine = mine;
	p->peer = peer;
	p->rounds = rounds;
	p->starts = starts;
}

TEST(ping_pong_through_two_events)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_notify a, b;
	struct fut_handle ha, hb;
	intptr_t ra = 0, rb = 0;

	ASSERT_NE(NULL, ex);
	fut_notify_init(&a);
	fut_notify_init(&b);
	ha = FUT_SPAWN(ex, &player_type, false, player_init, &a, &b, 100000, 1);
	hb = FUT_SPAWN(ex, &player_type, false, player_init, &b, &a, 100000, 0);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(ha, &ra));
	ASSERT_EQ(0, fut_join_now(hb, &rb));
	EXPECT_EQ(100000, ra);
	EXPECT_EQ(100000, rb);
	EXPECT_FALSE(a.has_waiter || b.has_waiter);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(set_before_wait_is_kept_and_consumed_once)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_notify a, unused;
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	fut_notify_init(&a);
	fut_notify_init(&unused);
	fut_notify_set(&a);
	fut_notify_set(&a);	/* not counted: an event, not a semaphore */
	/* One round, not the starter: waits once, then sets `unused`. */
	h = FUT_SPAWN(ex, &player_type, false, player_init, &a, &unused, 1, 0);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(1, r);
	EXPECT_FALSE(a.set);
	EXPECT_TRUE(unused.set);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

/* Cancels the waiter once it waits, then sets the event. */
struct canceller {
	struct fut_hdr hdr;
	struct fut_handle victim;
	struct fut_notify *n;
};
static intptr_t canceller_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct canceller *self = (void *)h;

	FUT_BEGIN;
	FUT_YIELD();
	if (!self->n->has_waiter)
		return -1;
	fut_cancel(self->victim);
	FUT_YIELD();	/* the cancelled task is dropped by the executor */
	if (self->n->has_waiter)
		return -2;
	fut_notify_set(self->n);	/* nobody to wake: kept */
	return 0;
	FUT_END;
}
static struct fut_type canceller_type = FUT_TYPE_DESC(canceller, canceller_poll, NULL);
static void canceller_init(struct canceller *c, struct fut_handle v, struct fut_notify *n)
{
	c->victim = v;
	c->n = n;
}

TEST(cancelled_waiter_leaves_no_waker)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_notify a, unused;
	struct fut_handle v, c;
	intptr_t rv = 0, rc = 1;

	ASSERT_NE(NULL, ex);
	fut_notify_init(&a);
	fut_notify_init(&unused);
	v = FUT_SPAWN(ex, &player_type, false, player_init, &a, &unused, 1, 0);
	c = FUT_SPAWN(ex, &canceller_type, false, canceller_init, v, &a);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(c, &rc));
	EXPECT_EQ(0, rc);
	ASSERT_EQ(0, fut_join_now(v, &rv));
	EXPECT_EQ(-ECANCELED, rv);
	EXPECT_TRUE(a.set);
	EXPECT_FALSE(a.has_waiter);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
