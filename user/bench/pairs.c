// SPDX-License-Identifier: GPL-2.0
/*
 * The like-for-like pairs of fut_bench (see pairs.h): the same hand-off or
 * the same blocked unit, once as libfut tasks, once as OS threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fut.h"
#include "pairs.h"

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "fut_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

double run_fresh(double (*fn)(long), long arg, const char *name)
{
	int p[2], status;
	double v = 0;
	pid_t pid;

	fflush(NULL);
	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		v = fn(arg);
		if (write(p[1], &v, sizeof(v)) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &v, sizeof(v)) != sizeof(v) || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fut_bench: the %s benchmark failed in its process\n", name);
		exit(1);
	}
	close(p[0]);
	return v;
}

/* Bytes of a "Key:  N kB" line of a /proc file. */
static long proc_kb(const char *file, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		die(file);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	if (kb < 0) {
		fprintf(stderr, "fut_bench: no %s in %s\n", key, file);
		exit(1);
	}
	return kb * 1024;
}

static struct fut_exec *exec_new(void)
{
	struct fut_exec *ex = fut_exec_create(NULL);

	if (!ex)
		die("fut_exec_create");
	return ex;
}

/* --- hand-off through a waker-storing primitive -------------------------- */

#define NOTIFIER_BRANCHES(B, U) B(inline, fut_notify_wait, w)
struct notifier {
	struct fut_hdr hdr;
	struct fut_notify *mine, *peer;
	long rounds, i;
	intptr_t r;
	FUT_BRANCHES(NOTIFIER_BRANCHES);
};
static intptr_t notifier_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type notifier_type =
	FUT_TYPE_DESC(notifier, notifier_poll, NULL, NOTIFIER_BRANCHES);

static intptr_t notifier_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct notifier *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < self->rounds; self->i++) {
		FUT_AWAIT(w, self->r, fut_notify_wait_init, self->mine);
		fut_notify_set(self->peer);
	}
	return 0;
	FUT_END;
}

static void notifier_init(struct notifier *n, struct fut_notify *mine,
			  struct fut_notify *peer, long rounds)
{
	n->mine = mine;
	n->peer = peer;
	n->rounds = rounds;
}

double bench_fut_notify(long rounds)
{
	struct fut_exec *ex = exec_new();
	struct fut_notify a, b;
	uint64_t t0;

	fut_notify_init(&a);
	fut_notify_init(&b);
	FUT_SPAWN(ex, &notifier_type, true, notifier_init, &a, &b, rounds);
	FUT_SPAWN(ex, &notifier_type, true, notifier_init, &b, &a, rounds);
	fut_notify_set(&a);
	t0 = fut_now_ns();
	fut_exec_run(ex);
	t0 = fut_now_ns() - t0;
	fut_exec_destroy(ex);
	/* Each task waits `rounds` times: 2 * rounds hand-offs. */
	return (double)t0 / (2.0 * rounds);
}

/* The thread side: a turn word, each thread waiting on it with FUTEX_WAIT
 * until it is its turn, then passing it with FUTEX_WAKE. */
static int turn_word;
static long futex_rounds;

static void futex_pass(int me)
{
	for (long i = 0; i < futex_rounds; i++) {
		while (__atomic_load_n(&turn_word, __ATOMIC_ACQUIRE) != me)
			syscall(SYS_futex, &turn_word, FUTEX_WAIT_PRIVATE, !me, NULL, NULL, 0);
		__atomic_store_n(&turn_word, !me, __ATOMIC_RELEASE);
		syscall(SYS_futex, &turn_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void *futex_peer(void *p)
{
	(void)p;
	futex_pass(1);
	return NULL;
}

double bench_thread_futex(long rounds)
{
	pthread_t t;
	uint64_t t0;

	futex_rounds = rounds;
	turn_word = 0;
	t0 = fut_now_ns();
	if (pthread_create(&t, NULL, futex_peer, NULL))
		die("pthread_create");
	futex_pass(0);
	pthread_join(t, NULL);
	t0 = fut_now_ns() - t0;
	return (double)t0 / (2.0 * rounds);
}

/* --- hand-off between two executors' threads by remote wakes ------------- */

/* Two executors, a task on each: the task whose turn it is passes it and
 * wakes the other with fut_wake_remote.  The same work as the futex pair:
 * one wake from another thread to a waiting task, and a switch to it. */
struct remoter {
	struct fut_hdr hdr;
	int me;
	int *turn, *ready;
	struct fut_remote_waker *w;	/* both tasks' */
	long rounds, i;
};

static intptr_t remoter_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct remoter *self = (void *)h;

	FUT_BEGIN;
	self->w[self->me] = fut_waker_remote(task);
	__atomic_store_n(&self->ready[self->me], 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&self->ready[!self->me], __ATOMIC_ACQUIRE))
		sched_yield();
	for (self->i = 0; self->i < self->rounds; self->i++) {
		FUT_WAIT_UNTIL(__atomic_load_n(self->turn, __ATOMIC_ACQUIRE) == self->me);
		__atomic_store_n(self->turn, !self->me, __ATOMIC_RELEASE);
		if (fut_wake_remote(self->w[!self->me]))
			die("fut_wake_remote");
	}
	return 0;
	FUT_END;
}
static struct fut_type remoter_type = FUT_TYPE_DESC(remoter, remoter_poll, NULL);

static void remoter_init(struct remoter *r, int me, int *turn, int *ready,
			 struct fut_remote_waker *w, long rounds)
{
	r->me = me;
	r->turn = turn;
	r->ready = ready;
	r->w = w;
	r->rounds = rounds;
}

static int remote_turn, remote_ready[2];
static struct fut_remote_waker remote_w[2];
static long remote_rounds;

static void *remote_peer(void *p)
{
	struct fut_exec *ex = exec_new();

	(void)p;
	FUT_SPAWN(ex, &remoter_type, true, remoter_init, 1, &remote_turn,
		  remote_ready, remote_w, remote_rounds);
	fut_exec_run(ex);
	fut_exec_destroy(ex);
	return NULL;
}

double bench_fut_remote_wake(long rounds)
{
	struct fut_exec *ex = exec_new();
	pthread_t t;
	uint64_t t0;

	if (!(fut_exec_features(ex) & FUT_FEAT_MSG_RING))
		fprintf(stderr, "fut_bench: no IORING_OP_MSG_RING here: remote wakes go through the eventfd\n");
	remote_rounds = rounds;
	FUT_SPAWN(ex, &remoter_type, true, remoter_init, 0, &remote_turn,
		  remote_ready, remote_w, rounds);
	t0 = fut_now_ns();
	if (pthread_create(&t, NULL, remote_peer, NULL))
		die("pthread_create");
	fut_exec_run(ex);
	pthread_join(t, NULL);
	t0 = fut_now_ns() - t0;
	fut_exec_destroy(ex);
	/* Each task waits `rounds` times: 2 * rounds hand-offs. */
	return (double)t0 / (2.0 * rounds);
}

/* --- ping-pong over pipes through io_uring --------------------------------- */

#define PIPER_BRANCHES(B, U) B(inline, fut_io, io)
struct piper {
	struct fut_hdr hdr;
	int rfd, wfd;
	long rounds, i;
	int starts;
	char c;
	intptr_t r;
	FUT_BRANCHES(PIPER_BRANCHES);
};
static intptr_t piper_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type piper_type = FUT_TYPE_DESC(piper, piper_poll, NULL, PIPER_BRANCHES);

static intptr_t piper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct piper *self = (void *)h;

	FUT_BEGIN;
	for (self->i = 0; self->i < self->rounds; self->i++) {
		if (!self->starts) {
			FUT_AWAIT(io, self->r, fut_read_init, self->rfd, &self->c, 1, 0, 0);
			if (self->r != 1)
				return -1;
		}
		FUT_AWAIT(io, self->r, fut_write_init, self->wfd, &self->c, 1, 0, 0);
		if (self->r != 1)
			return -1;
		if (self->starts) {
			FUT_AWAIT(io, self->r, fut_read_init, self->rfd, &self->c, 1, 0, 0);
			if (self->r != 1)
				return -1;
		}
	}
	return 0;
	FUT_END;
}

static void piper_init(struct piper *p, int rfd, int wfd, long rounds, int starts)
{
	p->rfd = rfd;
	p->wfd = wfd;
	p->rounds = rounds;
	p->starts = starts;
	p->c = 'x';
}

double bench_fut_pipe_pingpong(long rounds)
{
	struct fut_exec *ex = exec_new();
	int ab[2], ba[2];
	uint64_t t0;

	if (pipe(ab) || pipe(ba))
		die("pipe");
	FUT_SPAWN(ex, &piper_type, true, piper_init, ba[0], ab[1], rounds, 1);
	FUT_SPAWN(ex, &piper_type, true, piper_init, ab[0], ba[1], rounds, 0);
	t0 = fut_now_ns();
	fut_exec_run(ex);
	t0 = fut_now_ns() - t0;
	fut_exec_destroy(ex);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	/* A round trip is two hand-offs, as on the thread side. */
	return (double)t0 / (2.0 * rounds);
}

/* --- a blocked unit ---------------------------------------------------------- */

#define BLOCKED_BRANCHES(B, U) B(inline, fut_notify_wait, w)
struct blocked {
	struct fut_hdr hdr;
	struct fut_notify n;	/* never set */
	intptr_t r;
	FUT_BRANCHES(BLOCKED_BRANCHES);
};
static intptr_t blocked_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type blocked_type = FUT_TYPE_DESC(blocked, blocked_poll, NULL, BLOCKED_BRANCHES);

static intptr_t blocked_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct blocked *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(w, self->r, fut_notify_wait_init, &self->n);
	return 0;
	FUT_END;
}

static void blocked_init(struct blocked *b)
{
	fut_notify_init(&b->n);
}

struct stop_all {
	struct fut_hdr hdr;
};
static intptr_t stop_all_poll(struct fut_hdr *h, struct fut_task *task)
{
	(void)h;
	(void)task;
	fut_exec_stop(fut_exec_current());
	return 0;
}
static struct fut_type stop_all_type = FUT_TYPE_DESC(stop_all, stop_all_poll, NULL);
static void stop_all_init(struct stop_all *s)
{
	(void)s;
}

double bench_blocked_tasks(long ntasks)
{
	struct fut_exec *ex = exec_new();
	long before, after;

	before = proc_kb("/proc/self/status", "VmRSS") + proc_kb("/proc/self/status", "VmPTE");
	for (long i = 0; i < ntasks; i++)
		FUT_SPAWN(ex, &blocked_type, true, blocked_init);
	FUT_SPAWN(ex, &stop_all_type, true, stop_all_init);
	fut_exec_run(ex);	/* each polled once, now waiting on its event */
	after = proc_kb("/proc/self/status", "VmRSS") + proc_kb("/proc/self/status", "VmPTE");
	/* No destroy: the process ends here, and the tasks never finish. */
	return (double)(after - before) / ntasks;
}

static int release_word;

static void *blocked_thread(void *p)
{
	__atomic_add_fetch((int *)p, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&release_word, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &release_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static long thread_cost_now(void)
{
	return proc_kb("/proc/self/status", "VmRSS") + proc_kb("/proc/self/status", "VmPTE") +
	       proc_kb("/proc/meminfo", "KernelStack");
}

double bench_idle_threads(long nthreads)
{
	pthread_t *t = calloc(nthreads, sizeof(*t));
	int started = 0;
	long before, after, n = 0;

	if (!t)
		die("calloc");
	before = thread_cost_now();
	for (; n < nthreads; n++)
		if (pthread_create(&t[n], NULL, blocked_thread, &started))
			break;
	while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) < n)
		usleep(1000);
	usleep(20000);	/* all of them inside FUTEX_WAIT */
	after = thread_cost_now();
	__atomic_store_n(&release_word, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &release_word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return n ? (double)(after - before) / n : 0;
}
