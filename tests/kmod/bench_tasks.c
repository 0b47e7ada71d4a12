// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark (printed, never asserted): the time to read /proc/stacklab/tasks
 * whole, and summary, with 1k and 10k threads in the target.  Runs in the
 * test VM as root: make bench-kmod.
 *
 * Side by side, in the same run: the time to read /proc/PID/task/TID/stat
 * of every thread, the nearest per-thread view procfs has (context switches
 * but none of the stack figures), as a yardstick for the per-row cost.
 *
 * usage: bench_tasks [--reads N] [THREADS]...   (default: 1000 10000)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stacklab_test.h"

/* Small stacks, so that 10k threads fit in the test VM's memory. */
#define BENCH_STACK (64 << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read @path whole, in 64 KiB read()s: bytes, or -errno. */
static long read_all(const char *path)
{
	static char buf[64 << 10];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		total = -errno;
	close(fd);
	return total;
}

/* Read /proc/@pid/task/ * /stat, every thread's: threads read, or -errno. */
static long read_procfs_stats(pid_t pid)
{
	char path[300];
	struct dirent *d;
	long threads = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, d->d_name);
		if (read_all(path) > 0)
			threads++;
	}
	closedir(dir);
	return threads;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The median time of @reads reads of @path (NULL: the procfs stat files of
 * process @pid), in seconds; @size is what one read got.
 */
static double time_reads(const char *path, pid_t pid, int reads, long *size)
{
	double t[reads];

	for (int i = 0; i < reads; i++) {
		double t0 = now();

		*size = path ? read_all(path) : read_procfs_stats(pid);
		t[i] = now() - t0;
		if (*size < 0)
			return -1;
	}
	qsort(t, reads, sizeof(t[0]), cmp_double);
	return t[reads / 2];
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_tasks [--reads N] [THREADS]...\n"
		"Times reading /proc/stacklab/tasks and summary with THREADS threads\n"
		"(default: 1000 10000) in the target; prints, asserts nothing.\n"
		"Run as root in the test VM, from the build tree (make bench-kmod).\n");
}

int main(int argc, char **argv)
{
	int counts[16], ncounts = 0, reads = 5, loaded, i;
	double base = 0;

	for (i = 1; i < argc; i++) {
		char *end;
		long v;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--reads") && i + 1 < argc) {
			reads = strtol(argv[++i], &end, 10);
			if (*end || reads < 1 || reads > 1000) {
				fprintf(stderr, "bench_tasks: --reads needs 1..1000\n");
				return 2;
			}
			continue;
		}
		v = strtol(argv[i], &end, 10);
		if (*end || v < 1 || v > 30000 || ncounts == 16) {
			fprintf(stderr, "bench_tasks: '%s': THREADS must be 1..30000 (at most 16 counts)\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
		counts[ncounts++] = v;
	}
	if (!ncounts) {
		counts[ncounts++] = 1000;
		counts[ncounts++] = 10000;
	}

	loaded = sl_module_load();
	if (loaded < 0) {
		fprintf(stderr, "bench_tasks: loading stacklab.ko: %s\n",
			strerror(-loaded));
		return 1;
	}
	printf("%8s %10s %10s %11s %9s %11s %10s %12s\n", "threads",
	       "rows_bytes", "tasks_ms", "us_per_row", "vs_first",
	       "summary_ms", "procfs_ms", "tasks/procfs");
	for (i = 0; i < ncounts; i++) {
		struct sl_child c;
		double t_tasks, t_sum, t_procfs, start;
		long bytes, sbytes, nstat;
		int err;

		start = now();
		err = sl_child_start(&c, counts[i] - 1, BENCH_STACK, 2);
		if (err) {
			fprintf(stderr, "bench_tasks: starting %d threads: %s\n",
				counts[i], strerror(-err));
			break;
		}
		fprintf(stderr, "# %d threads started in %.1f s\n", counts[i],
			now() - start);
		if (sl_set_target(c.pid)) {
			fprintf(stderr, "bench_tasks: setting the target failed\n");
			sl_child_stop(&c);
			break;
		}
		t_tasks = time_reads(SL_TASKS, 0, reads, &bytes);
		t_sum = time_reads(SL_SUMMARY, 0, reads, &sbytes);
		t_procfs = time_reads(NULL, c.pid, reads, &nstat);
		if (t_tasks < 0 || t_sum < 0 || t_procfs < 0) {
			fprintf(stderr, "bench_tasks: a timed read failed\n");
			sl_child_stop(&c);
			break;
		}
		if (!i)
			base = t_tasks / counts[i];
		printf("%8d %10ld %10.2f %11.2f %9.2f %11.2f %10.2f %12.2f\n",
		       counts[i], bytes, t_tasks * 1e3, t_tasks * 1e6 / counts[i],
		       t_tasks / counts[i] / base, t_sum * 1e3, t_procfs * 1e3,
		       t_tasks / t_procfs);
		fflush(stdout);
		sl_set_target(0);
		sl_child_stop(&c);
	}
	printf("# median of %d reads; vs_first: time per row relative to the first\n"
	       "# count; procfs: /proc/PID/task/*/stat of every thread, same run\n",
	       reads);
	if (loaded == 1)
		sl_module_unload();
	return 0;
}
