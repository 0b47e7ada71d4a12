// SPDX-License-Identifier: GPL-2.0
/* More completions than the CQ ring holds: the kernel keeps the overflow
 * aside (IORING_SQ_CQ_OVERFLOW) and the executor flushes it; every request
 * completes exactly once. */
#include "kselftest_harness.h"
#include "futtest.h"

#define NTASK 2000

#define NOPPER_BRANCHES(B, U) B(inline, fut_io, io)
struct nopper {
	struct fut_hdr hdr;
	int *done;
	intptr_t r;
	FUT_BRANCHES(NOPPER_BRANCHES);
};
static intptr_t nopper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type nopper_type = FUT_TYPE_DESC(nopper, nopper_poll, NULL, NOPPER_BRANCHES);

static intptr_t nopper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct nopper *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_nop_init);
	++*self->done;
	return self->r;
	FUT_END;
}

static void nopper_init(struct nopper *s, int *done)
{
	s->done = done;
}

FIXTURE(ovf) {
	struct fut_exec *ex;
};
FIXTURE_VARIANT(ovf) {
	unsigned int flags;
};
FIXTURE_VARIANT_ADD(ovf, defer_taskrun) { .flags = 0 };
FIXTURE_VARIANT_ADD(ovf, plain_ring) { .flags = FUT_EXEC_NO_DEFER_TASKRUN };

FIXTURE_SETUP(ovf)
{
	struct fut_exec_opts o = { .sq_entries = 4, .flags = variant->flags };

	self->ex = fut_exec_create(&o);
	ASSERT_NE(NULL, self->ex);
}

FIXTURE_TEARDOWN(ovf)
{
	fut_exec_destroy(self->ex);
}

TEST_F(ovf, every_completion_arrives_once)
{
	struct fut_exec_stats st;
	int done = 0;

	for (int i = 0; i < NTASK; i++)
		FUT_SPAWN(self->ex, &nopper_type, true, nopper_init, &done);
	ASSERT_EQ(0, fut_exec_run(self->ex));
	EXPECT_EQ(NTASK, done);
	fut_exec_stats(self->ex, &st);
	TH_LOG("CQ overflows flushed: %lu", (unsigned long)st.cq_overflows);
	EXPECT_LE(1, st.cq_overflows);
	EXPECT_TRUE(exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
