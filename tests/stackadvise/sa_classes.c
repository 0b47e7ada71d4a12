// SPDX-License-Identifier: GPL-2.0
/*
 * stack-advise's thread classes: one name and reserves within a page of
 * each other make one class (MariaDB's connection stacks are 302656 bytes
 * from clone3 and 303104 as /proc maps shows them); the main thread is
 * its own; every stack-size suggestion is per class, with that class's
 * depth and thread count.  No BPF: the model alone, without symbols.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "model.h"

#define PAGE 4096
#define TGID 100

struct world {
	struct sa_thread_rec t[128];
	struct sa_site_rec s[8];
	struct sa_input in;
};

static void add(struct world *w, __u32 tid, const char *comm, __u64 reserve,
		__u64 depth)
{
	struct sa_thread_rec *r = &w->t[w->in.nthreads++];

	memset(r, 0, sizeof(*r));
	r->tid = tid;
	r->t.top = 0x7f0000000000ULL + tid * 0x10000000ULL;
	r->t.lowest = r->t.top - depth;
	r->t.reserve = reserve;
	r->t.pages = depth / PAGE;
	strncpy(r->t.comm, comm, sizeof(r->t.comm) - 1);
}

static void init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->in.threads = w->t;
	w->in.sites = w->s;
	w->in.tgid = TGID;
	w->in.page_size = PAGE;
}

static const struct sa_suggestion *stack_size_of(const struct sa_result *r,
						 const char *name, __u64 reserve)
{
	for (size_t i = 0; i < r->nsug; i++) {
		const struct sa_class *k = &r->classes[r->sug[i].cls];

		if (r->sug[i].action == SA_STACK_SIZE && !strcmp(k->name, name) &&
		    reserve >= k->reserve_min && reserve <= k->reserve_max)
			return &r->sug[i];
	}
	return NULL;
}

/* A MariaDB-like server: 48 + 16 connection threads, 5 of 8 MiB, the main one. */
TEST(mariadb_shape)
{
	static struct world w;
	const struct sa_suggestion *conn, *big;
	struct sa_result r;

	init(&w);
	add(&w, TGID, "mariadbd", 8 << 20, 200 * 1024);
	for (int i = 0; i < 48; i++)
		add(&w, 200 + i, "mariadbd", 302656, 20 * 1024);
	for (int i = 0; i < 16; i++)
		add(&w, 300 + i, "mariadbd", 303104, 40 * 1024);
	for (int i = 0; i < 5; i++)
		add(&w, 400 + i, "mariadbd", 8 << 20, 300 * 1024);
	ASSERT_EQ(0, sa_model(&w.in, NULL, &r));
	EXPECT_EQ(3, r.nclasses);
	conn = stack_size_of(&r, "mariadbd", 302656);
	big = stack_size_of(&r, "mariadbd", 8 << 20);
	ASSERT_NE(NULL, conn);
	ASSERT_NE(NULL, big);
	EXPECT_NE(conn, big);
	/* Every connection thread, either reserve, counts. */
	EXPECT_EQ(64, conn->threads);
	EXPECT_EQ(40 * 1024, conn->max_depth);
	EXPECT_EQ(302656, r.classes[conn->cls].reserve_min);
	EXPECT_EQ(303104, r.classes[conn->cls].reserve_max);
	EXPECT_EQ(48 * (302656 - conn->stack_size) + 16 * (303104 - conn->stack_size),
		  conn->reserve_saved);
	EXPECT_EQ(0, conn->rss_saved);
	/* The 8 MiB threads by their own depth, not the connections'. */
	EXPECT_EQ(5, big->threads);
	EXPECT_EQ(300 * 1024, big->max_depth);
	EXPECT_GT(big->stack_size, 300 * 1024);
	/* No stack size for the main thread (its stack is the rlimit's). */
	for (size_t i = 0; i < r.nsug; i++)
		EXPECT_FALSE(r.classes[r.sug[i].cls].main_thread);
	sa_result_free(&r);
}

/* More than a page apart, or another name: another class. */
TEST(apart)
{
	static struct world w;
	struct sa_result r;

	init(&w);
	add(&w, 201, "pool", 1 << 20, 8192);
	add(&w, 202, "pool", (1 << 20) + PAGE, 8192);
	add(&w, 203, "pool", (1 << 20) + PAGE + 1, 8192);
	add(&w, 204, "io", 1 << 20, 8192);
	ASSERT_EQ(0, sa_model(&w.in, NULL, &r));
	EXPECT_EQ(3, r.nclasses);
	sa_result_free(&r);
}

/* A function's threads and share are counted within its class. */
TEST(share_per_class)
{
	static struct world w;
	struct sa_result r;

	init(&w);
	for (int i = 0; i < 4; i++)
		add(&w, 200 + i, "conn", 1 << 20, 8192);
	for (int i = 0; i < 12; i++)
		add(&w, 300 + i, "bg", 1 << 20, 8192);
	for (int i = 0; i < 3; i++) {
		w.s[i].k.tid = 200 + i;
		w.s[i].k.ip = 0x1234;
		w.s[i].v.pages = 4;
	}
	w.s[3].k.tid = 300;
	w.s[3].k.ip = 0x1234;
	w.s[3].v.pages = 4;
	w.in.nsites = 4;
	ASSERT_EQ(0, sa_model(&w.in, NULL, &r));
	ASSERT_EQ(2, r.nfuncs);
	for (size_t i = 0; i < r.nfuncs; i++) {
		const struct sa_class *k = &r.classes[r.funcs[i].cls];

		EXPECT_EQ(strcmp(k->name, "conn") ? 1 : 3, r.funcs[i].threads);
		EXPECT_EQ(strcmp(k->name, "conn") ? 12 : 4, k->threads);
	}
	/* Unnamed code (no symbols here) is in the table, never suggested. */
	for (size_t i = 0; i < r.nsug; i++)
		EXPECT_EQ(SA_STACK_SIZE, r.sug[i].action);
	sa_result_free(&r);
}

TEST_HARNESS_MAIN
