// SPDX-License-Identifier: GPL-2.0
/* Sizes after a change come from the union, not the slot alone: a 2 KiB
 * boxed step sharing a union with a 64 KiB inline report leaves the state
 * as large when the step is made inline (hoisted). */
#include <jansson.h>

#include "kselftest_harness.h"
#include "libfut/fut.h"
#include "advise_test.h"

struct step {
	struct fut_hdr hdr;
	char scratch[2048 - sizeof(struct fut_hdr)];
};
static intptr_t step_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)task;
	((struct step *)h)->scratch[0] = 1;
	return 0;
}
static struct fut_type step_type = FUT_TYPE_DESC(step, step_poll, NULL);
static void step_init(struct step *s)
{
	(void)s;
}

struct report {
	struct fut_hdr hdr;
	char text[65536 - sizeof(struct fut_hdr)];
};
static intptr_t report_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)task;
	((struct report *)h)->text[0] = 1;
	return 0;
}
static struct fut_type report_type = FUT_TYPE_DESC(report, report_poll, NULL);
static void report_init(struct report *r)
{
	(void)r;
}

#define JOB_BRANCHES(B, U) U(B(boxed, step, step) B(inline, report, report))
struct job {
	struct fut_hdr hdr;
	int i;
	intptr_t r;
	FUT_BRANCHES(JOB_BRANCHES);
};
static intptr_t job_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type job_type = FUT_TYPE_DESC(job, job_poll, NULL, JOB_BRANCHES);

static intptr_t job_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct job *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < 16; self->i++)
		FUT_AWAIT(step, self->r, step_init);
	FUT_AWAIT(report, self->r, report_init);
	return 0;
	FUT_END;
}
static void job_init(struct job *j)
{
	(void)j;
}

static int spawn_jobs(struct fut_exec *ex)
{
	for (int i = 0; i < 8; i++)
		if (!FUT_SPAWN(ex, &job_type, true, job_init).gen)
			return -1;
	return 0;
}

TEST(hoist_in_union_keeps_the_union_size)
{
	json_t *root = NULL, *sugs, *hoist = NULL;
	char *out = NULL;

	/* The hoist hangs on branch time: up to three fresh profiles. */
	for (int tries = 1; tries <= 3 && !hoist; tries++) {
		if (root)
			json_decref(root);
		free(out);
		root = advise_fresh(spawn_jobs, &out);
		ASSERT_NE(NULL, root) TH_LOG("output: %s", out ? out : "(none)");
		sugs = json_object_get(root, "suggestions");
		for (size_t i = 0; i < json_array_size(sugs); i++)
			if (!strcmp("step", json_string_value(json_object_get(json_array_get(sugs, i), "slot"))))
				hoist = json_array_get(sugs, i);
		if (!hoist)
			TH_LOG("try %d: no suggestion for step (a preempted branch?)", tries);
	}
	ASSERT_NE(NULL, hoist) TH_LOG("no suggestion for step in 3 tries: %s", out);
	EXPECT_STREQ("hoist", json_string_value(json_object_get(hoist, "kind")));
	/* sizeof(struct job) is the same with step inline: so is the task. */
	EXPECT_EQ(json_integer_value(json_object_get(hoist, "task_alloc_bytes")),
		  json_integer_value(json_object_get(hoist, "task_alloc_bytes_after")))
		TH_LOG("output: %s", out);
	EXPECT_EQ(sizeof(struct job), json_integer_value(json_object_get(hoist, "state_size")));
	json_decref(root);
	free(out);
}

TEST_HARNESS_MAIN
