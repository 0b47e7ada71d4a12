// SPDX-License-Identifier: GPL-2.0
/*
 * Workload: 100 threads, each with a 256 KiB stack (pthread_attr_setstacksize:
 * glibc mmaps it with MAP_STACK, plus a guard page), each touching 3 pages
 * of it: the page its first frames live in and the two below; all alive at
 * once (a barrier) so that glibc cannot reuse one thread's stack for the
 * next.  (glibc's thread control block, written by the creating thread at
 * the top of the mapping, is one more page each.)
 *
 * Built without ASan/UBSan (mk/tests-probe.mk): ASan gives threads fake
 * stacks and shadow memory, and would change the stack bytes touched.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS		100
#define STACK_SIZE	(256 * 1024)
#define TOUCH_PAGES	3
#define PAGE		4096

static pthread_barrier_t all_touched;

/*
 * The frames already use the page that holds buf's top: touch the
 * TOUCH_PAGES - 1 pages below it, which buf covers.
 */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char buf[TOUCH_PAGES * PAGE];
	uintptr_t frame_page = ((uintptr_t)buf + sizeof(buf) - 1) &
			       ~(uintptr_t)(PAGE - 1);

	for (int i = 1; i < TOUCH_PAGES; i++)
		*(volatile char *)(frame_page - (uintptr_t)i * PAGE) = 1;
}

static void *worker(void *arg)
{
	(void)arg;
	touch_stack();
	pthread_barrier_wait(&all_touched);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	pthread_attr_t attr;

	if (pthread_barrier_init(&all_touched, NULL, THREADS) ||
	    pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, STACK_SIZE))
		return 1;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], &attr, worker, NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
