// SPDX-License-Identifier: GPL-2.0
/*
 * Ground truth for the user-stack columns: threads with a known stack size
 * each touch exactly K pages of their stack (K = 1, 8, 64), then block in
 * a shallow frame.  tasks must report the mapping glibc made for each
 * (checked against /proc/self/maps), at least K resident pages and only a
 * few more (glibc's thread descriptor and TLS sit at the top), a small
 * in-use depth, and the main thread on the process's initial stack.
 *
 * A second test gives a thread a stack that a transparent huge page backs:
 * the huge PMD is counted whole, and the page-table walk must not trip
 * over it (apply_to_existing_page_range() WARNs on a huge PMD).
 *
 * Built without ASan (see mk/tests-kmod.mk): ASan's fake stacks and
 * redzones change how much of a stack a thread touches.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

/*
 * Below 2 MiB, so no transparent huge page can back the stack even where
 * THP is "always" (6.1 does not exclude MAP_STACK mappings from THP): a
 * huge page needs an aligned 2 MiB range inside the mapping.
 */
#define STACK_SIZE (512 * 1024)
/* Pages above the K touched ones that glibc and the frames may use. */
#define SLACK_PAGES 4
#define NTOUCHERS 3

struct toucher {
	int pages;
	pid_t tid;
	uintptr_t local;	/* an address in the frame it blocks in */
	sem_t ready;
	sem_t *release;
};

static void *toucher_main(void *arg)
{
	struct toucher *t = arg;
	volatile int local = 0;

	t->tid = syscall(SYS_gettid);
	sl_touch_stack(t->pages);
	t->local = (uintptr_t)&local;
	sem_post(&t->ready);
	sem_wait(t->release);
	return NULL;
}

/* The /proc/self/maps line holding @addr (or named @name): its bounds. */
static int find_mapping(uintptr_t addr, const char *name, uintptr_t *start,
			uintptr_t *end)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2)
			continue;
		if (name ? strstr(line, name) != NULL : addr >= s && addr < e) {
			*start = s;
			*end = e;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

TEST_F(stacklab, thread_stacks_match_ground_truth)
{
	static const int ks[NTOUCHERS] = { 1, 8, 64 };
	struct toucher t[NTOUCHERS];
	pthread_t threads[NTOUCHERS];
	long page = sysconf(_SC_PAGESIZE);
	pthread_attr_t attr;
	struct sl_row *rows;
	sem_t release;
	int n, i;

	ASSERT_EQ(0, sem_init(&release, 0, 0));
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstacksize(&attr, STACK_SIZE));
	for (i = 0; i < NTOUCHERS; i++) {
		t[i].pages = ks[i];
		t[i].release = &release;
		ASSERT_EQ(0, sem_init(&t[i].ready, 0, 0));
		ASSERT_EQ(0, pthread_create(&threads[i], &attr, toucher_main, &t[i]));
		ASSERT_EQ(0, sem_wait(&t[i].ready));
	}
	/* Let each reach its futex wait: its saved SP is then in sem_wait. */
	usleep(100 * 1000);

	ASSERT_EQ(0, sl_set_target(getpid()));
	n = sl_read_tasks(&rows);
	ASSERT_EQ(1 + NTOUCHERS, n);

	for (i = 0; i < NTOUCHERS; i++) {
		const struct sl_row *r = sl_find_row(rows, n, t[i].tid);
		uintptr_t start, end;
		unsigned long depth;

		ASSERT_NE(NULL, r) TH_LOG("no row for the K=%d thread", ks[i]);
		ASSERT_TRUE(find_mapping(t[i].local, NULL, &start, &end));
		depth = end - t[i].local;
		TH_LOG("K=%d: ustack_size %lu (maps %lu), resident %lu (%lu pages), used %lu (frame at %lu)",
		       ks[i], r->ustack_size, (unsigned long)(end - start),
		       r->ustack_resident, r->ustack_resident / page,
		       r->ustack_used, depth);
		/* The mapping glibc made for the thread's stack. */
		EXPECT_EQ(end - start, r->ustack_size);
		EXPECT_GE((unsigned long)STACK_SIZE, r->ustack_size);
		EXPECT_LE((unsigned long)STACK_SIZE / 2, r->ustack_size);
		/* K touched pages, plus the few at the top glibc uses. */
		EXPECT_LE((unsigned long)ks[i] * page, r->ustack_resident);
		EXPECT_GE((unsigned long)(ks[i] + SLACK_PAGES) * page,
			  r->ustack_resident);
		/* Blocked in a shallow frame: a little below our local. */
		EXPECT_LE(depth, r->ustack_used + 256);
		EXPECT_GE(depth + 4096, r->ustack_used);
		EXPECT_GT(16384UL, r->ustack_used);
		EXPECT_LT(0UL, r->ustack_used);
	}

	/* The main thread (this one, in read()) runs on the initial stack. */
	{
		const struct sl_row *r = sl_find_row(rows, n, getpid());
		uintptr_t start, end;
		int local;

		ASSERT_NE(NULL, r);
		ASSERT_TRUE(find_mapping(0, "[stack]", &start, &end));
		TH_LOG("main: ustack_size %lu ([stack] %lu), resident %lu, used %lu",
		       r->ustack_size, (unsigned long)(end - start),
		       r->ustack_resident, r->ustack_used);
		EXPECT_TRUE((uintptr_t)&local >= start && (uintptr_t)&local < end);
		EXPECT_EQ(end - start, r->ustack_size);
		EXPECT_LT(0UL, r->ustack_used);
		EXPECT_GE(r->ustack_size, r->ustack_used);
		EXPECT_GE(r->ustack_resident + page, r->ustack_used);
		EXPECT_GE(r->ustack_size, r->ustack_resident);
	}
	free(rows);

	for (i = 0; i < NTOUCHERS; i++)
		sem_post(&release);
	for (i = 0; i < NTOUCHERS; i++)
		pthread_join(threads[i], NULL);
}

#define HUGE_SIZE (2UL << 20)

TEST_F(stacklab, huge_page_backed_stack)
{
	unsigned long len = 2 * HUGE_SIZE;
	struct toucher t = { .pages = 1 };
	const struct sl_row *r;
	pthread_attr_t attr;
	struct sl_row *rows;
	char first[512];
	pthread_t thread;
	sem_t release;
	unsigned long resident;
	uintptr_t base;
	int kmsg, n;
	char *map;

	kmsg = sl_kmsg_open();
	ASSERT_LE(0, kmsg);
	/* A 2 MiB-aligned stack of two huge pages, THP asked for. */
	map = mmap(NULL, len + HUGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	base = ((uintptr_t)map + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
	if (madvise((void *)base, len, MADV_HUGEPAGE))
		SKIP(return, "no transparent huge pages (madvise: %s)", strerror(errno));

	ASSERT_EQ(0, sem_init(&release, 0, 0));
	ASSERT_EQ(0, sem_init(&t.ready, 0, 0));
	t.release = &release;
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstack(&attr, (void *)base, len));
	ASSERT_EQ(0, pthread_create(&thread, &attr, toucher_main, &t));
	ASSERT_EQ(0, sem_wait(&t.ready));
	usleep(100 * 1000);

	ASSERT_EQ(0, sl_set_target(getpid()));
	n = sl_read_tasks(&rows);
	ASSERT_EQ(2, n);
	r = sl_find_row(rows, n, t.tid);
	ASSERT_NE(NULL, r);
	TH_LOG("ustack_size %lu, resident %lu, used %lu",
	       r->ustack_size, r->ustack_resident, r->ustack_used);
	/* madvise() split the mapping: the stack is a mapping of its own. */
	EXPECT_EQ(len, r->ustack_size);
	EXPECT_GE(len, r->ustack_resident);
	EXPECT_LT(0UL, r->ustack_used);
	resident = r->ustack_resident;
	free(rows);

	sem_post(&release);
	pthread_join(thread, NULL);
	EXPECT_EQ(0, sl_kmsg_bad_lines(kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	close(kmsg);
	munmap(map, len + HUGE_SIZE);
	if (resident < HUGE_SIZE)
		SKIP(return, "the kernel gave the stack no huge page");
}

TEST_HARNESS_MAIN
