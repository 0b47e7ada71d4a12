// SPDX-License-Identifier: GPL-2.0
/* A boxed await whose box cannot be allocated completes with -ENOMEM
 * (the parent decides what to do) instead of aborting; the next one, with
 * memory, runs.  The failure comes from the documented test hook
 * FUT_TEST_FAIL_BOXES=N: an executor's first N box allocations fail. */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "futtest.h"

struct seven {
	struct fut_hdr hdr;
	char big[100000];	/* a large box: mapped on its own */
};
static intptr_t seven_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)h;
	(void)task;
	return 7;
}
static struct fut_type seven_type = FUT_TYPE_DESC(seven, seven_poll, NULL);

static void seven_init(struct seven *s)
{
	s->big[0] = 1;
}

#define TRIES_BRANCHES(B, U) B(boxed, seven, child)
struct tries {
	struct fut_hdr hdr;
	intptr_t first, second;
	FUT_BRANCHES(TRIES_BRANCHES);
};
static intptr_t tries_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type tries_type = FUT_TYPE_DESC(tries, tries_poll, NULL, TRIES_BRANCHES);

static intptr_t tries_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct tries *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(child, self->first, seven_init);
	FUT_AWAIT(child, self->second, seven_init);
	return self->first == -ENOMEM && self->second == 7;
	FUT_END;
}

static void tries_init(struct tries *s)
{
	(void)s;
}

TEST(box_without_memory_is_enomem)
{
	struct fut_exec *ex;
	struct fut_handle h;
	intptr_t r = 0;

	ASSERT_EQ(0, setenv("FUT_TEST_FAIL_BOXES", "1", 1));
	ex = test_exec(0);
	unsetenv("FUT_TEST_FAIL_BOXES");
	ASSERT_NE(NULL, ex);
	h = FUT_SPAWN(ex, &tries_type, false, tries_init);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(1, r);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
