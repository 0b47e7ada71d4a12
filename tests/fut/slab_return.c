// SPDX-License-Identifier: GPL-2.0
/* Slab memory goes back to the system: once the tasks (or boxes) of a
 * burst are freed and the executor goes idle, the slab's mapped bytes
 * come back down to at most one spare chunk per size class. */
#include "kselftest_harness.h"
#include "futtest.h"

#define N 100000
/* One empty chunk kept per class in use: at most 256 KiB each. */
#define SPARE_MAX (256u << 10)

static uint64_t slab_bytes(struct fut_exec *ex)
{
	struct fut_exec_stats st;

	fut_exec_stats(ex, &st);
	return st.slab_bytes;
}

/* Parks on a timer, then ends: all N live at once, then all freed. */
#define NAPPER_BRANCHES(B, U) B(inline, fut_sleep, nap)
struct napper {
	struct fut_hdr hdr;
	intptr_t r;
	uint64_t ns;
	FUT_BRANCHES(NAPPER_BRANCHES);
};
static intptr_t napper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type napper_type = FUT_TYPE_DESC(napper, napper_poll, NULL, NAPPER_BRANCHES);
static intptr_t napper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct napper *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(nap, self->r, fut_sleep_init, self->ns);
	return 0;
	FUT_END;
}
static void napper_init(struct napper *s, uint64_t ns)
{
	s->ns = ns;
}

/* A 1 KiB child, boxed, suspended in it for a while. */
#define KID_BRANCHES(B, U) B(inline, fut_sleep, nap)
struct kid {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(KID_BRANCHES);
	char scratch[1024];
};
static intptr_t kid_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type kid_type = FUT_TYPE_DESC(kid, kid_poll, NULL, KID_BRANCHES);
static intptr_t kid_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct kid *self = (void *)h;

	FUT_BEGIN;
	self->scratch[0] = 1;
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000000);
	return 0;
	FUT_END;
}
static void kid_init(struct kid *k)
{
	(void)k;
}

#define BOXER_BRANCHES(B, U) B(boxed, kid, kid)
struct boxer {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(BOXER_BRANCHES);
};
static intptr_t boxer_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type boxer_type = FUT_TYPE_DESC(boxer, boxer_poll, NULL, BOXER_BRANCHES);
static intptr_t boxer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct boxer *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(kid, self->r, kid_init);
	return 0;
	FUT_END;
}
static void boxer_init(struct boxer *b)
{
	(void)b;
}

/* Spawned after a burst: records the slab's bytes once the burst's
 * tasks have all been polled once (FIFO), i.e. at its peak. */
struct probe {
	struct fut_hdr hdr;
	uint64_t *out;
};
static intptr_t probe_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct probe *self = (void *)h;

	(void)task;
	*self->out = slab_bytes(fut_exec_current());
	return 0;
}
static struct fut_type probe_type = FUT_TYPE_DESC(probe, probe_poll, NULL);
static void probe_init(struct probe *p, uint64_t *out)
{
	p->out = out;
}

/* Sleeps past the burst: the executor then goes idle and trims. */
static void spawn_watcher(struct fut_exec *ex)
{
	FUT_SPAWN(ex, &napper_type, true, napper_init, 50000000);
}

TEST(freed_tasks_give_their_chunks_back)
{
	struct fut_exec *ex = test_exec(0);
	uint64_t base, peak, after;

	ASSERT_NE(NULL, ex);
	base = slab_bytes(ex);
	for (int i = 0; i < N; i++)
		ASSERT_NE(0, FUT_SPAWN(ex, &napper_type, true, napper_init, 1000000).gen);
	peak = slab_bytes(ex);
	EXPECT_GE(peak, base + (uint64_t)N * fut_alloc_bytes(48 + sizeof(struct napper)));
	spawn_watcher(ex);
	ASSERT_EQ(0, fut_exec_run(ex));
	after = slab_bytes(ex);
	TH_LOG("slab bytes: base %lu, %d tasks %lu, after %lu", (unsigned long)base,
	       N, (unsigned long)peak, (unsigned long)after);
	EXPECT_LE(after, base + SPARE_MAX);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(chunks_stay_while_any_object_lives)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h[64];
	uint64_t peak, after;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	/* Joinable tasks keep their memory until joined. */
	for (int i = 0; i < N; i++) {
		/* Every 1562nd, 64 in all, spread over the chunks. */
		bool keep = i % (N / 64) == 0 && i / (N / 64) < 64;
		struct fut_handle x = FUT_SPAWN(ex, &napper_type, !keep,
						napper_init, 1000000);

		ASSERT_NE(0, x.gen);
		if (keep)
			h[i / (N / 64)] = x;
	}
	peak = slab_bytes(ex);
	spawn_watcher(ex);
	ASSERT_EQ(0, fut_exec_run(ex));
	after = slab_bytes(ex);
	TH_LOG("slab bytes: %d tasks %lu, 64 left %lu", N, (unsigned long)peak,
	       (unsigned long)after);
	/* 64 survivors spread over the chunks pin at most 64 of them. */
	EXPECT_LT(after, peak / 2);
	EXPECT_GE(after, 64 * fut_alloc_bytes(48 + sizeof(struct napper)));
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(0, fut_join_now(h[i], &r));
	spawn_watcher(ex);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_LE(slab_bytes(ex), SPARE_MAX);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(freed_boxes_give_their_chunks_back)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_exec_stats st;
	uint64_t base, peak = 0;

	ASSERT_NE(NULL, ex);
	base = slab_bytes(ex);
	for (int i = 0; i < N / 10; i++)
		FUT_SPAWN(ex, &boxer_type, true, boxer_init);
	FUT_SPAWN(ex, &probe_type, true, probe_init, &peak);
	spawn_watcher(ex);
	ASSERT_EQ(0, fut_exec_run(ex));
	fut_exec_stats(ex, &st);
	EXPECT_EQ(0, st.boxes_live);
	TH_LOG("slab bytes: base %lu, %d boxes %lu, after %lu", (unsigned long)base,
	       N / 10, (unsigned long)peak, (unsigned long)st.slab_bytes);
	EXPECT_GE(peak, base + (uint64_t)(N / 10) *
		  fut_alloc_bytes(16 + sizeof(struct kid)));
	/* Task and box classes: one spare each. */
	EXPECT_LE(st.slab_bytes, base + 2 * SPARE_MAX);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(alloc_bytes_are_the_class_sizes)
{
	EXPECT_EQ(16, fut_alloc_bytes(1));
	EXPECT_EQ(64, fut_alloc_bytes(64));
	EXPECT_EQ(80, fut_alloc_bytes(65));
	EXPECT_EQ(160, fut_alloc_bytes(129));
	EXPECT_EQ(32768, fut_alloc_bytes(32768));
	EXPECT_LE(32769 + 16, fut_alloc_bytes(32769));
	EXPECT_EQ(0, fut_alloc_bytes(32769) % 4096);
	EXPECT_LE(262144, fut_alloc_bytes(262144));
}

TEST_HARNESS_MAIN
