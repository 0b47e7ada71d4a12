// SPDX-License-Identifier: GPL-2.0
/*
 * fut_bench: libfut futures and OS threads side by side, in one run.
 * Prints a table, then `key value` lines (see --help).  Figures are
 * measured, never asserted: the machine is shared and noisy.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/opts.h"
#include "fut.h"

static long ntasks = 1000000;
static long nrounds = 2000000;
static long nthreads_spawn = 2000;
static long nthreads_idle = 1000;

static uint64_t now(void)
{
	return fut_now_ns();
}

static long rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2) {
		fprintf(stderr, "fut_bench: cannot read /proc/self/statm\n");
		exit(1);
	}
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("fut_bench: sched_setaffinity (figures unpinned)");
}

static struct fut_exec *exec_or_die(void)
{
	struct fut_exec *ex = fut_exec_create(NULL);

	if (!ex) {
		fprintf(stderr, "fut_bench: cannot create an executor: %s\n",
			strerror(errno));
		exit(1);
	}
	return ex;
}

/* --- the minimal task: finishes at once, or parks forever ---------------- */
struct minimal {
	struct fut_hdr hdr;
	int park;
};

static intptr_t minimal_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct minimal *self = (void *)h;

	(void)task;
	return self->park ? FUT_PENDING : 0;
}
static struct fut_type minimal_type = FUT_TYPE_DESC_NOSLOTS(minimal, minimal_poll, NULL);

static void minimal_init(struct minimal *m, int park)
{
	m->park = park;
}

/* Stops the executor: spawned last, it runs after every other task. */
struct stopper {
	struct fut_hdr hdr;
};

static intptr_t stopper_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)h;
	(void)task;
	fut_exec_stop(fut_exec_current());
	return 0;
}
static struct fut_type stopper_type = FUT_TYPE_DESC_NOSLOTS(stopper, stopper_poll, NULL);

static void stopper_init(struct stopper *s)
{
	(void)s;
}

/* A sleeping task: awaits a one-hour timer. */
struct sleeper {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_SLOT(inline, struct fut_sleep, s);
};
static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task);
static const struct fut_slot sleeper_slots[] = {
	FUT_SLOT_DESC(struct sleeper, s, fut_sleep_type),
};
static struct fut_type sleeper_type = FUT_TYPE_DESC(sleeper, sleeper_poll, NULL, sleeper_slots);

static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct sleeper *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(inline, 0, s, self->r, fut_sleep_init, 3600ull * 1000000000);
	return 0;
	FUT_END;
}

static void sleeper_init(struct sleeper *s)
{
	(void)s;
}

/* Ping-pong: each wakes the other and waits for its turn. */
struct pinger {
	struct fut_hdr hdr;
	long *turn;		/* shared counter: whose turn, and how far */
	long rounds;
	int me;
	struct fut_waker *peer, *self_w;
};

static intptr_t pinger_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct pinger *self = (void *)h;

	*self->self_w = fut_waker(task);
	while (*self->turn < self->rounds) {
		if ((*self->turn & 1) != self->me)
			return FUT_PENDING;
		++*self->turn;
		fut_wake(*self->peer);
	}
	fut_wake(*self->peer);
	return 0;
}
static struct fut_type pinger_type = FUT_TYPE_DESC_NOSLOTS(pinger, pinger_poll, NULL);

static void pinger_init(struct pinger *p, long *turn, long rounds, int me,
			struct fut_waker *peer, struct fut_waker *self_w)
{
	p->turn = turn;
	p->rounds = rounds;
	p->me = me;
	p->peer = peer;
	p->self_w = self_w;
}

/* --- futures ----------------------------------------------------------------*/

static double bench_spawn(double *spawn_run_ns)
{
	struct fut_exec *ex = exec_or_die();
	uint64_t t0, t1, t2;

	/* Warm the slabs and the task table, as a running server has them. */
	for (long i = 0; i < ntasks; i++)
		FUT_SPAWN(ex, &minimal_type, true, minimal_init, 0);
	fut_exec_run(ex);
	t0 = now();
	for (long i = 0; i < ntasks; i++)
		FUT_SPAWN(ex, &minimal_type, true, minimal_init, 0);
	t1 = now();
	fut_exec_run(ex);
	t2 = now();
	fut_exec_destroy(ex);
	*spawn_run_ns = (double)(t2 - t0) / ntasks;
	return (double)(t1 - t0) / ntasks;
}

static double bench_wake_poll(void)
{
	struct fut_exec *ex = exec_or_die();
	struct fut_waker w[2];
	long turn = 0;
	uint64_t t0;

	FUT_SPAWN(ex, &pinger_type, true, pinger_init, &turn, nrounds, 0, &w[1], &w[0]);
	FUT_SPAWN(ex, &pinger_type, true, pinger_init, &turn, nrounds, 1, &w[0], &w[1]);
	t0 = now();
	fut_exec_run(ex);
	t0 = now() - t0;
	fut_exec_destroy(ex);
	/* One hand-off = one wake and one poll of the other task. */
	return (double)t0 / nrounds;
}

static double bench_idle_tasks(struct fut_type *type, int sleeping)
{
	struct fut_exec *ex = exec_or_die();
	long before, after;

	before = rss_bytes();
	for (long i = 0; i < ntasks; i++) {
		if (sleeping)
			FUT_SPAWN(ex, type, true, sleeper_init);
		else
			FUT_SPAWN(ex, type, true, minimal_init, 1);
	}
	FUT_SPAWN(ex, &stopper_type, true, stopper_init);
	fut_exec_run(ex);	/* every task polled once, now parked */
	after = rss_bytes();
	fut_exec_destroy(ex);
	return (double)(after - before) / ntasks;
}

/* --- threads -----------------------------------------------------------------*/

static void *nothing(void *p)
{
	return p;
}

static double bench_thread_spawn(void)
{
	uint64_t t0 = now();

	for (long i = 0; i < nthreads_spawn; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, nothing, NULL)) {
			perror("fut_bench: pthread_create");
			exit(1);
		}
		pthread_join(t, NULL);
	}
	return (double)(now() - t0) / nthreads_spawn;
}

static int pipe_ab[2], pipe_ba[2];

static void *pong(void *p)
{
	char c;

	(void)p;
	for (long i = 0; i < nrounds / 20; i++) {
		if (read(pipe_ab[0], &c, 1) != 1 || write(pipe_ba[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static double bench_thread_pingpong(void)
{
	long rounds = nrounds / 20; /* thread hand-offs are much slower */
	pthread_t t;
	uint64_t t0;
	char c = 'x';

	if (pipe(pipe_ab) || pipe(pipe_ba) || pthread_create(&t, NULL, pong, NULL)) {
		perror("fut_bench: pipe/pthread_create");
		exit(1);
	}
	t0 = now();
	for (long i = 0; i < rounds; i++)
		if (write(pipe_ab[1], &c, 1) != 1 || read(pipe_ba[0], &c, 1) != 1)
			break;
	t0 = now() - t0;
	pthread_join(t, NULL);
	close(pipe_ab[0]);
	close(pipe_ab[1]);
	close(pipe_ba[0]);
	close(pipe_ba[1]);
	/* A round trip is two hand-offs. */
	return (double)t0 / (2.0 * rounds);
}

static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static int idle_release, idle_started;

static void *idle_thread(void *p)
{
	pthread_mutex_lock(&idle_lock);
	idle_started++;
	pthread_cond_broadcast(&idle_cond);
	while (!idle_release)
		pthread_cond_wait(&idle_cond, &idle_lock);
	pthread_mutex_unlock(&idle_lock);
	return p;
}

/* User-space RSS per blocked thread (its kernel stack is not in RSS). */
static double bench_idle_threads(void)
{
	pthread_t *t = calloc(nthreads_idle, sizeof(*t));
	long before = rss_bytes(), after, n = 0;

	for (; t && n < nthreads_idle; n++)
		if (pthread_create(&t[n], NULL, idle_thread, NULL))
			break;
	pthread_mutex_lock(&idle_lock);
	while (idle_started < n)
		pthread_cond_wait(&idle_cond, &idle_lock);
	pthread_mutex_unlock(&idle_lock);
	after = rss_bytes();
	pthread_mutex_lock(&idle_lock);
	idle_release = 1;
	pthread_cond_broadcast(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return n ? (double)(after - before) / n : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: fut_bench [--tasks N] [--rounds N]\n"
"Benchmarks libfut futures against OS threads in one run, pinned to CPU 0.\n"
"Ends with key value lines:\n"
"  spawn_ns            spawn one minimal task (alloc, init, queue)\n"
"  spawn_run_ns        spawn, poll to completion and free one task\n"
"  thread_spawn_ns     pthread_create + pthread_join\n"
"  wake_poll_ns        one hand-off between two tasks: a wake and a poll\n"
"  thread_pingpong_ns  one hand-off between two threads over pipes\n"
"  bytes_per_idle_task RSS growth over N parked minimal tasks, per task\n"
"  tasks_1m_mib        RSS growth per million tasks sleeping on timers (MiB)\n"
"  bytes_per_idle_thread RSS growth per blocked thread (user side only)\n"
"  *_ratio             thread figure / future figure\n"
"  --tasks N   tasks for the memory and spawn figures (default 1000000)\n"
"  --rounds N  hand-offs for wake_poll_ns (default 2000000)\n"
"  -V, --version  the stacklab release\n"
"Example: fut_bench --tasks 100000   (make bench runs it with the defaults)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tasks", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	double spawn, spawn_run, tspawn, wake, tping, idle, sleep_b, tidle;
	int c;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 't':
		case 'r':
			errno = 0;
			long v = strtol(optarg, &end, 10);

			if (errno || *end || v < 100) {
				fprintf(stderr, "fut_bench: --%s wants an integer >= 100, got '%s'\n",
					c == 't' ? "tasks" : "rounds", optarg);
				return 2;
			}
			*(c == 't' ? &ntasks : &nrounds) = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			opts_print_version("fut_bench");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fut_bench: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	pin_cpu0();
	spawn = bench_spawn(&spawn_run);
	tspawn = bench_thread_spawn();
	wake = bench_wake_poll();
	tping = bench_thread_pingpong();
	idle = bench_idle_tasks(&minimal_type, 0);
	sleep_b = bench_idle_tasks(&sleeper_type, 1);
	tidle = bench_idle_threads();

	printf("%-28s %14s %14s %10s\n", "figure", "future", "thread", "ratio");
	printf("%-28s %14.1f %14.1f %10.1f\n", "spawn (ns)", spawn, tspawn, tspawn / spawn);
	printf("%-28s %14.1f %14.1f %10.1f\n", "hand-off (ns)", wake, tping, tping / wake);
	printf("%-28s %14.1f %14.1f %10.1f\n", "idle unit (bytes RSS)", idle, tidle, tidle / idle);
	printf("%-28s %14.1f\n", "sleeping task (bytes RSS)", sleep_b);
	printf("(%ld tasks, %ld hand-offs, %ld thread spawns, %ld idle threads; CPU 0)\n",
	       ntasks, nrounds, nthreads_spawn, nthreads_idle);
	printf("spawn_ns %.1f\n", spawn);
	printf("spawn_run_ns %.1f\n", spawn_run);
	printf("thread_spawn_ns %.1f\n", tspawn);
	printf("spawn_ratio %.1f\n", tspawn / spawn);
	printf("wake_poll_ns %.1f\n", wake);
	printf("thread_pingpong_ns %.1f\n", tping);
	printf("pingpong_ratio %.1f\n", tping / wake);
	printf("bytes_per_idle_task %.1f\n", idle);
	printf("bytes_per_idle_thread %.1f\n", tidle);
	printf("idle_ratio %.1f\n", tidle / idle);
	/* Per million tasks (measured over --tasks). */
	printf("tasks_1m_mib %.1f\n", sleep_b * 1000000.0 / 1048576.0);
	return 0;
}
