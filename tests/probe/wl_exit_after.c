// SPDX-License-Identifier: GPL-2.0
/*
 * Workload: sleep MS milliseconds, then exit with STATUS (default 3), to
 * end a measurement mid-run.  No sanitizers.
 */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 300;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	return argc > 2 ? atoi(argv[2]) : 3;
}
