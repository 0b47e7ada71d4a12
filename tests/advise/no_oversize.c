// SPDX-License-Identifier: GPL-2.0
/* A future whose branches are all small gets no suggestion. */
#include "kselftest_harness.h"
#include "libfut/fut.h"
#include "advise_test.h"

struct small {
	struct fut_hdr hdr;
	char buf[48];
};
static intptr_t small_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct small *self = (void *)h;

	(void)task;
	self->buf[0] = 1;
	return 0;
}
static struct fut_type small_type = FUT_TYPE_DESC(small, small_poll, NULL);
static void small_init(struct small *s)
{
	(void)s;
}

#define PARENT_BRANCHES(B, U) U(B(inline, small, a) B(inline, fut_sleep, nap))
struct parent {
	struct fut_hdr hdr;
	int rare;
	intptr_t r;
	FUT_BRANCHES(PARENT_BRANCHES);
};
static intptr_t parent_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type parent_type = FUT_TYPE_DESC(parent, parent_poll, NULL, PARENT_BRANCHES);

static intptr_t parent_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct parent *self = (void *)h;

	FUT_BEGIN;
	if (self->rare)
		FUT_AWAIT(a, self->r, small_init);
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000);
	return 0;
	FUT_END;
}
static void parent_init(struct parent *p, int rare)
{
	p->rare = rare;
}

TEST(small_branches_get_none)
{
	char path[] = "/tmp/advise-none-XXXXXX", args[128];
	struct fut_exec *ex = fut_exec_create(NULL);
	char *out, *err;

	ASSERT_NE(NULL, ex);
	for (int i = 0; i < 50; i++)
		ASSERT_NE(0, FUT_SPAWN(ex, &parent_type, true, parent_init, i % 10 == 0).gen);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_LE(0, mkstemp(path));
	ASSERT_EQ(0, fut_prof_dump(path));
	fut_exec_destroy(ex);

	snprintf(args, sizeof(args), "%s --json", path);
	ASSERT_EQ(0, run_advise(args, &out, &err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(out, "\"suggestions\": []")) TH_LOG("output: %s", out);
	free(out);
	free(err);
	ASSERT_EQ(0, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(out, "0 suggestions"));
	EXPECT_NE(NULL, strstr(out, "nothing to change"));
	free(out);
	free(err);
	unlink(path);
}

TEST_HARNESS_MAIN
