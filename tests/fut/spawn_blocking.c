// SPDX-License-Identifier: GPL-2.0
/* fut_spawn_blocking: results come back to the awaiting tasks; a task
 * cancelled while its helper runs leaves the result to its drop function
 * (nothing leaks: LeakSanitizer runs at exit), and fut_exec_destroy waits
 * for the helpers it cancelled. */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

static intptr_t twice_slowly(void *arg)
{
	usleep(2000);
	return 2 * (intptr_t)arg;
}

#define USER_BRANCHES(B, U) B(inline, fut_spawn_blocking, blk)
struct user {
	struct fut_hdr hdr;
	intptr_t r;
	intptr_t in;
	fut_blocking_fn fn;
	fut_blocking_drop_fn drop;
	FUT_BRANCHES(USER_BRANCHES);
};
static intptr_t user_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct user *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(blk, self->r, fut_spawn_blocking_init, self->fn,
		  (void *)self->in, self->drop);
	return self->r;
	FUT_END;
}
static struct fut_type user_type = FUT_TYPE_DESC(user, user_poll, NULL, USER_BRANCHES);

static void user_init(struct user *u, intptr_t in, fut_blocking_fn fn,
		      fut_blocking_drop_fn drop)
{
	u->in = in;
	u->fn = fn;
	u->drop = drop;
}

TEST(results_delivered)
{
	enum { N = 100 };
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h[N];

	ASSERT_NE(NULL, ex);
	for (intptr_t i = 0; i < N; i++)
		h[i] = FUT_SPAWN(ex, &user_type, false, user_init, i, twice_slowly, NULL);
	ASSERT_EQ(0, fut_exec_run(ex));
	for (intptr_t i = 0; i < N; i++) {
		intptr_t r = -1;

		ASSERT_EQ(0, fut_join_now(h[i], &r));
		EXPECT_EQ(2 * i, r);
	}
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

/* A helper that holds until the test lets it go; its result is memory. */
static sem_t gate;
static int dropped, ran;

static intptr_t held(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&ran, 1, __ATOMIC_RELAXED);
	sem_wait(&gate);
	return (intptr_t)malloc(4096);
}
static void free_result(intptr_t r, void *arg)
{
	(void)arg;
	free((void *)r);
	__atomic_fetch_add(&dropped, 1, __ATOMIC_RELAXED);
}

/* Cancels its victim after a while. */
#define KILLER_BRANCHES(B, U) B(inline, fut_sleep, nap)
struct killer {
	struct fut_hdr hdr;
	intptr_t r;
	struct fut_handle victim;
	FUT_BRANCHES(KILLER_BRANCHES);
};
static intptr_t killer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct killer *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(nap, self->r, fut_sleep_init, 20 * 1000000);
	return fut_cancel(self->victim);
	FUT_END;
}
static struct fut_type killer_type = FUT_TYPE_DESC(killer, killer_poll, NULL, KILLER_BRANCHES);
static void killer_init(struct killer *k, struct fut_handle victim)
{
	k->victim = victim;
}

TEST(cancel_while_the_helper_runs)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h, k;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	sem_init(&gate, 0, 0);
	dropped = ran = 0;
	h = FUT_SPAWN(ex, &user_type, false, user_init, 0, held, free_result);
	k = FUT_SPAWN(ex, &killer_type, false, killer_init, h);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(k, &r));
	EXPECT_EQ(0, r);
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_EQ(1, __atomic_load_n(&ran, __ATOMIC_RELAXED));
	/* Still running: the result is not there yet, and not dropped. */
	EXPECT_EQ(0, __atomic_load_n(&dropped, __ATOMIC_RELAXED));
	sem_post(&gate);
	for (int i = 0; i < 5000 && !__atomic_load_n(&dropped, __ATOMIC_RELAXED); i++)
		usleep(1000);
	EXPECT_EQ(1, __atomic_load_n(&dropped, __ATOMIC_RELAXED));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

static void *open_gate_later(void *p)
{
	(void)p;
	usleep(50 * 1000);
	sem_post(&gate);
	return NULL;
}

/* Stops the executor at its first poll. */
static intptr_t stopper_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)h;
	(void)task;
	fut_exec_stop(fut_exec_current());
	return 0;
}
struct stopper {
	struct fut_hdr hdr;
};
static struct fut_type stopper_type = FUT_TYPE_DESC(stopper, stopper_poll, NULL);
static void stopper_init(struct stopper *s)
{
	(void)s;
}

TEST(destroy_waits_for_the_helpers_it_cancelled)
{
	struct fut_exec *ex = test_exec(0);
	pthread_t t;

	ASSERT_NE(NULL, ex);
	sem_init(&gate, 0, 0);
	dropped = ran = 0;
	FUT_SPAWN(ex, &user_type, true, user_init, 0, held, free_result);
	FUT_SPAWN(ex, &stopper_type, true, stopper_init);
	ASSERT_EQ(0, fut_exec_run(ex));	/* the job is submitted, then stop */
	ASSERT_EQ(0, pthread_create(&t, NULL, open_gate_later, NULL));
	fut_exec_destroy(ex);		/* cancels, then waits for the helper */
	EXPECT_EQ(1, __atomic_load_n(&dropped, __ATOMIC_RELAXED));
	pthread_join(t, NULL);
}

/* The helper is done, but the task is cancelled before it takes the
 * result: the executor drops it. */
static intptr_t quick(void *arg)
{
	(void)arg;
	return (intptr_t)malloc(64);
}
static intptr_t busy_killer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct killer *self = (void *)h;
	uint64_t end = fut_now_ns() + 30 * 1000000;

	(void)task;
	/* Hold the executor while the helper finishes. */
	while (fut_now_ns() < end)
		;
	return fut_cancel(self->victim);
}
static struct fut_type busy_killer_type = FUT_TYPE_DESC(killer, busy_killer_poll, NULL);

TEST(cancel_after_the_helper_finished)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	dropped = 0;
	h = FUT_SPAWN(ex, &user_type, false, user_init, 0, quick, free_result);
	FUT_SPAWN(ex, &busy_killer_type, true, killer_init, h);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ECANCELED, r);
	for (int i = 0; i < 5000 && !__atomic_load_n(&dropped, __ATOMIC_RELAXED); i++)
		usleep(1000);
	EXPECT_EQ(1, __atomic_load_n(&dropped, __ATOMIC_RELAXED));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
