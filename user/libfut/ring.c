// SPDX-License-Identifier: GPL-2.0
/* The reactor: one io_uring per executor.  Ring setup with fallbacks,
 * batched submission, completion dispatch, CQ overflow.  A CQE goes to
 * its op kind's completer, then to the op's task through
 * task_op_complete alone; a MSG_RING wake goes to remote_deliver.  Tasks
 * and remote wakes never call back in here. */
#include <errno.h>
#include <string.h>

#include "exec.h"
#include "bufring.h"
#include "remote.h"
#include "ring.h"
#include "task.h"

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
	if (t)
		task_op_complete(t, op);
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

static bool cq_overflowed(struct fut_exec *ex)
{
	return IO_URING_READ_ONCE(*ex->ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW;
}

bool ring_work_waiting(struct fut_exec *ex)
{
	return io_uring_cq_ready(&ex->ring) || cq_overflowed(ex) ||
	       (IO_URING_READ_ONCE(*ex->ring.sq.kflags) & IORING_SQ_TASKRUN);
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

/* A flood of remote wakes can fill the CQ and overflow it: reap them
 * before the ring's teardown counts its rounds of cancel and wait. */
void ring_drain(struct fut_exec *ex)
{
	for (int i = 0; ex->ring_ok && i < (1 << 16) &&
	     (io_uring_cq_ready(&ex->ring) || cq_overflowed(ex)); i++)
		ring_poll(ex, 0);
}
