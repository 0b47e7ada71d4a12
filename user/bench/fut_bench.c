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
#include "pairs.h"

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
static struct fut_type minimal_type = FUT_TYPE_DESC(minimal, minimal_poll, NULL);

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
static struct fut_type stopper_type = FUT_TYPE_DESC(stopper, stopper_poll, NULL);

static void stopper_init(struct stopper *s)
{
	(void)s;
}

/* A sleeping task: awaits a one-hour timer. */
#define SLEEPER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct sleeper {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(SLEEPER_BRANCHES);
};
static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type sleeper_type = FUT_TYPE_DESC(sleeper, sleeper_poll, NULL, SLEEPER_BRANCHES);

static intptr_t sleeper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct sleeper *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, 3600ull * 1000000000);
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
static struct fut_type pinger_type = FUT_TYPE_DESC(pinger, pinger_poll, NULL);

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

/* --- each benchmark in its own process ------------------------------------ */

static double spawn_only(long n)
{
	double run;

	(void)n;
	return bench_spawn(&run);
}

static double spawn_run(long n)
{
	double run;

	(void)n;
	bench_spawn(&run);
	return run;
}

static double wake_poll(long n)
{
	(void)n;
	return bench_wake_poll();
}

static double thread_spawn(long n)
{
	(void)n;
	return bench_thread_spawn();
}

static double thread_pingpong(long n)
{
	(void)n;
	return bench_thread_pingpong();
}

static double idle_minimal(long n)
{
	(void)n;
	return bench_idle_tasks(&minimal_type, 0);
}

static double idle_sleeping(long n)
{
	(void)n;
	return bench_idle_tasks(&sleeper_type, 1);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: fut_bench [--tasks N] [--rounds N]\n"
"Benchmarks libfut futures against OS threads in one run, pinned to CPU 0.\n"
"Every benchmark runs in a fresh process.  Ends with key value lines:\n"
"  spawn_ns            spawn one minimal task (alloc, init, queue)\n"
"  spawn_run_ns        spawn, poll to completion and free one task\n"
"  thread_spawn_ns     pthread_create + run + pthread_join (pairs spawn_run_ns)\n"
"  wake_poll_ns        one hand-off between two tasks: a bare wake and a poll\n"
"  fut_notify_ns       one hand-off between two tasks through fut_notify\n"
"  thread_futex_ns     one hand-off between two threads through a futex\n"
"  fut_remote_wake_ns  one hand-off between tasks of two executors' threads,\n"
"                      a fut_wake_remote each (pairs thread_futex_ns)\n"
"  fut_pipe_pingpong_ns one hand-off between two tasks over pipes, io_uring\n"
"  thread_pingpong_ns  one hand-off between two threads over the same pipes\n"
"  bytes_per_idle_task RSS growth over N parked minimal tasks, per task\n"
"  bytes_per_blocked_task RSS + page tables per task waiting on fut_notify\n"
"  bytes_per_idle_thread RSS + page tables + kernel stack per thread\n"
"                      blocked on a futex (pairs bytes_per_blocked_task)\n"
"  tasks_1m_mib        RSS growth per million tasks sleeping on timers (MiB)\n"
"  spawn_ratio, notify_ratio, remote_wake_ratio, pingpong_ratio, blocked_ratio\n"
"                      thread figure / future figure, each pair the same work\n"
"  switch_ratio        thread_pingpong_ns / wake_poll_ns (unlike work: kept\n"
"                      for old scripts, once printed as pingpong_ratio)\n"
"  --tasks N   tasks for the memory and spawn figures (default 1000000)\n"
"  --rounds N  hand-offs for wake_poll_ns and fut_notify_ns (default 2000000;\n"
"              the thread, remote and io_uring hand-offs take a twentieth)\n"
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
	double spawn, spawn_run_ns, tspawn, wake, notify, tfutex, rwake, fpipe, tping;
	double idle, blocked, sleep_b, tidle;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
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
			return opts_bad_option("fut_bench", c, argv);
		}
	}
	if (optind < argc)
		return opts_stray_argument("fut_bench", argv[optind]);
	pin_cpu0();
	spawn = run_fresh(spawn_only, 0, "spawn");
	spawn_run_ns = run_fresh(spawn_run, 0, "spawn and run");
	tspawn = run_fresh(thread_spawn, 0, "thread spawn");
	wake = run_fresh(wake_poll, 0, "wake and poll");
	notify = run_fresh(bench_fut_notify, nrounds, "fut_notify hand-off");
	tfutex = run_fresh(bench_thread_futex, nrounds / 20, "futex hand-off");
	rwake = run_fresh(bench_fut_remote_wake, nrounds / 20, "remote wake hand-off");
	fpipe = run_fresh(bench_fut_pipe_pingpong, nrounds / 20, "io_uring pipe ping-pong");
	tping = run_fresh(thread_pingpong, 0, "thread pipe ping-pong");
	idle = run_fresh(idle_minimal, 0, "idle tasks");
	blocked = run_fresh(bench_blocked_tasks, ntasks, "blocked tasks");
	sleep_b = run_fresh(idle_sleeping, 0, "sleeping tasks");
	tidle = run_fresh(bench_idle_threads, nthreads_idle, "blocked threads");

	printf("%-34s %14s %14s %10s\n", "same work", "future", "thread", "ratio");
	printf("%-34s %14.1f %14.1f %10.1f\n", "spawn, run, free (ns)", spawn_run_ns, tspawn, tspawn / spawn_run_ns);
	printf("%-34s %14.1f %14.1f %10.1f\n", "hand-off via a waker store (ns)", notify, tfutex, tfutex / notify);
	printf("%-34s %14.1f %14.1f %10.1f\n", "hand-off from another thread (ns)", rwake, tfutex, tfutex / rwake);
	printf("%-34s %14.1f %14.1f %10.1f\n", "hand-off over pipes (ns)", fpipe, tping, tping / fpipe);
	printf("%-34s %14.1f %14.1f %10.1f\n", "blocked unit (bytes)", blocked, tidle, tidle / blocked);
	printf("%-34s %14.1f\n", "spawn only (ns)", spawn);
	printf("%-34s %14.1f\n", "bare wake + poll (ns)", wake);
	printf("%-34s %14.1f\n", "parked minimal task (bytes RSS)", idle);
	printf("%-34s %14.1f\n", "sleeping task (bytes RSS)", sleep_b);
	printf("(%ld tasks, %ld hand-offs, %ld thread spawns, %ld blocked threads; CPU 0; each in a fresh process)\n",
	       ntasks, nrounds, nthreads_spawn, nthreads_idle);
	printf("spawn_ns %.1f\n", spawn);
	printf("spawn_run_ns %.1f\n", spawn_run_ns);
	printf("thread_spawn_ns %.1f\n", tspawn);
	printf("spawn_ratio %.1f\n", tspawn / spawn_run_ns);
	printf("wake_poll_ns %.1f\n", wake);
	printf("fut_notify_ns %.1f\n", notify);
	printf("thread_futex_ns %.1f\n", tfutex);
	printf("notify_ratio %.1f\n", tfutex / notify);
	printf("fut_remote_wake_ns %.1f\n", rwake);
	printf("remote_wake_ratio %.1f\n", tfutex / rwake);
	printf("fut_pipe_pingpong_ns %.1f\n", fpipe);
	printf("thread_pingpong_ns %.1f\n", tping);
	printf("pingpong_ratio %.1f\n", tping / fpipe);
	printf("switch_ratio %.1f\n", tping / wake);
	printf("bytes_per_idle_task %.1f\n", idle);
	printf("bytes_per_blocked_task %.1f\n", blocked);
	printf("bytes_per_idle_thread %.1f\n", tidle);
	printf("blocked_ratio %.1f\n", tidle / blocked);
	printf("idle_ratio %.1f\n", tidle / idle);
	/* Per million tasks (measured over --tasks, in a fresh process). */
	printf("tasks_1m_mib %.1f\n", sleep_b * 1000000.0 / 1048576.0);
	return 0;
}
