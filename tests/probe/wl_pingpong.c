// SPDX-License-Identifier: GPL-2.0
/*
 * Workload: two threads pass a byte back and forth over two pipes N times
 * (default 10000), both pinned to one CPU: each round trip blocks each
 * thread once, so the pair switches about 2N times.  Prints the time the
 * exchange took on stderr as "elapsed_ns N".
 *
 * Built without ASan/UBSan (mk/tests-probe.mk): their runtime threads and
 * shadow mappings would add switches and stacks the probe would count.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int ping[2], pong[2];
static long rounds = 10000;

static void pin_to_first_cpu(void)
{
	cpu_set_t allowed, one;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed)) {
			CPU_SET(cpu, &one);
			break;
		}
	sched_setaffinity(0, sizeof(one), &one);
}

static void *ponger(void *arg)
{
	char c;

	(void)arg;
	for (long i = 0; i < rounds; i++)
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			exit(1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t t;
	char c = 'x';

	if (argc > 1)
		rounds = atol(argv[1]);
	if (rounds <= 0 || pipe(ping) || pipe(pong)) {
		fprintf(stderr, "usage: wl_pingpong [ROUNDS > 0]\n");
		return 2;
	}
	/* Pinned before the thread starts: it inherits the mask. */
	pin_to_first_cpu();
	if (pthread_create(&t, NULL, ponger, NULL))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < rounds; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	fprintf(stderr, "elapsed_ns %lld\n",
		(t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec);
	return 0;
}
