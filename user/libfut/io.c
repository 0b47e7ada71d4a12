// SPDX-License-Identifier: GPL-2.0
/* Single io_uring requests as futures, each with an optional linked
 * timeout.  The future completes only when every CQE it is owed arrived. */
#include <errno.h>
#include <string.h>

#include "exec.h"
#include "ring.h"
#include "task.h"

enum { IO_IDLE, IO_SUBMITTED };
/* op->state bit 0x80: the linked timeout fired. */

void io_complete(struct fut_op *op, int res, uint32_t cflags, int tag)
{
	if (tag == 1) {
		/* The linked timeout: -ETIME means it fired. */
		if (res == -ETIME)
			op->state |= 0x80;
	} else {
		op->res = res;
		op->cflags = cflags;
	}
	task_wake(op->task);
}

static void prep(struct fut_io *io, struct io_uring_sqe *sqe)
{
	switch (io->kind) {
	case FUT_IO_NOP:
		io_uring_prep_nop(sqe);
		break;
	case FUT_IO_READ:
		io_uring_prep_read(sqe, io->fd, io->buf, io->len, io->off);
		break;
	case FUT_IO_WRITE:
		io_uring_prep_write(sqe, io->fd, io->buf, io->len, io->off);
		break;
	case FUT_IO_RECV:
		io_uring_prep_recv(sqe, io->fd, io->buf, io->len, io->flags);
		break;
	case FUT_IO_SEND:
		io_uring_prep_send(sqe, io->fd, io->buf, io->len,
				   io->flags | MSG_NOSIGNAL);
		break;
	case FUT_IO_ACCEPT:
		io_uring_prep_accept(sqe, io->fd, NULL, NULL, SOCK_CLOEXEC);
		break;
	case FUT_IO_CONNECT:
		io_uring_prep_connect(sqe, io->fd, io->buf, io->len);
		break;
	case FUT_IO_CLOSE:
		io_uring_prep_close(sqe, io->fd);
		break;
	case FUT_IO_SHUTDOWN:
		io_uring_prep_shutdown(sqe, io->fd, io->flags);
		break;
	}
}

static intptr_t io_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_io *io = (struct fut_io *)h;
	struct fut_exec *ex = fut__tls_exec;
	struct io_uring_sqe *sqe;

	if ((io->op.state & 0x7f) == IO_SUBMITTED) {
		if (io->op.pending)
			return FUT_PENDING;
		int timed_out = io->op.state & 0x80;

		io->op.state = IO_IDLE;
		if (timed_out && io->op.res == -ECANCELED)
			return -ETIMEDOUT;
		return io->op.res;
	}
	op_arm(task, &io->op, OPK_IO, io->timeout_ns ? 2 : 1);
	io->op.state = IO_SUBMITTED;
	if (io->timeout_ns)
		ring_reserve(ex, 2);
	sqe = ring_sqe(ex);
	prep(io, sqe);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)&io->op);
	if (io->timeout_ns) {
		sqe->flags |= IOSQE_IO_LINK;
		/* Saturated: a huge timeout is "never" (tv_sec is signed). */
		io->ts.tv_sec = io->timeout_ns / 1000000000u > INT64_MAX / 4 ?
				INT64_MAX / 4 : io->timeout_ns / 1000000000u;
		io->ts.tv_nsec = io->timeout_ns % 1000000000u;
		sqe = ring_sqe(ex);
		io_uring_prep_link_timeout(sqe, &io->ts, 0);
		io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)&io->op | 1);
	}
	return FUT_PENDING;
}

struct fut_type fut_io_type = FUT_TYPE_DESC(fut_io, io_poll, NULL);

static void io_set(struct fut_io *io, int kind, int fd, void *buf,
		   uint32_t len, uint64_t timeout_ns)
{
	io->kind = kind;
	io->fd = fd;
	io->buf = buf;
	io->len = len;
	io->timeout_ns = timeout_ns;
}

void fut_nop_init(struct fut_io *io)
{
	io_set(io, FUT_IO_NOP, -1, NULL, 0, 0);
}

void fut_read_init(struct fut_io *io, int fd, void *buf, uint32_t len,
		   uint64_t off, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_READ, fd, buf, len, timeout_ns);
	io->off = off;
}

void fut_write_init(struct fut_io *io, int fd, const void *buf, uint32_t len,
		    uint64_t off, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_WRITE, fd, (void *)buf, len, timeout_ns);
	io->off = off;
}

void fut_recv_init(struct fut_io *io, int fd, void *buf, uint32_t len,
		   int flags, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_RECV, fd, buf, len, timeout_ns);
	io->flags = flags;
}

void fut_send_init(struct fut_io *io, int fd, const void *buf, uint32_t len,
		   int flags, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_SEND, fd, (void *)buf, len, timeout_ns);
	io->flags = flags;
}

void fut_accept_init(struct fut_io *io, int fd, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_ACCEPT, fd, NULL, 0, timeout_ns);
}

void fut_connect_init(struct fut_io *io, int fd, const struct sockaddr *addr,
		      socklen_t addrlen, uint64_t timeout_ns)
{
	io_set(io, FUT_IO_CONNECT, fd, (void *)addr, addrlen, timeout_ns);
}

void fut_close_init(struct fut_io *io, int fd)
{
	io_set(io, FUT_IO_CLOSE, fd, NULL, 0, 0);
}

void fut_shutdown_init(struct fut_io *io, int fd, int how)
{
	io_set(io, FUT_IO_SHUTDOWN, fd, NULL, 0, 0);
	io->flags = how;
}
