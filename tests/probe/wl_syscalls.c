// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the overhead benchmark: N getppid() system calls (default
 * 2,000,000), timed; prints "elapsed_ns N" on stderr.  No sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "elapsed_ns %lld\n",
		(t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec);
	return 0;
}
