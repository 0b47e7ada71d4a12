// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for stack-advise's thread classes: after a line on stdin, N
 * threads start in reader(), which goes deep (deep(), a 64 KiB frame),
 * and N in writer(), which stays shallow (shallow()); same name, same stack
 * size.  Once all ran, it prints "ready" and the threads wait, alive, until
 * stdin ends.  By start routine the readers are a class all of whose
 * threads go deep; by name, half of one class.  usage: sa_routines [N]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "frames.h"

static pthread_barrier_t all_ran;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done;

static void wait_done(void)
{
	pthread_barrier_wait(&all_ran);
	pthread_mutex_lock(&lock);
	while (!done)
		pthread_cond_wait(&done_cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void *reader(void *arg)
{
	unsigned int r = deep((unsigned int)(unsigned long)arg);

	wait_done();
	return (void *)(unsigned long)r;
}

static void *writer(void *arg)
{
	unsigned int r = shallow((unsigned int)(unsigned long)arg);

	wait_done();
	return (void *)(unsigned long)r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t *t;
	char line[64];

	if (n < 1 || n > 1024) {
		fprintf(stderr, "usage: sa_routines [N (1-1024)]\n");
		return 2;
	}
	t = calloc(2 * n, sizeof(*t));
	if (!t || pthread_barrier_init(&all_ran, NULL, 2 * n + 1))
		return 1;
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	for (int i = 0; i < 2 * n; i++)
		if (pthread_create(&t[i], NULL, i % 2 ? writer : reader, (void *)(unsigned long)i)) {
			perror("pthread_create");
			return 1;
		}
	pthread_barrier_wait(&all_ran);
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 2 * n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
