// SPDX-License-Identifier: GPL-2.0
/* fut_wake_remote from many threads: waiting tasks see every wake they
 * need, and tasks that already finished are not polled again.  With
 * MSG_RING where the kernel has it, and with the eventfd fallback forced. */
#include <pthread.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define NTHREADS 8
#define PER_THREAD 8
#define NTASKS (NTHREADS * PER_THREAD)
#define ROUNDS 2000

struct shared {
	struct fut_remote_waker w[NTASKS], dead_w[NTASKS];
	int ready[NTASKS], dead_ready[NTASKS];
	long sent[NTASKS];
	long polls[NTASKS], dead_polls[NTASKS];
	int failed_wakes;
	int remaining;		/* waiters not finished */
};

struct waiter {
	struct fut_hdr hdr;
	struct shared *sh;
	int i;
	bool published;
};

static intptr_t waiter_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct waiter *self = (void *)h;
	struct shared *sh = self->sh;

	sh->polls[self->i]++;
	if (!self->published) {
		self->published = true;
		sh->w[self->i] = fut_waker_remote(task);
		__atomic_store_n(&sh->ready[self->i], 1, __ATOMIC_RELEASE);
	}
	if (__atomic_load_n(&sh->sent[self->i], __ATOMIC_ACQUIRE) < ROUNDS)
		return FUT_PENDING;
	if (!--sh->remaining)
		fut_exec_stop(fut_exec_current());
	return 0;
}
static struct fut_type waiter_type = FUT_TYPE_DESC(waiter, waiter_poll, NULL);

/* Finishes at its first poll, leaving its remote waker behind. */
static intptr_t dead_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct waiter *self = (void *)h;
	struct shared *sh = self->sh;

	sh->dead_polls[self->i]++;
	sh->dead_w[self->i] = fut_waker_remote(task);
	__atomic_store_n(&sh->dead_ready[self->i], 1, __ATOMIC_RELEASE);
	return 0;
}
static struct fut_type dead_type = FUT_TYPE_DESC(waiter, dead_poll, NULL);

static void waiter_init(struct waiter *w, struct shared *sh, int i)
{
	w->sh = sh;
	w->i = i;
}

struct thread_arg {
	struct shared *sh;
	int first;
};

static void *waker_main(void *p)
{
	struct thread_arg *a = p;
	struct shared *sh = a->sh;

	for (int k = a->first; k < a->first + PER_THREAD; k++)
		while (!__atomic_load_n(&sh->ready[k], __ATOMIC_ACQUIRE) ||
		       !__atomic_load_n(&sh->dead_ready[k], __ATOMIC_ACQUIRE))
			sched_yield();
	for (long r = 1; r <= ROUNDS; r++) {
		for (int k = a->first; k < a->first + PER_THREAD; k++) {
			__atomic_store_n(&sh->sent[k], r, __ATOMIC_RELEASE);
			if (fut_wake_remote(sh->w[k]))
				__atomic_fetch_add(&sh->failed_wakes, 1, __ATOMIC_RELAXED);
			/* A finished task: gen-checked, no poll. */
			if (fut_wake_remote(sh->dead_w[k]))
				__atomic_fetch_add(&sh->failed_wakes, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void many_threads(struct __test_metadata *_metadata, unsigned int flags,
			 bool msg_ring)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	struct fut_exec *ex = test_exec(flags);
	struct thread_arg args[NTHREADS];
	pthread_t th[NTHREADS];
	struct fut_handle wd;
	int fired = 0;

	ASSERT_NE(NULL, sh);
	ASSERT_NE(NULL, ex);
	sh->remaining = NTASKS;
	EXPECT_EQ(msg_ring, !!(fut_exec_features(ex) & FUT_FEAT_MSG_RING));
	for (int i = 0; i < NTASKS; i++) {
		ASSERT_NE(0, FUT_SPAWN(ex, &dead_type, true, waiter_init, sh, i).gen);
		ASSERT_NE(0, FUT_SPAWN(ex, &waiter_type, true, waiter_init, sh, i).gen);
	}
	wd = FUT_SPAWN(ex, &watchdog_type, false, watchdog_init, 20000, &fired);
	for (int t = 0; t < NTHREADS; t++) {
		args[t] = (struct thread_arg){ sh, t * PER_THREAD };
		ASSERT_EQ(0, pthread_create(&th[t], NULL, waker_main, &args[t]));
	}
	/* Until the last waiter has seen its last round, or the watchdog. */
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fired) TH_LOG("wakes were lost: %d tasks still waiting",
				   sh->remaining);
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	fut_cancel(wd);
	ASSERT_EQ(0, fut_exec_run(ex));
	intptr_t r;
	fut_join_now(wd, &r);
	EXPECT_EQ(0, sh->failed_wakes);
	struct fut_exec_stats st;

	/* Each wake is received once, one way or the other: none lost.  The
	 * last ones may still wait in the ring: sleep a little to reap them. */
	for (int tries = 0; tries < 200; tries++) {
		fut_exec_stats(ex, &st);
		if (st.remote_by_ring + st.remote_by_queue >= 2ull * NTASKS * ROUNDS)
			break;
		FUT_SPAWN(ex, &fut_sleep_type, true, fut_sleep_init, 1000000);
		ASSERT_EQ(0, fut_exec_run(ex));
	}
	if (msg_ring) {
		EXPECT_LT(0, st.remote_by_ring);
	} else {
		EXPECT_EQ(0, st.remote_by_ring);
	}
	EXPECT_EQ(2ull * NTASKS * ROUNDS, st.remote_by_ring + st.remote_by_queue);
	for (int i = 0; i < NTASKS; i++) {
		EXPECT_EQ(1, sh->dead_polls[i]);
		EXPECT_LE(2, sh->polls[i]);
		EXPECT_GE(ROUNDS + 1, sh->polls[i]);
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	free(sh);
}

TEST(many_threads_wake_through_msg_ring)
{
	many_threads(_metadata, 0, true);
}

TEST(many_threads_wake_through_the_eventfd)
{
	many_threads(_metadata, FUT_EXEC_NO_MSG_RING, false);
}

/* From the executor's own thread it is a plain wake. */
static intptr_t self_remote_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct waiter *self = (void *)h;

	if (self->published)
		return 5;
	self->published = true;
	fut_wake_remote(fut_waker_remote(task));
	return FUT_PENDING;
}
static struct fut_type self_remote_type = FUT_TYPE_DESC(waiter, self_remote_poll, NULL);

TEST(wake_from_own_thread)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	h = FUT_SPAWN(ex, &self_remote_type, false, waiter_init, NULL, 0);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(5, r);
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
