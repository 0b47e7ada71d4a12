// SPDX-License-Identifier: GPL-2.0
/* Receiver: multishot recv into the provided-buffer ring, or single-shot
 * recv (into the ring, or into its own buffer) where the kernel or the
 * options say so.  Completions queue up until the task takes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "bufring.h"
#include "ring.h"
#include "slab.h"
#include "task.h"
#include "timer.h"

enum { RM_MULTISHOT, RM_SINGLE_RING, RM_SINGLE_OWN };
enum { R_IDLE, R_ARMED };
#define R_RELEASED 0x80
#define R_THROTTLED 0x40	/* multishot cancelled: the queue is full */
#define R_STATE(r) ((r)->op.state & 0x3f)

/* Ring buffers one receiver's queue may hold: an eighth of the ring, so
 * that a receiver whose task does not read cannot take every buffer and
 * starve the others (or its own second receiver). */
static uint32_t queue_bufs_max(const struct fut_exec *ex)
{
	return ex->bufs.count >= 16 ? ex->bufs.count / 8 : 1;
}

void fut_recver_init(struct fut_recver *r, int fd)
{
	struct fut_exec *ex = fut__tls_exec;

	/* Everything cleared (eof too): a receiver may be used again. */
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if (!(ex->features & FUT_FEAT_BUFRING))
		r->mode = RM_SINGLE_OWN;
	else if (ex->features & FUT_FEAT_MULTISHOT_RECV)
		r->mode = RM_MULTISHOT;
	else
		r->mode = RM_SINGLE_RING;
}

/*
 * The queue comes from the executor's slab, not malloc: it is made on a
 * completion that finds its receiver busy and given back once the
 * receiver waits with nothing queued, so a busy connection makes and
 * frees one most requests.
 */
static void q_free(struct fut_exec *ex, struct fut_recver *r)
{
	if (r->q)
		slab_free(&ex->boxes, r->q, r->qcls);
	r->q = NULL;
	r->qcap = 0;
	r->qhead = 0;
}

/*
 * Without a queue (q NULL), one completion without a copy is kept in the
 * receiver's own op.res and op.cflags, which a receiver's op does not use
 * otherwise (op_arm clears them, and a receiver is armed only with nothing
 * queued): one completion at a time, the usual case, takes no queue.
 */
static struct fut_recv_ent q_pop(struct fut_recver *r)
{
	struct fut_recv_ent e;

	if (!r->q) {
		e = (struct fut_recv_ent){ r->op.res, r->op.cflags, NULL };
	} else {
		e = r->q[r->qhead];
		r->qhead = (r->qhead + 1) % r->qcap;
	}
	r->qlen--;
	return e;
}

static void q_push(struct fut_exec *ex, struct fut_recver *r, int res,
		   uint32_t cflags, char *copy)
{
	if (!r->q && !r->qlen && !copy) {
		r->op.res = res;
		r->op.cflags = cflags;
		r->qlen = 1;
		return;
	}
	if (!r->q || r->qlen == r->qcap) {
		uint32_t cap = r->qcap ? r->qcap * 2 : 4;
		uint8_t cls;
		struct fut_recv_ent *q = slab_alloc(&ex->boxes, cap * sizeof(*q), &cls);
		uint32_t n = r->qlen;

		if (!q)
			abort(); /* the kernel already wrote: nowhere to keep it */
		for (uint32_t i = 0; i < n; i++)
			q[i] = q_pop(r);
		r->qlen = n;
		q_free(ex, r);
		r->q = q;
		r->qcls = cls;
		r->qcap = cap;
	}
	r->q[(r->qhead + r->qlen++) % r->qcap] =
		(struct fut_recv_ent){ res, cflags, copy };
}

static void free_queued(struct fut_exec *ex, struct fut_recver *r)
{
	while (r->qlen) {
		struct fut_recv_ent e = q_pop(r);

		if (e.copy)
			free(e.copy);
		else if (e.cflags & IORING_CQE_F_BUFFER)
			bufring_put(ex, e.cflags >> IORING_CQE_BUFFER_SHIFT);
	}
	r->qbufs = 0;
	q_free(ex, r);
	free(r->own_buf);
	r->own_buf = NULL;
}

void recv_complete(struct fut_op *op, int res, uint32_t cflags, int tag)
{
	struct fut_recver *r = (struct fut_recver *)op;
	struct fut_exec *ex = fut__tls_exec;

	char *copy = NULL;

	(void)tag;
	if (cflags & IORING_CQE_F_BUFFER)
		ex->bufs.out++;
	if (!(cflags & IORING_CQE_F_MORE))
		op->state = (op->state & (R_RELEASED | R_THROTTLED)) | R_IDLE;
	if ((cflags & IORING_CQE_F_BUFFER) && res > 0 &&
	    !(op->state & R_RELEASED) && r->qbufs >= queue_bufs_max(ex)) {
		/* Queue full: copy out, give the buffer back at once, and
		 * stop the multishot until the task has taken its data. */
		uint16_t bid = cflags >> IORING_CQE_BUFFER_SHIFT;

		copy = malloc(res);
		if (!copy)
			abort(); /* the kernel already wrote: nowhere to keep it */
		memcpy(copy, ex->bufs.mem + (size_t)bid * ex->bufs.size, res);
		bufring_put(ex, bid);
		if ((cflags & IORING_CQE_F_MORE) && !(op->state & R_THROTTLED)) {
			op->state |= R_THROTTLED;
			op_cancel(ex, op);
		}
	} else if ((cflags & IORING_CQE_F_BUFFER) && res > 0) {
		r->qbufs++;
	}
	/* Multishot without a buffer to select stops with -ENOBUFS. */
	if (res == -EINVAL && r->mode == RM_MULTISHOT) {
		r->mode = RM_SINGLE_RING;
		ex->features &= ~FUT_FEAT_MULTISHOT_RECV;
		res = -ENOBUFS; /* i.e. re-arm, single-shot */
	}
	q_push(ex, r, res, cflags, copy);
	if ((op->state & R_RELEASED) && !(cflags & IORING_CQE_F_MORE))
		free_queued(ex, r);
	else
		task_wake(op->task);
}

static void arm(struct fut_exec *ex, struct fut_task *task,
		struct fut_recver *r)
{
	struct io_uring_sqe *sqe;

	op_arm(task, &r->op, OPK_RECV, 1);
	r->op.state = R_ARMED;
	sqe = ring_sqe(ex);
	switch (r->mode) {
	case RM_MULTISHOT:
		io_uring_prep_recv_multishot(sqe, r->fd, NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = ex->bufs.bgid;
		break;
	case RM_SINGLE_RING:
		io_uring_prep_recv(sqe, r->fd, NULL, ex->bufs.size, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = ex->bufs.bgid;
		break;
	default:
		io_uring_prep_recv(sqe, r->fd, r->own_buf, ex->bufs.size, 0);
		break;
	}
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)&r->op);
}

void fut_recver_done(struct fut_recver *r)
{
	free(r->cur_copy);
	r->cur_copy = NULL;
	if (r->cur_buf) {
		bufring_put(fut__tls_exec, r->cur_buf - 1);
		r->cur_buf = 0;
	}
	r->data = NULL;
	r->data_len = 0;
}

void fut_recver_release(struct fut_recver *r)
{
	struct fut_exec *ex = fut__tls_exec;

	fut_recver_done(r);
	bufring_unwait(ex, r);
	if (R_STATE(r) == R_ARMED) {
		/* The kernel may still write: free on the last completion. */
		r->op.state |= R_RELEASED;
		op_cancel(ex, &r->op);
		return;
	}
	free_queued(ex, r);
}

/* Take one queued completion; FUT_PENDING when it only means re-arm. */
static intptr_t take(struct fut_exec *ex, struct fut_recver *r)
{
	struct fut_recv_ent e = q_pop(r);

	if (e.res == -ENOBUFS) {
		r->enobufs++;
		return FUT_PENDING;
	}
	if (e.res == -ECANCELED && (r->op.state & R_THROTTLED)) {
		r->op.state &= ~R_THROTTLED; /* ours: re-arm when asked */
		return FUT_PENDING;
	}
	if (e.copy) {
		r->cur_copy = e.copy;
		r->data = e.copy;
	} else if (e.cflags & IORING_CQE_F_BUFFER) {
		uint16_t bid = e.cflags >> IORING_CQE_BUFFER_SHIFT;

		if (e.res <= 0) {
			bufring_put(ex, bid);
		} else {
			r->qbufs--;
			r->cur_buf = bid + 1;
			r->data = ex->bufs.mem + (size_t)bid * ex->bufs.size;
		}
	} else if (e.res > 0) {
		r->data = r->own_buf;
	}
	if (e.res > 0)
		r->data_len = e.res;
	if (e.res == 0)
		r->eof = 1;
	return e.res;
}

static intptr_t recv_next_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_recv_next *n = (struct fut_recv_next *)h;
	struct fut_recver *r = n->r;
	struct fut_exec *ex = fut__tls_exec;
	intptr_t res;

	if (!h->resume) {
		/* The previous data is consumed once the caller asks for more. */
		fut_recver_done(r);
		h->resume = 1;
		timer_init(&n->t);
	}
	while (r->qlen) {
		res = take(ex, r);
		if (res != FUT_PENDING)
			goto out;
	}
	if (r->eof) {
		res = 0;
		goto out;
	}
	if (timer_fired(&n->t)) {
		res = -ETIMEDOUT;
		goto out;
	}
	if (R_STATE(r) == R_IDLE && r->waiting_bufs != BUFW_LISTED) {
		if (r->mode == RM_SINGLE_OWN && !r->own_buf) {
			r->own_buf = malloc(ex->bufs.size);
			if (!r->own_buf) {
				res = -ENOMEM;
				goto out;
			}
		}
		if (r->mode != RM_SINGLE_OWN && ex->bufs.out >= ex->bufs.count) {
			/* No buffer to receive into: wait for one back. */
			bufring_wait(ex, r, task);
		} else {
			bufring_armed(ex, r);
			arm(ex, task, r);
		}
	}
	if (!r->qlen && r->q) {
		/* Waiting with nothing queued: an idle receiver keeps no
		 * queue (it is made again by the next completion). */
		q_free(ex, r);
	}
	if (n->timeout_ns && !timer_queued(&n->t)) {
		n->t.task = task;
		timer_add_after(ex, &n->t, n->timeout_ns);
	}
	return FUT_PENDING;
out:
	/* A wait that ends here passes a buffer it was woken for on. */
	bufring_unwait(ex, r);
	timer_del(ex, &n->t);
	return res;
}

static void recv_next_drop(struct fut_hdr *h)
{
	struct fut_recv_next *n = (struct fut_recv_next *)h;

	if (n->r)
		bufring_unwait(fut__tls_exec, n->r);
	timer_del(fut__tls_exec, &n->t);
}

struct fut_type fut_recv_next_type = FUT_TYPE_DESC(fut_recv_next,
					recv_next_poll, recv_next_drop);

void fut_recv_next_init(struct fut_recv_next *n, struct fut_recver *r,
			uint64_t timeout_ns)
{
	n->r = r;
	n->timeout_ns = timeout_ns;
	timer_init(&n->t);
}
