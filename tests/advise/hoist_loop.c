// SPDX-License-Identifier: GPL-2.0
/* A future that awaits a small boxed child in a tight loop gets a hoist
 * suggestion (the allocations are a large share of the branch's time),
 * with the await's file:line; one whose boxed child does real work in the
 * same loop gets none (many boxes per task are not a hot split). */
#include <jansson.h>

#include "kselftest_harness.h"
#include "libfut/fut.h"
#include "advise_test.h"

struct step {
	struct fut_hdr hdr;
	char scratch[4096];
};
static intptr_t step_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct step *self = (void *)h;

	(void)task;
	self->scratch[0] = 1;
	return 0;
}
static struct fut_type step_type = FUT_TYPE_DESC(step, step_poll, NULL);
static void step_init(struct step *s)
{
	(void)s;
}

#define LOOPER_BRANCHES(B, U) B(boxed, step, one)
struct looper {
	struct fut_hdr hdr;
	int i;
	intptr_t r;
	FUT_BRANCHES(LOOPER_BRANCHES);
};
static intptr_t looper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type looper_type = FUT_TYPE_DESC(looper, looper_poll, NULL, LOOPER_BRANCHES);

/* The same loop, with a child that works ~100 us per entry. */
struct work {
	struct fut_hdr hdr;
	char scratch[4096];
};
static intptr_t work_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct work *self = (void *)h;
	unsigned int x = 1;

	(void)task;
	for (int r = 0; r < 64; r++)
		for (size_t i = 0; i < sizeof(self->scratch); i++)
			x = x * 31 + (self->scratch[i] ^= (char)x);
	return x & 1;
}
static struct fut_type work_type = FUT_TYPE_DESC(work, work_poll, NULL);
static void work_init(struct work *w)
{
	(void)w;
}

#define WORKER_BRANCHES(B, U) B(boxed, work, job)
struct worker {
	struct fut_hdr hdr;
	int i;
	intptr_t r;
	FUT_BRANCHES(WORKER_BRANCHES);
};
static intptr_t worker_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type worker_type = FUT_TYPE_DESC(worker, worker_poll, NULL, WORKER_BRANCHES);

static intptr_t worker_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct worker *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < 8; self->i++)
		FUT_AWAIT(job, self->r, work_init);
	return 0;
	FUT_END;
}
static void worker_init(struct worker *w)
{
	(void)w;
}

static intptr_t looper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct looper *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < 8; self->i++)
		FUT_AWAIT(one, self->r, step_init);
	return 0;
	FUT_END;
}
static void looper_init(struct looper *l)
{
	(void)l;
}

/* 20 loopers; the hoist hangs on branch time: see advise_fresh. */
static int spawn_loopers(struct fut_exec *ex)
{
	for (int i = 0; i < 20; i++)
		if (!FUT_SPAWN(ex, &looper_type, true, looper_init).gen)
			return -1;
	return 0;
}

TEST(boxed_in_loop_gets_hoist)
{
	json_t *root = NULL, *first = NULL;
	char *out = NULL;
	int tries;

	for (tries = 1; tries <= 3 && !first; tries++) {
		if (root)
			json_decref(root);
		free(out);
		root = advise_fresh(spawn_loopers, &out);
		ASSERT_NE(NULL, root) TH_LOG("output: %s", out ? out : "(none)");
		first = json_array_get(json_object_get(root, "suggestions"), 0);
		if (!first)
			TH_LOG("try %d: no suggestion (a preempted branch?): %s", tries, out);
	}
	ASSERT_NE(NULL, first) TH_LOG("no suggestion in 3 tries: %s", out);
	EXPECT_STREQ("hoist", json_string_value(json_object_get(first, "kind")));
	EXPECT_STREQ("looper", json_string_value(json_object_get(first, "type")));
	EXPECT_STREQ("one", json_string_value(json_object_get(first, "slot")));
	EXPECT_EQ(8.0, json_real_value(json_object_get(first, "allocs_per_entering_task")));
	EXPECT_NE(NULL, strstr(json_string_value(json_object_get(first, "fix_await")),
			       "B(boxed, step, one) -> B(inline, step, one)"));
	EXPECT_NE(NULL, strstr(json_string_value(json_object_get(first, "await_site")),
			       "hoist_loop.c:")) TH_LOG("output: %s", out);
	EXPECT_LE(0.05, json_real_value(json_object_get(first, "alloc_share")));
	json_decref(root);
	free(out);
}

TEST(boxed_work_in_loop_no_hoist)
{
	struct fut_exec *ex = fut_exec_create(NULL);
	json_t *root, *sugs;
	char *out;

	ASSERT_NE(NULL, ex);
	fut_prof_timing(1);
	for (int i = 0; i < 20; i++)
		ASSERT_NE(0, FUT_SPAWN(ex, &worker_type, true, worker_init).gen);
	ASSERT_EQ(0, fut_exec_run(ex));
	root = dump_and_advise(ex, &out);
	ASSERT_NE(NULL, root) TH_LOG("output: %s", out);
	sugs = json_object_get(root, "suggestions");
	for (size_t i = 0; i < json_array_size(sugs); i++)
		EXPECT_STRNE("hoist", json_string_value(json_object_get(json_array_get(sugs, i), "kind")))
			TH_LOG("output: %s", out);
	json_decref(root);
	free(out);
}

TEST_HARNESS_MAIN
