// SPDX-License-Identifier: GPL-2.0
/*
 * Per executor: a listener task (accept, admit, spawn a connection task)
 * and a stopper task (on the stop eventfd: cancel the listener and stop
 * every connection's reads, so idle ones end now and busy ones after the
 * response in flight).  The executor returns when no task is left.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "futsrv.h"

struct futsrv_config futsrv_cfg;
static uint64_t live_conns, requests_served;
__thread struct futsrv_exec *futsrv_this_exec;

bool futsrv_conn_admit(struct futsrv_exec *ctx, int fd)
{
	uint64_t live = __atomic_add_fetch(&live_conns, 1, __ATOMIC_RELAXED);

	if (live > futsrv_cfg.srv.max_conns ||
	    (uint64_t)fd >= futsrv_cfg.srv.nofile) {
		__atomic_sub_fetch(&live_conns, 1, __ATOMIC_RELAXED);
		return false;
	}
	ctx->open_fds[fd] = 1;
	return true;
}

void futsrv_conn_leave(struct futsrv_exec *ctx, int fd)
{
	ctx->open_fds[fd] = 0;
	__atomic_sub_fetch(&live_conns, 1, __ATOMIC_RELAXED);
}

void futsrv_count_request(void)
{
	__atomic_add_fetch(&requests_served, 1, __ATOMIC_RELAXED);
}

uint64_t futsrv_requests_served(void)
{
	return __atomic_load_n(&requests_served, __ATOMIC_RELAXED);
}

uint64_t futsrv_live_conns(void)
{
	return __atomic_load_n(&live_conns, __ATOMIC_RELAXED);
}

size_t futsrv_size_types(void)
{
	heavy_fut_type.state_size = sizeof(struct heavy_fut) +
				    futsrv_cfg.srv.heavy_bytes;
	conn_inline_size(heavy_fut_type.state_size);
	conn_boxed_size(heavy_fut_type.state_size);
	return futsrv_cfg.heavy_boxed ? conn_boxed_type.state_size :
					conn_inline_type.state_size;
}

/* --- listener ---------------------------------------------------------- */
#define LISTENER_BRANCHES(B, U) B(inline, fut_accept_next, next)
struct listener {
	struct fut_hdr hdr;
	struct futsrv_exec *ctx;
	struct fut_acceptor acc;
	intptr_t fd;
	time_t warned;
	FUT_BRANCHES(LISTENER_BRANCHES);
};

static void spawn_conn(struct listener *self, int fd)
{
	struct fut_type *type = futsrv_cfg.heavy_boxed ? &conn_boxed_type :
							 &conn_inline_type;
	void *state;

	net_set_nodelay(fd);
	if (!futsrv_conn_admit(self->ctx, fd)) {
		if (time(NULL) != self->warned) {
			fprintf(stderr, "fut-server: --max-conns reached: answering 503\n");
			self->warned = time(NULL);
		}
		server_refuse(fd, 503);
		return;
	}
	state = fut_spawn_alloc(NULL, type);
	if (!state) {
		futsrv_conn_leave(self->ctx, fd);
		server_refuse(fd, 503);
		return;
	}
	if (futsrv_cfg.heavy_boxed)
		conn_boxed_init(state, fd);
	else
		conn_inline_init(state, fd);
	fut_spawn_commit(state, true);
}

static intptr_t listener_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct listener *self = (void *)h;

	FUT_BEGIN;
	fut_acceptor_init(&self->acc, self->ctx->net.listen_fd);
	for (;;) {
		FUT_AWAIT(next, self->fd, fut_accept_next_init, &self->acc);
		if (self->fd >= 0) {
			spawn_conn(self, self->fd);
		} else if (time(NULL) != self->warned) {
			/* EMFILE/ENFILE are handled (backed off) by the acceptor. */
			fprintf(stderr, "fut-server: accept: %s\n", strerror(-self->fd));
			self->warned = time(NULL);
		}
	}
	FUT_END;
}

static void listener_drop(struct fut_hdr *h)
{
	struct listener *self = (void *)h;

	fut_acceptor_release(&self->acc);
}

static struct fut_type listener_type =
	FUT_TYPE_DESC(listener, listener_poll, listener_drop, LISTENER_BRANCHES);

static void listener_init(struct listener *l, struct futsrv_exec *ctx)
{
	l->ctx = ctx;
}

/* --- stopper ------------------------------------------------------------ */
#define STOPPER_BRANCHES(B, U) B(inline, fut_io, io)
struct stopper {
	struct fut_hdr hdr;
	struct futsrv_exec *ctx;
	uint64_t count;
	intptr_t r;
	FUT_BRANCHES(STOPPER_BRANCHES);
};

static intptr_t stopper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct stopper *self = (void *)h;
	struct futsrv_exec *ctx = self->ctx;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_read_init, ctx->net.stop_fd,
		  &self->count, sizeof(self->count), 0, 0);
	/* The acceptor's IO is cancelled and awaited before it is freed. */
	ctx->stopping = true;
	fut_cancel(ctx->listener);
	close(ctx->net.listen_fd);
	ctx->net.listen_fd = -1;
	for (uint64_t fd = 0; fd < futsrv_cfg.srv.nofile; fd++)
		if (ctx->open_fds[fd])
			shutdown(fd, SHUT_RD);
	FUT_END;
}

static struct fut_type stopper_type =
	FUT_TYPE_DESC(stopper, stopper_poll, NULL, STOPPER_BRANCHES);

static void stopper_init(struct stopper *s, struct futsrv_exec *ctx)
{
	s->ctx = ctx;
}

void futsrv_exec_setup(struct fut_exec *ex, unsigned int index, void *ctxs)
{
	struct futsrv_exec *ctx = &((struct futsrv_exec *)ctxs)[index];

	futsrv_this_exec = ctx;
	resp_pool_init(&ctx->resp_pool, futsrv_cfg.response_buffers);
	ctx->listener = FUT_SPAWN(ex, &listener_type, true, listener_init, ctx);
	FUT_SPAWN(ex, &stopper_type, true, stopper_init, ctx);
}
