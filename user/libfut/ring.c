// SPDX-License-Identifier: GPL-2.0
/* The reactor: one io_uring per executor.  Ring setup with fallbacks,
 * batched submission, completion dispatch, CQ overflow. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int ring_setup(struct fut_exec *ex, const struct fut_exec_opts *o)
{
	/* TASKRUN_FLAG: the kernel says in the SQ flags when work for us
	 * waits (ring_work_waiting). */
	static const unsigned int tries[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			IORING_SETUP_TASKRUN_FLAG,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		0,
	};
	unsigned int entries = o && o->sq_entries ? o->sq_entries : 256;
	unsigned int first = o && (o->flags & FUT_EXEC_NO_DEFER_TASKRUN) ? 2 : 0;
	int ret = -EINVAL;

	for (unsigned int i = first; i < 3; i++) {
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		/* A CQ larger than the SQ: multishot posts many CQEs per SQE. */
		p.flags = tries[i] | IORING_SETUP_CQSIZE;
		p.cq_entries = entries * 4;
		ret = io_uring_queue_init_params(entries, &ex->ring, &p);
		if (ret == -EINVAL)
			continue;
		if (ret)
			return ret;
		if (i == 0)
			ex->features |= FUT_FEAT_DEFER_TASKRUN;
		else if (i == 1)
			ex->features |= FUT_FEAT_COOP_TASKRUN;
		ex->ring_ok = 1;
		return 0;
	}
	return ret;
}

/* Owed completions are cancelled and reaped first: the kernel must not
 * write into memory we free. */
void ring_teardown(struct fut_exec *ex)
{
	int spins = 0;

	if (!ex->ring_ok)
		return;
	while (ex->cqes_pending && spins++ < 1000) {
		struct io_uring_sqe *sqe = ring_sqe(ex);

		io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
		io_uring_sqe_set_data64(sqe, 0);
		ring_poll(ex, 10 * 1000 * 1000);
	}
	io_uring_queue_exit(&ex->ring);
	ex->ring_ok = 0;
}

/* Make room in the SQ: submit what is queued; when the kernel takes
 * nothing (a full CQ: -EBUSY), reap completions and wait a little. */
static void sq_make_room(struct fut_exec *ex)
{
	if (io_uring_submit(&ex->ring) <= 0)
		ring_poll(ex, 1000 * 1000);
}

struct io_uring_sqe *ring_sqe(struct fut_exec *ex)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ex->ring);

	while (!sqe) {
		sq_make_room(ex);
		sqe = io_uring_get_sqe(&ex->ring);
	}
	ex->sqes_queued++;
	return sqe;
}

void ring_reserve(struct fut_exec *ex, unsigned int n)
{
	/* Linked SQEs must go in one submission: a submit between them
	 * would cut the link. */
	while (io_uring_sq_space_left(&ex->ring) < n)
		sq_make_room(ex);
}

static struct fut_op *op_within(struct fut_task *t, const char *lo,
				size_t len)
{
	for (struct fut_op *op = t->ops; op; op = op->next)
		if ((const char *)op >= lo && (const char *)op < lo + len)
			return op;
	return NULL;
}

void ring_settle(struct fut_exec *ex, struct fut_task *t, const void *lo,
		 size_t len)
{
	struct fut_op *op;

	if (!op_within(t, lo, len))
		return;
	for (op = t->ops; op; op = op->next)
		if ((const char *)op >= (const char *)lo &&
		    (const char *)op < (const char *)lo + len)
			op_cancel(ex, op);
	/* Cancelled requests complete soon; the executor waits for them
	 * here rather than let the kernel's last CQE point into reused
	 * memory. */
	while (op_within(t, lo, len))
		ring_poll(ex, 1000 * 1000);
}

void op_arm(struct fut_task *t, struct fut_op *op, unsigned int kind,
	    unsigned int ncqe)
{
	op->task = t;
	op->kind = kind;
	op->pending = ncqe;
	op->res = 0;
	op->cflags = 0;
	op->next = t->ops;
	t->ops = op;
	t->inflight += ncqe;
	fut__tls_exec->cqes_pending += ncqe;
}

void op_cancel(struct fut_exec *ex, struct fut_op *op)
{
	struct io_uring_sqe *sqe = ring_sqe(ex);

	io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)op, 0);
	io_uring_sqe_set_data64(sqe, 0);
}

typedef void (*complete_fn)(struct fut_op *, int, uint32_t, int);
static const complete_fn completers[OPK_NR] = {
	[OPK_IO] = io_complete,
	[OPK_ACCEPT] = accept_complete,
	[OPK_RECV] = recv_complete,
	[OPK_NOTIFY] = notify_complete,
};

static void dispatch(struct fut_exec *ex, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	struct fut_op *op = (struct fut_op *)(uintptr_t)(ud & ~(uint64_t)7);
	struct fut_task *t;
	int last;

	if (ud & REMOTE_UD) {
		remote_deliver(ex, (uint32_t)ud, (uint32_t)cqe->res);
		return;
	}
	if (!op)
		return; /* a cancel request's own completion */
	last = !(cqe->flags & IORING_CQE_F_MORE);
	t = op->task;
	completers[op->kind](op, cqe->res, cqe->flags, ud & 7);
	if (!last)
		return;
	ex->cqes_pending--;
	if (!t)
		return;
	if (--op->pending == 0)
		task_op_done(t, op);
	t->inflight--;
	if ((t->flags & (TASK_CANCELLING | TASK_FINISHING)) && !t->inflight)
		task_wake(t);
}

static unsigned int reap(struct fut_exec *ex)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&ex->ring, head, cqe) {
		dispatch(ex, cqe);
		n++;
	}
	io_uring_cq_advance(&ex->ring, n);
	return n;
}

bool ring_work_waiting(struct fut_exec *ex)
{
	return io_uring_cq_ready(&ex->ring) ||
	       (IO_URING_READ_ONCE(*ex->ring.sq.kflags) &
		(IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW));
}

static int cq_overflowed(struct fut_exec *ex)
{
	return IO_URING_READ_ONCE(*ex->ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW;
}

int ring_poll(struct fut_exec *ex, uint64_t wait_ns)
{
	int ret;

	if (wait_ns) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = {
			.tv_sec = wait_ns / 1000000000u,
			.tv_nsec = wait_ns % 1000000000u,
		};

		ret = io_uring_submit_and_wait_timeout(&ex->ring, &cqe, 1,
				wait_ns == UINT64_MAX ? NULL : &ts, NULL);
	} else {
		ret = io_uring_submit_and_get_events(&ex->ring);
	}
	ex->sqes_queued = 0;
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EBUSY &&
	    ret != -EAGAIN)
		return ret;
	reap(ex);
	/* Completions the kernel kept aside when the CQ ring was full. */
	while (cq_overflowed(ex)) {
		ex->cq_overflows++;
		io_uring_get_events(&ex->ring);
		if (!reap(ex))
			break;
	}
	bufring_kick(ex);
	return 0;
}
