// SPDX-License-Identifier: GPL-2.0
/*
 * Stack rows that are the thread's own where the kernel merged its stack
 * with other memory: a glibc thread stack mapped directly under an
 * anonymous buffer, four program-made stacks side by side in one mapping,
 * and a stack at the top of a 256 MiB mapping (a Go or JVM heap) whose
 * bottom nothing marks.  Each row's ustack_used is within a page of the
 * true depth; ustack_size and ustack_resident are the thread's own stack
 * when ustack_exact is 1, and never the whole big mapping.
 *
 * Built without ASan (see mk/tests-kmod.mk): the pages a thread touches
 * are counted.
 */
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

#define KIB		1024UL
#define MIB		(1024 * KIB)
#define PAGE		4096UL
/* Pages above the touched ones that glibc's control block and frames use. */
#define SLACK_PAGES	4
#define SIDE_BY_SIDE	4

struct waiter {
	int pages;		/* to touch */
	pid_t tid;
	uintptr_t local;	/* an address in the frame it blocks in */
	uintptr_t top;		/* its stack's end, from glibc */
	unsigned long size;	/* its stack's size (less the guard), from glibc */
	sem_t ready;
	sem_t *release;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	volatile int local = 0;
	pthread_attr_t attr;
	size_t size;
	void *addr;

	w->tid = syscall(SYS_gettid);
	if (!pthread_getattr_np(pthread_self(), &attr) &&
	    !pthread_attr_getstack(&attr, &addr, &size))
		w->top = (uintptr_t)addr + size, w->size = size;
	sl_touch_stack(w->pages);
	w->local = (uintptr_t)&local;
	sem_post(&w->ready);
	sem_wait(w->release);
	return NULL;
}

/* The /proc/self/maps mapping holding @addr: its size, 0 if none. */
static unsigned long mapping_size(uintptr_t addr)
{
	unsigned long s, e, size = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && !size && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && addr >= s && addr < e)
			size = e - s;
	if (f)
		fclose(f);
	return size;
}

static void start_waiter(struct __test_metadata *_metadata, struct waiter *w,
			 pthread_t *t, pthread_attr_t *attr, int pages,
			 sem_t *release)
{
	w->pages = pages;
	w->release = release;
	ASSERT_EQ(0, sem_init(&w->ready, 0, 0));
	ASSERT_EQ(0, pthread_create(t, attr, waiter_main, w));
	ASSERT_EQ(0, sem_wait(&w->ready));
}

/* The row of @w: depth within a page; own size and pages when exact. */
static void check_row(struct __test_metadata *_metadata, const struct sl_row *rows,
		      int n, const struct waiter *w, unsigned long own_size)
{
	const struct sl_row *r = sl_find_row(rows, n, w->tid);
	unsigned long depth = w->top - w->local;

	ASSERT_NE(NULL, r) TH_LOG("no row for tid %d", w->tid);
	TH_LOG("tid %d: ustack_size %lu (own %lu, mapping %lu), resident %lu (touched %d pages), used %lu (depth %lu), exact %d",
	       w->tid, r->ustack_size, own_size, mapping_size(w->local),
	       r->ustack_resident, w->pages, r->ustack_used, depth,
	       r->ustack_exact);
	EXPECT_LE(depth, r->ustack_used + PAGE);
	EXPECT_GE(depth + PAGE, r->ustack_used);
	EXPECT_GE(r->ustack_size, r->ustack_used);
	EXPECT_GE(r->ustack_size, r->ustack_resident);
	if (!r->ustack_exact)
		return;
	EXPECT_EQ(own_size, r->ustack_size);
	EXPECT_LE((unsigned long)w->pages * PAGE, r->ustack_resident);
	EXPECT_GE((unsigned long)(w->pages + SLACK_PAGES) * PAGE,
		  r->ustack_resident);
}

static int read_rows(struct sl_row **rows)
{
	/* Let every waiter reach its futex wait: its saved SP is then in it. */
	usleep(100 * 1000);
	if (sl_set_target(getpid()))
		return -1;
	return sl_read_tasks(rows);
}

TEST_F(stacklab, glibc_stack_under_a_buffer)
{
	size_t buf_len = 2 * MIB - PAGE, stack = 1 * MIB;
	pthread_attr_t attr;
	struct sl_row *rows;
	struct waiter w;
	sem_t release;
	pthread_t t;
	char *buf;
	int n;

	/*
	 * Mapped first, so that the stack (mapped top-down) lands right below
	 * it; MAP_STACK gives it the stack's flags (VM_NOHUGEPAGE on 6.7+),
	 * so the kernel merges the two.  A page short of 2 MiB: 6.7+ would
	 * align a 2 MiB mapping to a huge page boundary and leave a gap.
	 */
	buf = mmap(NULL, buf_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	for (size_t i = 0; i < 16; i++)
		buf[i * PAGE] = 1;
	ASSERT_EQ(0, sem_init(&release, 0, 0));
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstacksize(&attr, stack));
	start_waiter(_metadata, &w, &t, &attr, 8, &release);
	ASSERT_EQ(w.top, (uintptr_t)buf) TH_LOG("the stack did not land under the buffer");
	ASSERT_LT(stack, mapping_size(w.local)) TH_LOG("the kernel did not merge them");
	n = read_rows(&rows);
	ASSERT_LE(2, n);
	/* glibc's stack block, less its guard page. */
	check_row(_metadata, rows, n, &w, w.size);
	EXPECT_EQ(1, sl_find_row(rows, n, w.tid)->ustack_exact);
	free(rows);
	sem_post(&release);
	pthread_join(t, NULL);
	munmap(buf, buf_len);
}

TEST_F(stacklab, program_stacks_side_by_side)
{
	size_t each = 256 * KIB;
	struct waiter w[SIDE_BY_SIDE];
	pthread_t t[SIDE_BY_SIDE];
	pthread_attr_t attr;
	struct sl_row *rows;
	sem_t release;
	int n, exact = 0;
	char *block;

	block = mmap(NULL, each * SIDE_BY_SIDE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	ASSERT_NE(MAP_FAILED, block);
	ASSERT_EQ(0, sem_init(&release, 0, 0));
	for (int i = 0; i < SIDE_BY_SIDE; i++) {
		ASSERT_EQ(0, pthread_attr_init(&attr));
		ASSERT_EQ(0, pthread_attr_setstack(&attr, block + i * each, each));
		start_waiter(_metadata, &w[i], &t[i], &attr, 1 + 4 * i, &release);
		pthread_attr_destroy(&attr);
	}
	n = read_rows(&rows);
	ASSERT_LE(1 + SIDE_BY_SIDE, n);
	for (int i = 0; i < SIDE_BY_SIDE; i++) {
		check_row(_metadata, rows, n, &w[i], each);
		exact += sl_find_row(rows, n, w[i].tid)->ustack_exact;
	}
	/* Each but the lowest has a neighbour's top below it. */
	EXPECT_LE(SIDE_BY_SIDE - 1, exact);
	free(rows);
	for (int i = 0; i < SIDE_BY_SIDE; i++)
		sem_post(&release);
	for (int i = 0; i < SIDE_BY_SIDE; i++)
		pthread_join(t[i], NULL);
	munmap(block, each * SIDE_BY_SIDE);
}

TEST_F(stacklab, stack_in_a_big_mapping)
{
	size_t big = 256 * MIB, stack = 1 * MIB, filled = 64 * MIB;
	pthread_attr_t attr;
	struct sl_row *rows;
	const struct sl_row *r;
	struct waiter w;
	sem_t release;
	pthread_t t;
	char *heap;
	int n;

	heap = mmap(NULL, big, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, heap);
	madvise(heap, big, MADV_NOHUGEPAGE);
	/* The heap's live data, right below the stack. */
	memset(heap + big - stack - filled, 1, filled);
	ASSERT_EQ(0, sem_init(&release, 0, 0));
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstack(&attr, heap + big - stack, stack));
	start_waiter(_metadata, &w, &t, &attr, 4, &release);
	n = read_rows(&rows);
	ASSERT_LE(2, n);
	check_row(_metadata, rows, n, &w, stack);
	r = sl_find_row(rows, n, w.tid);
	/* Nothing marks its bottom: flagged, and the walk stayed bounded. */
	EXPECT_EQ(0, r->ustack_exact);
	EXPECT_GT(big / 4, r->ustack_size);
	EXPECT_GT(filled / 4, r->ustack_resident);
	free(rows);
	sem_post(&release);
	pthread_join(t, NULL);
	munmap(heap, big);
}

TEST_HARNESS_MAIN
