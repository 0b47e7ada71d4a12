// SPDX-License-Identifier: GPL-2.0
/* Acceptor: multishot accept (single-shot where the kernel lacks it) with
 * a queue of accepted fds; EMFILE/ENFILE back off and keep serving. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec.h"
#include "ring.h"
#include "task.h"
#include "timer.h"

enum { A_IDLE, A_ARMED };
#define A_RELEASED 0x80
#define A_PROBING 0x40	/* multishot got -EINVAL: kernel or socket? */
#define A_STATE(a) ((a)->op.state & 0x3f)
#define BACKOFF_MIN_MS 1
#define BACKOFF_MAX_MS 1000

void fut_acceptor_init(struct fut_acceptor *a, int listen_fd)
{
	a->fd = listen_fd;
	a->multishot = !!(fut__tls_exec->features & FUT_FEAT_MULTISHOT_ACCEPT);
	timer_init(&a->backoff);
	a->backoff_ms = BACKOFF_MIN_MS;
}

static void q_push(struct fut_acceptor *a, int fd)
{
	if (a->qlen == a->qcap) {
		uint32_t cap = a->qcap ? a->qcap * 2 : 8;
		int32_t *q = malloc(cap * sizeof(*q));

		if (!q) {
			close(fd); /* the client sees a reset; we keep serving */
			return;
		}
		for (uint32_t i = 0; i < a->qlen; i++)
			q[i] = a->q[(a->qhead + i) % a->qcap];
		free(a->q);
		a->q = q;
		a->qcap = cap;
		a->qhead = 0;
	}
	a->q[(a->qhead + a->qlen++) % a->qcap] = fd;
}

static void free_queued(struct fut_acceptor *a)
{
	while (a->qlen) {
		close(a->q[a->qhead]);
		a->qhead = (a->qhead + 1) % a->qcap;
		a->qlen--;
	}
	free(a->q);
	a->q = NULL;
	a->qcap = 0;
}

void accept_complete(struct fut_op *op, int res, uint32_t cflags, int tag)
{
	struct fut_acceptor *a = (struct fut_acceptor *)op;

	(void)tag;

	if (!(cflags & IORING_CQE_F_MORE))
		op->state = (op->state & (A_RELEASED | A_PROBING)) | A_IDLE;
	if (res >= 0 && (op->state & A_PROBING)) {
		/* Single-shot works where multishot did not: the kernel lacks
		 * it, so the executor's other acceptors go single-shot too. */
		op->state &= ~A_PROBING;
		fut__tls_exec->features &= ~FUT_FEAT_MULTISHOT_ACCEPT;
	}
	if (res >= 0) {
		a->accepted++;
		q_push(a, res);
	} else if (res == -EINVAL && a->multishot) {
		/* Multishot refused: try single-shot on this acceptor; an
		 * -EINVAL then is the socket's (not listening), not the
		 * kernel's, and the executor keeps multishot. */
		a->multishot = 0;
		op->state |= A_PROBING;
	} else if (res != -ECANCELED) {
		op->state &= ~A_PROBING;
		a->err = res;
	}
	if ((op->state & A_RELEASED) && !(cflags & IORING_CQE_F_MORE))
		free_queued(a);
	else
		task_wake(op->task);
}

static void arm(struct fut_exec *ex, struct fut_task *task,
		struct fut_acceptor *a)
{
	struct io_uring_sqe *sqe;

	op_arm(task, &a->op, OPK_ACCEPT, 1);
	a->op.state = (a->op.state & A_PROBING) | A_ARMED;
	sqe = ring_sqe(ex);
	if (a->multishot)
		io_uring_prep_multishot_accept(sqe, a->fd, NULL, NULL,
					       SOCK_CLOEXEC);
	else
		io_uring_prep_accept(sqe, a->fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)&a->op);
}

void fut_acceptor_release(struct fut_acceptor *a)
{
	struct fut_exec *ex = fut__tls_exec;

	timer_del(ex, &a->backoff);
	if (A_STATE(a) == A_ARMED) {
		a->op.state |= A_RELEASED;
		op_cancel(ex, &a->op);
		return;
	}
	free_queued(a);
}

static intptr_t accept_next_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_acceptor *a = ((struct fut_accept_next *)h)->a;
	struct fut_exec *ex = fut__tls_exec;

	if (a->qlen) {
		int fd = a->q[a->qhead];

		a->qhead = (a->qhead + 1) % a->qcap;
		a->qlen--;
		a->backoff_ms = BACKOFF_MIN_MS;
		return fd;
	}
	if (a->err == -EMFILE || a->err == -ENFILE || a->err == -ENOMEM ||
	    a->err == -ENOBUFS) {
		/* Out of descriptors: wait, connections in hand keep going. */
		if (!timer_queued(&a->backoff) && !timer_fired(&a->backoff)) {
			a->emfile++;
			a->backoff.task = task;
			a->backoff.deadline_ns = fut_now_ns() +
				(uint64_t)a->backoff_ms * 1000000u;
			timer_add(ex, &a->backoff);
			if (a->backoff_ms < BACKOFF_MAX_MS)
				a->backoff_ms *= 2;
			return FUT_PENDING;
		}
		if (!timer_fired(&a->backoff))
			return FUT_PENDING;
		timer_init(&a->backoff);
		a->err = 0;
	} else if (a->err) {
		int err = a->err;

		a->err = 0;
		return err;
	}
	if (A_STATE(a) == A_IDLE)
		arm(ex, task, a);
	return FUT_PENDING;
}

struct fut_type fut_accept_next_type = FUT_TYPE_DESC(fut_accept_next,
						accept_next_poll, NULL);

void fut_accept_next_init(struct fut_accept_next *n, struct fut_acceptor *a)
{
	n->a = a;
}
