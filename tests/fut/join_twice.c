// SPDX-License-Identifier: GPL-2.0
/* A task has one joiner: a second one gets -EBUSY at once instead of
 * waiting forever; joining a detached task gets -ESRCH. */
#include "kselftest_harness.h"
#include "futtest.h"

/* Sleeps 20 ms, returns 42. */
#define LATE_BRANCHES(B, U) B(inline, fut_sleep, s)
struct late {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(LATE_BRANCHES);
};
static intptr_t late_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type late_type = FUT_TYPE_DESC(late, late_poll, NULL, LATE_BRANCHES);

static intptr_t late_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct late *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, 20 * 1000000);
	return 42;
	FUT_END;
}

static void late_init(struct late *s)
{
	(void)s;
}

#define JOINER_BRANCHES(B, U) B(inline, fut_join, j)
struct joiner {
	struct fut_hdr hdr;
	struct fut_handle h;
	intptr_t *out;
	FUT_BRANCHES(JOINER_BRANCHES);
};
static intptr_t joiner_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type joiner_type = FUT_TYPE_DESC(joiner, joiner_poll, NULL, JOINER_BRANCHES);

static intptr_t joiner_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct joiner *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(j, *self->out, fut_join_init, self->h);
	return 0;
	FUT_END;
}

static void joiner_init(struct joiner *s, struct fut_handle h, intptr_t *out)
{
	s->h = h;
	s->out = out;
}

TEST(second_joiner_is_refused)
{
	struct fut_exec *ex = test_exec(0);
	intptr_t a = 0, b = 0;
	struct fut_handle t;

	ASSERT_NE(NULL, ex);
	t = FUT_SPAWN(ex, &late_type, false, late_init);
	FUT_SPAWN(ex, &joiner_type, true, joiner_init, t, &a);
	FUT_SPAWN(ex, &joiner_type, true, joiner_init, t, &b);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(42, a);
	EXPECT_EQ(-EBUSY, b);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(join_detached_is_stale)
{
	struct fut_exec *ex = test_exec(0);
	intptr_t a = 0;
	struct fut_handle t;

	ASSERT_NE(NULL, ex);
	t = FUT_SPAWN(ex, &late_type, false, late_init);
	fut_detach(t);
	FUT_SPAWN(ex, &joiner_type, true, joiner_init, t, &a);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(-ESRCH, a);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
