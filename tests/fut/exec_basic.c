// SPDX-License-Identifier: GPL-2.0
/* Executor semantics: spawn, run order, yield, wakers (idempotent, safe
 * after the task finished), join handles, detach. */
#include "kselftest_harness.h"
#include "futtest.h"

struct adder {
	struct fut_hdr hdr;
	int a, b;
};

static intptr_t adder_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct adder *self = (void *)h;

	(void)task;
	return self->a + self->b;
}
static struct fut_type adder_type = FUT_TYPE_DESC(adder, adder_poll, NULL);

static void adder_init(struct adder *s, int a, int b)
{
	s->a = a;
	s->b = b;
}

/* Appends its id to a log at each step, yielding in between. */
struct stepper {
	struct fut_hdr hdr;
	int id, n, i;
	char *log;
};

static intptr_t stepper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct stepper *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < self->n; self->i++) {
		size_t len = strlen(self->log);

		self->log[len] = '0' + self->id;
		self->log[len + 1] = 0;
		FUT_YIELD();
	}
	return self->id;
	FUT_END;
}
static struct fut_type stepper_type = FUT_TYPE_DESC(stepper, stepper_poll, NULL);

static void stepper_init(struct stepper *s, int id, int n, char *log)
{
	s->id = id;
	s->n = n;
	s->log = log;
}

/* Publishes its waker, then waits until *go is set. */
struct parker {
	struct fut_hdr hdr;
	int *go;
	struct fut_waker *out;
	int *polls;
};

static intptr_t parker_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct parker *self = (void *)h;

	FUT_BEGIN;
	*self->out = fut_waker(task);
	FUT_WAIT_UNTIL((++*self->polls, *self->go));
	return 7;
	FUT_END;
}
static struct fut_type parker_type = FUT_TYPE_DESC(parker, parker_poll, NULL);

static void parker_init(struct parker *s, int *go, struct fut_waker *out,
			int *polls)
{
	s->go = go;
	s->out = out;
	s->polls = polls;
}

/* Wakes a waker several times and after the target finished. */
struct waker_user {
	struct fut_hdr hdr;
	struct fut_waker *w;
	int *go;
};

static intptr_t waker_user_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct waker_user *self = (void *)h;

	(void)task;
	*self->go = 1;
	fut_wake(*self->w);
	fut_wake(*self->w);
	fut_wake(*self->w);
	return 0;
}
static struct fut_type waker_user_type = FUT_TYPE_DESC(waker_user, waker_user_poll, NULL);

static void waker_user_init(struct waker_user *s, struct fut_waker *w, int *go)
{
	s->w = w;
	s->go = go;
}

/* Joins another task from inside a task. */
#define JOINER_BRANCHES(B, U) B(inline, fut_join, j)
struct joiner {
	struct fut_hdr hdr;
	struct fut_handle h;
	intptr_t r;
	FUT_BRANCHES(JOINER_BRANCHES);
};
static intptr_t joiner_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type joiner_type = FUT_TYPE_DESC(joiner, joiner_poll, NULL, JOINER_BRANCHES);

static intptr_t joiner_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct joiner *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(j, self->r, fut_join_init, self->h);
	return self->r * 10;
	FUT_END;
}

static void joiner_init(struct joiner *s, struct fut_handle h)
{
	s->h = h;
}

TEST(spawn_run_join_now)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	h = FUT_SPAWN(ex, &adder_type, false, adder_init, 2, 40);
	ASSERT_EQ(-EAGAIN, fut_join_now(h, &r));
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(42, r);
	/* The handle is stale now. */
	EXPECT_EQ(-ESRCH, fut_join_now(h, &r));
	EXPECT_EQ(-ESRCH, fut_cancel(h));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(fifo_and_yield_interleave)
{
	struct fut_exec *ex = test_exec(0);
	char log[64] = "";

	ASSERT_NE(NULL, ex);
	FUT_SPAWN(ex, &stepper_type, true, stepper_init, 1, 3, log);
	FUT_SPAWN(ex, &stepper_type, true, stepper_init, 2, 3, log);
	FUT_SPAWN(ex, &stepper_type, true, stepper_init, 3, 2, log);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_STREQ("12312312", log);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(wakers_idempotent_and_safe_after_finish)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_waker w = { 0, 0 };
	int go = 0, polls = 0;
	struct fut_handle ph;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	ph = FUT_SPAWN(ex, &parker_type, false, parker_init, &go, &w, &polls);
	FUT_SPAWN(ex, &waker_user_type, true, waker_user_init, &w, &go);
	ASSERT_EQ(0, fut_exec_run(ex));
	/* Three wakes, one poll: the first poll parked, the second finished. */
	EXPECT_EQ(2, polls);
	ASSERT_EQ(0, fut_join_now(ph, &r));
	EXPECT_EQ(7, r);
	/* The task is gone and its slot may be reused: a stale wake is a no-op. */
	fut_wake(w);
	FUT_SPAWN(ex, &adder_type, true, adder_init, 1, 1);
	fut_wake(w);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(join_from_a_task)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle a, j;
	char log[16] = "";
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	a = FUT_SPAWN(ex, &stepper_type, false, stepper_init, 4, 3, log);
	j = FUT_SPAWN(ex, &joiner_type, false, joiner_init, a);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(j, &r));
	EXPECT_EQ(40, r);
	/* The joiner consumed the task. */
	EXPECT_EQ(-ESRCH, fut_join_now(a, &r));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(join_a_finished_task_and_a_stale_handle)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle a, j, j2;
	intptr_t r = 0;

	ASSERT_NE(NULL, ex);
	a = FUT_SPAWN(ex, &adder_type, false, adder_init, 3, 4);
	ASSERT_EQ(0, fut_exec_run(ex));
	j = FUT_SPAWN(ex, &joiner_type, false, joiner_init, a);
	j2 = FUT_SPAWN(ex, &joiner_type, false, joiner_init, a);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(j, &r));
	EXPECT_EQ(70, r);
	ASSERT_EQ(0, fut_join_now(j2, &r));
	EXPECT_EQ(-ESRCH * 10, r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(detach_frees_on_finish)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_exec_stats st;
	struct fut_handle a, b;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	a = FUT_SPAWN(ex, &adder_type, false, adder_init, 1, 2);
	b = FUT_SPAWN(ex, &adder_type, false, adder_init, 1, 2);
	fut_detach(a);		/* before it ran */
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(1, st.tasks_live);	/* b waits for its joiner */
	fut_detach(b);		/* after it finished */
	EXPECT_EQ(-ESRCH, fut_join_now(b, &r));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(destroy_with_unfinished_tasks)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_waker w;
	int go = 0, polls = 0;

	ASSERT_NE(NULL, ex);
	FUT_SPAWN(ex, &parker_type, false, parker_init, &go, &w, &polls);
	fut_exec_stop(ex);
	ASSERT_EQ(0, fut_exec_run(ex)); /* returns at once: stopped */
	fut_exec_destroy(ex); /* cancels the task; LSan: nothing leaks */
}

TEST_HARNESS_MAIN
