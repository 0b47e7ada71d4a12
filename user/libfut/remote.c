// SPDX-License-Identifier: GPL-2.0
/*
 * Remote wakes: a task woken from another thread.  The waker's thread
 * sends IORING_OP_MSG_RING from a small ring of its own to the executor's
 * ring, which then holds a CQE carrying the task's index (user_data, with
 * REMOTE_UD) and generation (res).  Without MSG_RING, a mutex-guarded
 * queue and a write to the executor's eventfd, drained by its read.
 * The queue also takes the wakes beyond REMOTE_INFLIGHT_MAX messages not
 * yet reaped: a flood of wakes must not fill the ring (each message is a
 * CQE, and work the kernel queues for the executor's thread), while the
 * queue coalesces them into one eventfd write.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "exec.h"
#include "fut_remote.h"
#include "remote.h"
#include "task.h"

#define REMOTE_INFLIGHT_MAX 128

/* The sending thread's ring, taken from a process-wide free list and put
 * back when the thread exits: a thread's first remote wake does not set up
 * a ring each time, and the mutex orders a ring's uses by two threads. */
struct send_ring {
	struct io_uring ring;
	struct send_ring *next;
};
static __thread struct send_ring *send_ring;
static __thread bool send_failed;
static struct send_ring *send_free;
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t send_key;
static pthread_once_t send_once = PTHREAD_ONCE_INIT;

static void send_ring_put(void *p)
{
	struct send_ring *r = p;

	pthread_mutex_lock(&send_lock);
	r->next = send_free;
	send_free = r;
	pthread_mutex_unlock(&send_lock);
}

static void send_key_init(void)
{
	pthread_key_create(&send_key, send_ring_put);
}

static struct io_uring *send_ring_get(void)
{
	struct send_ring *r;

	if (send_ring)
		return &send_ring->ring;
	if (send_failed)
		return NULL;
	pthread_once(&send_once, send_key_init);
	pthread_mutex_lock(&send_lock);
	r = send_free;
	if (r)
		send_free = r->next;
	pthread_mutex_unlock(&send_lock);
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r || io_uring_queue_init(8, &r->ring, 0)) {
			free(r);
			send_failed = true;
			return NULL;
		}
	}
	send_ring = r;
	pthread_setspecific(send_key, r);
	return &r->ring;
}

void remote_setup(struct fut_exec *ex)
{
	struct io_uring_probe *p;

	if (ex->opt_flags & FUT_EXEC_NO_MSG_RING)
		return;
	p = io_uring_get_probe_ring(&ex->ring);
	if (p && io_uring_opcode_supported(p, IORING_OP_MSG_RING))
		ex->features |= FUT_FEAT_MSG_RING;
	io_uring_free_probe(p);
}

/* Helpers still running would wake into freed memory. */
void remote_quiesce(struct fut_exec *ex)
{
	while (__atomic_load_n(&ex->blocking_live, __ATOMIC_ACQUIRE))
		usleep(1000);
}

/* After remote_quiesce and the ring's last reap (the eventfd's completion
 * drains the queue): nothing uses the queue any more. */
void remote_teardown(struct fut_exec *ex)
{
	pthread_mutex_destroy(&ex->remote_lock);
	free(ex->remote_q);
}

struct fut_remote_waker fut_waker_remote(struct fut_task *task)
{
	struct fut_waker w = fut_waker(task);

	return (struct fut_remote_waker){ fut__tls_exec, w.idx, w.gen };
}

/* The MSG_RING CQE of a remote wake, on the executor's thread. */
void remote_deliver(struct fut_exec *ex, uint32_t idx, uint32_t gen)
{
	__atomic_fetch_sub(&ex->remote_inflight, 1, __ATOMIC_RELAXED);
	ex->remote_by_ring++;
	fut_wake((struct fut_waker){ idx, gen });
}

/* The eventfd fired: wake what the queue holds. */
void remote_drain(struct fut_exec *ex)
{
	struct fut_waker *q;
	uint32_t n;

	if (!__atomic_load_n(&ex->remote_n, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&ex->remote_lock);
	q = ex->remote_q;
	n = ex->remote_n;
	ex->remote_q = NULL;
	ex->remote_n = ex->remote_cap = 0;
	pthread_mutex_unlock(&ex->remote_lock);
	ex->remote_by_queue += n;
	for (uint32_t i = 0; i < n; i++)
		fut_wake(q[i]);
	free(q);
}

static int send_msg_ring(struct fut_remote_waker w)
{
	struct io_uring *r = send_ring_get();
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	if (!r)
		return -ENOSYS;
	sqe = io_uring_get_sqe(r);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_msg_ring(sqe, w.ex->ring.ring_fd, w.gen,
			       REMOTE_UD | w.idx, 0);
	/* Success posts nothing here; a failure posts its CQE at once
	 * (MSG_RING completes inline). */
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data64(sqe, 0);
	ret = io_uring_submit(r);
	if (ret < 0)
		return ret;
	if (io_uring_peek_cqe(r, &cqe) == 0) {
		ret = cqe->res;
		io_uring_cqe_seen(r, cqe);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int send_eventfd(struct fut_remote_waker w)
{
	struct fut_exec *ex = w.ex;
	uint64_t one = 1;
	bool first;

	pthread_mutex_lock(&ex->remote_lock);
	if (ex->remote_n == ex->remote_cap) {
		uint32_t cap = ex->remote_cap ? 2 * ex->remote_cap : 16;
		struct fut_waker *q = realloc(ex->remote_q, cap * sizeof(*q));

		if (!q) {
			pthread_mutex_unlock(&ex->remote_lock);
			return -ENOMEM;
		}
		ex->remote_q = q;
		ex->remote_cap = cap;
	}
	first = ex->remote_n == 0;
	ex->remote_q[ex->remote_n] = (struct fut_waker){ w.idx, w.gen };
	__atomic_store_n(&ex->remote_n, ex->remote_n + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ex->remote_lock);
	/* One write per batch: the executor drains the whole queue. */
	if (first && write(ex->notify_fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

int fut_wake_remote(struct fut_remote_waker w)
{
	if (!w.ex)
		return -EINVAL;
	if (w.ex == fut__tls_exec) {
		fut_wake((struct fut_waker){ w.idx, w.gen });
		return 0;
	}
	if ((w.ex->features & FUT_FEAT_MSG_RING) &&
	    __atomic_fetch_add(&w.ex->remote_inflight, 1, __ATOMIC_RELAXED) <
		    REMOTE_INFLIGHT_MAX) {
		if (send_msg_ring(w) == 0)
			return 0;
		__atomic_fetch_sub(&w.ex->remote_inflight, 1, __ATOMIC_RELAXED);
	} else if (w.ex->features & FUT_FEAT_MSG_RING) {
		__atomic_fetch_sub(&w.ex->remote_inflight, 1, __ATOMIC_RELAXED);
	}
	return send_eventfd(w);
}
