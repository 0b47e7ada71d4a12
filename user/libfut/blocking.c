// SPDX-License-Identifier: GPL-2.0
/*
 * fut_spawn_blocking: a function run on a helper thread, its result
 * completing a future.  Helpers are a process-wide pool, started on
 * demand (at most HELPERS_MAX) and kept.  A job's state decides who frees
 * it: the helper sets DONE and wakes the task, which then takes the result
 * and frees the job; a cancelled task sets ABANDONED instead, and the
 * helper, finding it, drops the result and frees the job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "exec.h"
#include "fut_remote.h"

#define HELPERS_MAX 64

enum { JOB_RUNNING, JOB_DONE, JOB_ABANDONED };

struct fut_blocking_job {
	struct fut_blocking_job *next;
	fut_blocking_fn fn;
	fut_blocking_drop_fn drop;
	void *arg;
	intptr_t result;
	struct fut_remote_waker w;
	int state;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fut_blocking_job *head, *tail;
	unsigned int threads, idle;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0 };

static void job_run(struct fut_blocking_job *j)
{
	intptr_t r = j->fn(j->arg);
	/* Copied first: once DONE is seen, the task may free the job. */
	struct fut_remote_waker w = j->w;
	fut_blocking_drop_fn drop = j->drop;
	void *arg = j->arg;
	int expect = JOB_RUNNING;

	j->result = r;
	if (__atomic_compare_exchange_n(&j->state, &expect, JOB_DONE, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		fut_wake_remote(w);
	} else {
		/* Abandoned: the task is gone and the job is ours. */
		if (drop)
			drop(r, arg);
		free(j);
	}
	__atomic_fetch_sub(&w.ex->blocking_live, 1, __ATOMIC_RELEASE);
}

static void *helper_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		struct fut_blocking_job *j;

		while (!pool.head) {
			pool.idle++;
			pthread_cond_wait(&pool.cond, &pool.lock);
			pool.idle--;
		}
		j = pool.head;
		pool.head = j->next;
		if (!pool.head)
			pool.tail = NULL;
		pthread_mutex_unlock(&pool.lock);
		job_run(j);
		pthread_mutex_lock(&pool.lock);
	}
	return NULL;
}

/* Queue j; a helper is started when none is idle.  0 or -EAGAIN. */
static int job_submit(struct fut_blocking_job *j)
{
	int ret = 0;

	pthread_mutex_lock(&pool.lock);
	if (pool.idle <= (pool.head ? 1u : 0u) && pool.threads < HELPERS_MAX) {
		pthread_attr_t a;
		pthread_t t;

		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &a, helper_main, NULL) == 0)
			pool.threads++;
		else if (!pool.threads)
			ret = -EAGAIN;
		pthread_attr_destroy(&a);
	}
	if (!ret) {
		j->next = NULL;
		if (pool.tail)
			pool.tail->next = j;
		else
			pool.head = j;
		pool.tail = j;
		pthread_cond_signal(&pool.cond);
	}
	pthread_mutex_unlock(&pool.lock);
	return ret;
}

static intptr_t blocking_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_spawn_blocking *b = (struct fut_spawn_blocking *)h;
	struct fut_exec *ex = fut__tls_exec;
	struct fut_blocking_job *j = b->job;
	intptr_t r;
	int ret;

	if (!j) {
		j = calloc(1, sizeof(*j));
		if (!j)
			return -ENOMEM;
		j->fn = b->fn;
		j->drop = b->drop;
		j->arg = b->arg;
		j->w = fut_waker_remote(task);
		j->state = JOB_RUNNING;
		__atomic_fetch_add(&ex->blocking_live, 1, __ATOMIC_RELAXED);
		ret = job_submit(j);
		if (ret) {
			__atomic_fetch_sub(&ex->blocking_live, 1, __ATOMIC_RELAXED);
			free(j);
			return ret;
		}
		b->job = j;
		return FUT_PENDING;
	}
	if (__atomic_load_n(&j->state, __ATOMIC_ACQUIRE) != JOB_DONE)
		return FUT_PENDING; /* a wake for something else */
	r = j->result;
	free(j);
	b->job = NULL;
	return r;
}

/* Cancelled before the result was taken. */
static void blocking_drop(struct fut_hdr *h)
{
	struct fut_spawn_blocking *b = (struct fut_spawn_blocking *)h;
	struct fut_blocking_job *j = b->job;
	int expect = JOB_RUNNING;

	if (!j)
		return;
	b->job = NULL;
	if (__atomic_compare_exchange_n(&j->state, &expect, JOB_ABANDONED,
					false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return; /* the helper frees it */
	/* Done, not taken: the result is dropped here. */
	if (j->drop)
		j->drop(j->result, j->arg);
	free(j);
}

struct fut_type fut_spawn_blocking_type =
	FUT_TYPE_DESC(fut_spawn_blocking, blocking_poll, blocking_drop);

void fut_spawn_blocking_init(struct fut_spawn_blocking *b, fut_blocking_fn fn,
			     void *arg, fut_blocking_drop_fn drop)
{
	b->fn = fn;
	b->arg = arg;
	b->drop = drop;
}
