// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for stack-advise: THREADS threads all run shallow(), and every
 * DEEP_EVERY-th also deep(), whose frame holds a DEEP_BYTES array it writes
 * itself.  All threads are alive at once (a barrier) so that no thread
 * reuses another's cached stack.  usage: sa_deep [THREADS [DEEP_EVERY]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "frames.h"

static pthread_barrier_t all_alive;
static int deep_every = 4;

static void *worker(void *arg)
{
	unsigned int n = (unsigned int)(unsigned long)arg, r = shallow(n);

	if (n % deep_every == 0)
		r += deep(n);
	pthread_barrier_wait(&all_alive);
	return (void *)(unsigned long)r;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 16;
	pthread_t *t;

	if (argc > 2)
		deep_every = atoi(argv[2]);
	if (threads < 1 || threads > 4096 || deep_every < 1) {
		fprintf(stderr, "usage: sa_deep [THREADS (1-4096) [DEEP_EVERY (>= 1)]]\n");
		return 2;
	}
	t = calloc(threads, sizeof(*t));
	if (!t || pthread_barrier_init(&all_alive, NULL, threads))
		return 1;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(unsigned long)i)) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("sa_deep: %d threads, %d ran deep()\n", threads,
	       (threads + deep_every - 1) / deep_every);
	return 0;
}
