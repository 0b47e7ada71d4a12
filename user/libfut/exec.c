// SPDX-License-Identifier: GPL-2.0
/* The executor: one per thread.  A FIFO run queue of tasks, the timer
 * heap and the ring, in one loop that only enters the kernel when it has
 * requests to submit or completions to wait for. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "exec.h"
#include "bufring.h"
#include "prof.h"
#include "remote.h"
#include "ring.h"
#include "slab.h"
#include "task.h"
#include "timer.h"

__thread struct fut_exec *fut__tls_exec;

#define RUN_BUDGET 1024 /* polls between two looks at the ring */

static void notify_arm(struct fut_exec *ex)
{
	struct io_uring_sqe *sqe = ring_sqe(ex);

	ex->notify_op.task = NULL;
	ex->notify_op.kind = OPK_NOTIFY;
	ex->notify_op.pending = 1;
	ex->cqes_pending++;
	io_uring_prep_read(sqe, ex->notify_fd, &ex->notify_val,
			   sizeof(ex->notify_val), 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)&ex->notify_op);
}

void notify_complete(struct fut_op *op, int res, uint32_t cflags, int tag)
{
	struct fut_exec *ex = fut__tls_exec;

	(void)op;
	(void)cflags;
	(void)tag;
	remote_drain(ex);
	if (res == -ECANCELED || __atomic_load_n(&ex->stop, __ATOMIC_RELAXED) > 1)
		return;
	prof_check_signal(ex);
	notify_arm(ex);
}

struct fut_exec *fut_exec_create(const struct fut_exec_opts *opts)
{
	struct fut_exec *ex = calloc(1, sizeof(*ex));
	unsigned int bcount = opts && opts->buf_count ? opts->buf_count : 64;
	unsigned int bsize = opts && opts->buf_size ? opts->buf_size : 4096;
	int ret;

	if (!ex)
		return NULL;
	ex->opt_flags = opts ? opts->flags : 0;
	/* Test hook: the first N boxed awaits find no memory (-ENOMEM). */
	if (getenv("FUT_TEST_FAIL_BOXES"))
		ex->fail_boxes = strtoull(getenv("FUT_TEST_FAIL_BOXES"), NULL, 10);
	ex->tab_free = UINT32_MAX;
	ex->notify_fd = -1;
	ex->slot = -1;
	pthread_mutex_init(&ex->remote_lock, NULL);
	slab_init(&ex->tasks);
	slab_init(&ex->boxes);
	timer_heap_init(&ex->timers);
	ret = ring_setup(ex, opts);
	if (ret) {
		pthread_mutex_destroy(&ex->remote_lock);
		free(ex);
		errno = -ret;
		return NULL;
	}
	remote_setup(ex);
	fut__tls_exec = ex;
	ex->bufs.bgid = -1;
	if (!(ex->opt_flags & FUT_EXEC_NO_BUFRING) &&
	    bufring_setup(ex, bcount, bsize) == 0)
		ex->features |= FUT_FEAT_BUFRING;
	ex->bufs.size = bsize; /* also the size of fallback buffers */
	/* Multishot accept (5.19) and recv (6.0) need a 6.0 kernel; the
	 * completions also downgrade at runtime on -EINVAL. */
	if (!(ex->opt_flags & FUT_EXEC_NO_MULTISHOT)) {
		ex->features |= FUT_FEAT_MULTISHOT_ACCEPT;
		if (ex->features & FUT_FEAT_BUFRING)
			ex->features |= FUT_FEAT_MULTISHOT_RECV;
	}
	ex->notify_fd = eventfd(0, EFD_CLOEXEC);
	/* errno names what failed: eventfd's, or EMFILE for 256 executors. */
	ret = ex->notify_fd < 0 ? errno : -registry_add(ex);
	if (ret) {
		fut_exec_destroy(ex);
		errno = ret;
		return NULL;
	}
	notify_arm(ex);
	return ex;
}

void fut_exec_destroy(struct fut_exec *ex)
{
	struct fut_task *t;

	if (!ex)
		return;
	fut__tls_exec = ex;
	/* Tasks still there are cancelled: their IO first, then their state. */
	for (uint32_t i = 0; i < ex->tab_cap; i++) {
		t = ex->tab[i].task;
		if (t && !(t->flags & TASK_DONE)) {
			t->flags |= TASK_DETACHED;
			fut_cancel((struct fut_handle){ i, ex->tab[i].gen });
		} else if (t) {
			fut_detach((struct fut_handle){ i, ex->tab[i].gen });
		}
	}
	__atomic_store_n(&ex->stop, 2, __ATOMIC_RELAXED);
	while (ex->rq_head || (ex->tasks_running && ex->cqes_pending)) {
		while ((t = ex->rq_head)) {
			ex->rq_head = t->next;
			if (!ex->rq_head)
				ex->rq_tail = NULL;
			task_step(ex, t);
		}
		if (ex->tasks_running && ex->cqes_pending)
			ring_poll(ex, 100 * 1000 * 1000);
	}
	remote_quiesce(ex);
	ring_drain(ex);
	remote_teardown(ex);
	prof_exec_retire(ex);
	ring_teardown(ex);
	if (ex->cqes_pending) {
		/* The kernel may still write into the buffer ring, a state or
		 * the executor (its eventfd read): keep them, do not free. */
		fprintf(stderr, "libfut: %llu completions still owed after 10 s of cancelling; their memory is kept, not freed\n",
			(unsigned long long)ex->cqes_pending);
		if (fut__tls_exec == ex)
			fut__tls_exec = NULL;
		return;
	}
	bufring_teardown(ex);
	if (ex->notify_fd >= 0)
		close(ex->notify_fd);
	slab_destroy(&ex->tasks);
	slab_destroy(&ex->boxes);
	free(ex->timers.v);
	free(ex->tab);
	if (fut__tls_exec == ex)
		fut__tls_exec = NULL;
	free(ex);
}

int fut_exec_run(struct fut_exec *ex)
{
	fut__tls_exec = ex;
	while (!__atomic_load_n(&ex->stop, __ATOMIC_RELAXED) &&
	       !(ex->ext_stop && __atomic_load_n(ex->ext_stop, __ATOMIC_ACQUIRE))) {
		unsigned int budget = RUN_BUDGET;
		struct fut_task *t;
		uint64_t next;
		int ret;

		while ((t = ex->rq_head) && budget--) {
			ex->rq_head = t->next;
			if (!ex->rq_head)
				ex->rq_tail = NULL;
			task_step(ex, t);
		}
		next = timer_run(ex);
		if (!ex->tasks_running)
			break;
		if (ex->rq_head) {
			/* Look at the ring only if there is something to submit,
			 * owed besides the eventfd read (always owed), or work
			 * waiting: a remote wake, the eventfd's read done. */
			if (ex->sqes_queued || ex->cqes_pending > 1 ||
			    ring_work_waiting(ex))
				ret = ring_poll(ex, 0);
			else
				ret = 0;
		} else {
			/* Going idle: give empty slab chunks back first. */
			slab_trim(&ex->tasks);
			slab_trim(&ex->boxes);
			ret = ring_poll(ex, next ? next : 1);
		}
		if (ret)
			return ret;
	}
	if (__atomic_load_n(&ex->stop, __ATOMIC_RELAXED) == 1)
		__atomic_store_n(&ex->stop, 0, __ATOMIC_RELAXED);
	return 0;
}

void fut_exec_stop(struct fut_exec *ex)
{
	uint64_t one = 1;
	ssize_t n;

	__atomic_store_n(&ex->stop, 1, __ATOMIC_RELAXED);
	n = write(ex->notify_fd, &one, sizeof(one));
	(void)n;
}

struct fut_exec *fut_exec_current(void)
{
	return fut__tls_exec;
}

unsigned int fut_exec_features(const struct fut_exec *ex)
{
	return ex->features;
}

void fut_exec_stats(const struct fut_exec *ex, struct fut_exec_stats *st)
{
	st->tasks_live = ex->tasks_live;
	st->tasks_running = ex->tasks_running;
	st->boxes_live = ex->boxes_live;
	st->cqes_pending = ex->cqes_pending;
	st->polls = ex->polls;
	st->cq_overflows = ex->cq_overflows;
	st->bufs_out = ex->bufs.out;
	st->slab_bytes = slab_bytes(&ex->tasks) + slab_bytes(&ex->boxes);
	st->remote_by_ring = ex->remote_by_ring;
	st->remote_by_queue = ex->remote_by_queue;
}
