// SPDX-License-Identifier: GPL-2.0
/* A wake from another thread reaches its task while another task keeps
 * yielding.  On a DEFER_TASKRUN ring such a wake (a MSG_RING message, an
 * eventfd write: remote wakes, fut_spawn_blocking results, profile dump
 * requests) waits in the kernel until the executor enters it; the run
 * loop must enter when the kernel says work is waiting, not only when
 * completions are already in the CQ. */
#include <pthread.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "futtest.h"

/*
 * Polls of the yielder after the wake was sent and before its target ran:
 * the run loop looks at the ring at least once a run budget (1024 polls),
 * so two budgets are plenty.  Without the look, the count never ends.
 */
#define YIELDS_AFTER_WAKE_MAX (2 * 1024 + 2)

struct shared {
	struct fut_remote_waker w;
	int ready, sent, done;
	long after;		/* yields seen after sent */
	int gave_up;
};

/* Yields until the target has run (or the bound says the wake is lost). */
struct yielder {
	struct fut_hdr hdr;
	struct shared *sh;
};
static intptr_t yielder_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct yielder *self = (void *)h;
	struct shared *sh = self->sh;

	FUT_BEGIN;
	while (!sh->done) {
		if (__atomic_load_n(&sh->sent, __ATOMIC_ACQUIRE) &&
		    ++sh->after > YIELDS_AFTER_WAKE_MAX) {
			sh->gave_up = 1;
			return -1;
		}
		FUT_YIELD();
	}
	return 0;
	FUT_END;
}
static struct fut_type yielder_type = FUT_TYPE_DESC(yielder, yielder_poll, NULL);

/* Publishes its remote waker, then ends when the wake polls it. */
struct target {
	struct fut_hdr hdr;
	struct shared *sh;
	bool published;
};
static intptr_t target_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct target *self = (void *)h;
	struct shared *sh = self->sh;

	if (!self->published) {
		self->published = true;
		sh->w = fut_waker_remote(task);
		__atomic_store_n(&sh->ready, 1, __ATOMIC_RELEASE);
		return FUT_PENDING;
	}
	/* Nothing else wakes it: this poll is the remote wake's. */
	sh->done = 1;
	return 0;
}
static struct fut_type target_type = FUT_TYPE_DESC(target, target_poll, NULL);

static void yielder_init(struct yielder *y, struct shared *sh)
{
	y->sh = sh;
}

static void target_init(struct target *t, struct shared *sh)
{
	t->sh = sh;
}

static void *waker_main(void *p)
{
	struct shared *sh = p;

	while (!__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE))
		sched_yield();
	/* The wake is in the kernel once the call returns. */
	if (fut_wake_remote(sh->w) == 0)
		__atomic_store_n(&sh->sent, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void wake_reaches_target(struct __test_metadata *_metadata,
				unsigned int flags, bool msg_ring)
{
	struct fut_exec *ex = test_exec(flags);
	struct shared sh = { 0 };
	struct fut_handle y, t;
	pthread_t th;
	intptr_t r = -2;

	ASSERT_NE(NULL, ex);
	if (!(fut_exec_features(ex) & FUT_FEAT_DEFER_TASKRUN))
		SKIP(fut_exec_destroy(ex); return, "no DEFER_TASKRUN ring");
	EXPECT_EQ(msg_ring, !!(fut_exec_features(ex) & FUT_FEAT_MSG_RING));
	/* A nap first: the executor's eventfd read is in the kernel by then
	 * (a read submitted after the write would complete at once). */
	FUT_SPAWN(ex, &fut_sleep_type, true, fut_sleep_init, 1000000);
	ASSERT_EQ(0, fut_exec_run(ex));
	t = FUT_SPAWN(ex, &target_type, false, target_init, &sh);
	y = FUT_SPAWN(ex, &yielder_type, false, yielder_init, &sh);
	ASSERT_EQ(0, pthread_create(&th, NULL, waker_main, &sh));
	ASSERT_EQ(0, fut_exec_run(ex));
	pthread_join(th, NULL);
	ASSERT_EQ(1, __atomic_load_n(&sh.sent, __ATOMIC_ACQUIRE));
	EXPECT_EQ(0, sh.gave_up)
		TH_LOG("the wake did not reach its task in %d polls of a yielding task",
		       YIELDS_AFTER_WAKE_MAX);
	EXPECT_EQ(0, fut_join_now(y, &r));
	EXPECT_EQ(sh.gave_up ? -1 : 0, r);
	if (sh.gave_up) {
		/* The target never ran: end it (its wake still waits). */
		fut_cancel(t);
		ASSERT_EQ(0, fut_exec_run(ex));
	}
	fut_join_now(t, &r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(msg_ring_wake_while_a_task_yields)
{
	wake_reaches_target(_metadata, 0, true);
}

TEST(eventfd_wake_while_a_task_yields)
{
	wake_reaches_target(_metadata, FUT_EXEC_NO_MSG_RING, false);
}

/* A task that yields until a blocking job's result is in: it livelocked
 * while the result waited in the kernel.  The job ends only once the
 * spinner spins (after a nap: everything queued is submitted by then), so
 * its result comes while the executor only polls.  The watchdog ends a
 * hang. */
static int spinning;

static intptr_t quick_job(void *arg)
{
	while (!__atomic_load_n(&spinning, __ATOMIC_ACQUIRE))
		sched_yield();
	return (intptr_t)arg + 1;
}

#define POLLER_BRANCHES(B, U) B(inline, fut_spawn_blocking, blk)
struct poller {
	struct fut_hdr hdr;
	intptr_t r;
	int *have;
	FUT_BRANCHES(POLLER_BRANCHES);
};
static intptr_t poller_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct poller *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(blk, self->r, fut_spawn_blocking_init, quick_job,
		  (void *)41, NULL);
	*self->have = 1;
	return self->r;
	FUT_END;
}
static struct fut_type poller_type = FUT_TYPE_DESC(poller, poller_poll, NULL, POLLER_BRANCHES);
static void poller_init(struct poller *p, int *have)
{
	p->have = have;
}

#define SPINNER_BRANCHES(B, U) B(inline, fut_sleep, nap)
struct spinner {
	struct fut_hdr hdr;
	int *have;
	struct fut_handle dog;
	intptr_t r;
	FUT_BRANCHES(SPINNER_BRANCHES);
};
static intptr_t spinner_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct spinner *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000000);
	__atomic_store_n(&spinning, 1, __ATOMIC_RELEASE);
	while (!*self->have)
		FUT_YIELD();
	fut_cancel(self->dog);
	return 0;
	FUT_END;
}
static struct fut_type spinner_type =
	FUT_TYPE_DESC(spinner, spinner_poll, NULL, SPINNER_BRANCHES);
static void spinner_init(struct spinner *s, int *have, struct fut_handle dog)
{
	s->have = have;
	s->dog = dog;
}

TEST(blocking_result_while_its_waiter_yields)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle p, s, dog;
	int have = 0, fired = 0;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	dog = FUT_SPAWN(ex, &watchdog_type, false, watchdog_init, 10000, &fired);
	p = FUT_SPAWN(ex, &poller_type, false, poller_init, &have);
	s = FUT_SPAWN(ex, &spinner_type, false, spinner_init, &have, dog);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(0, fired) TH_LOG("the job's result did not arrive in 10 s");
	if (fired) {
		fut_cancel(p);
		fut_cancel(s);
		ASSERT_EQ(0, fut_exec_run(ex));
	}
	EXPECT_EQ(0, fut_join_now(p, &r));
	if (!fired)
		EXPECT_EQ(42, r);
	fut_join_now(s, &r);
	fut_join_now(dog, &r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
