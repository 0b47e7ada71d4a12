// SPDX-License-Identifier: GPL-2.0
/*
 * Per executor: a listener coroutine (accept, admit, spawn a connection
 * coroutine) and a stopper coroutine.  On the stop eventfd the stopper
 * cancels the listener and stops every connection's reads, so idle ones
 * end now and busy ones after the request in flight; whatever is still
 * live after --shutdown-timeout is cancelled (its IO cancelled, its body
 * run to its end, its fd closed).  The executor returns when no task is
 * left.  A coroutine that computes without yielding at the deadline keeps
 * the stopper from running: main's bounded join ends the process then.
 * Built without -fsplit-stack: the listener and stopper run on small
 * fixed stacks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "corosrv.h"

#define NS_PER_MS 1000000ULL
/* The listener's and stopper's own stacks: their frames are small. */
#define SERVICE_STACK_BYTES (64 * 1024)

struct corosrv_config corosrv_cfg;
__thread struct corosrv_exec *corosrv_here;
static uint64_t live_conns;
uint64_t corosrv__requests_served;
int corosrv__stopping;

uint64_t corosrv_requests_served(void)
{
	return __atomic_load_n(&corosrv__requests_served, __ATOMIC_RELAXED);
}

uint64_t corosrv_live_conns(void)
{
	return __atomic_load_n(&live_conns, __ATOMIC_RELAXED);
}

static bool conn_admit(struct corosrv_exec *ctx, int fd)
{
	uint64_t live = __atomic_add_fetch(&live_conns, 1, __ATOMIC_RELAXED);

	if (live > corosrv_cfg.srv.max_conns ||
	    (uint64_t)fd >= corosrv_cfg.srv.nofile) {
		__atomic_sub_fetch(&live_conns, 1, __ATOMIC_RELAXED);
		return false;
	}
	ctx->live++;
	return true;
}

void corosrv_conn_leave(struct corosrv_exec *ctx, int fd)
{
	ctx->conns[fd] = (struct fut_handle){ 0, 0 };
	ctx->live--;
	__atomic_sub_fetch(&live_conns, 1, __ATOMIC_RELAXED);
}

static void warn_limited(time_t *last, const char *what, int err)
{
	if (time(NULL) == *last)
		return;
	fprintf(stderr, "coro-server: %s%s%s\n", what, err ? ": " : "",
		err ? strerror(err) : "");
	*last = time(NULL);
}

/*
 * A connection coroutine's body, built without -fsplit-stack: what it
 * calls besides corosrv_serve (its table slot, the close) would otherwise
 * be split code calling plain code.  It runs at the top of the
 * coroutine's first segment, where there is room.
 */
static intptr_t conn_main(void *fd_as_ptr)
{
	int fd = (int)(intptr_t)fd_as_ptr;

	corosrv_serve(fd);
	corosrv_conn_leave(corosrv_here, fd);
	coro_close(fd);
	return 0;
}

static void spawn_conn(struct corosrv_exec *ctx, int fd, time_t *warned)
{
	const struct coro_opts opts = { .stack = corosrv_cfg.stack,
					.stack_size = corosrv_cfg.srv.stack_size,
					.name = "http_conn" };
	struct fut_handle h;
	int err;

	net_set_nodelay(fd);
	if (!conn_admit(ctx, fd)) {
		warn_limited(warned, "--max-conns reached: answering 503", 0);
		server_refuse(fd, 503);
		return;
	}
	err = coro_spawn(NULL, &opts, conn_main, (void *)(intptr_t)fd, true, &h);
	if (err) {
		corosrv_conn_leave(ctx, fd);
		warn_limited(warned, "no memory for a coroutine: answering 503", -err);
		server_refuse(fd, 503);
		return;
	}
	ctx->conns[fd] = h;
}

static intptr_t listener(void *arg)
{
	struct corosrv_exec *ctx = arg;
	time_t warned = 0;

	for (;;) {
		intptr_t fd = coro_accept(ctx->net.listen_fd, 0);

		if (fd >= 0) {
			spawn_conn(ctx, (int)fd, &warned);
		} else if (fd == -ECANCELED) {
			return 0;
		} else if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS ||
			   fd == -ENOMEM) {
			warn_limited(&warned, "accept: out of descriptors or memory; backing off (raise ulimit -n)",
				     (int)-fd);
			coro_sleep(10 * NS_PER_MS);
		} else {
			warn_limited(&warned, "accept", (int)-fd);
		}
	}
}

static intptr_t stopper(void *arg)
{
	struct corosrv_exec *ctx = arg;
	uint64_t count, deadline;

	if (coro_read(ctx->net.stop_fd, &count, sizeof(count), 0) < 0)
		return -1;
	__atomic_store_n(&corosrv__stopping, 1, __ATOMIC_RELAXED);
	fut_cancel(ctx->listener);
	close(ctx->net.listen_fd);
	ctx->net.listen_fd = -1;
	for (uint64_t fd = 0; fd < corosrv_cfg.srv.nofile; fd++)
		if (ctx->conns[fd].gen)
			shutdown((int)fd, SHUT_RD);
	deadline = fut_now_ns() + corosrv_cfg.srv.shutdown_timeout_ns;
	while (ctx->live && fut_now_ns() < deadline)
		coro_sleep(10 * NS_PER_MS);
	for (uint64_t fd = 0; fd < corosrv_cfg.srv.nofile && ctx->live; fd++)
		if (ctx->conns[fd].gen)
			fut_cancel(ctx->conns[fd]);
	return 0;
}

void corosrv_exec_setup(struct fut_exec *ex, unsigned int index, void *ctxs)
{
	struct corosrv_exec *ctx = &((struct corosrv_exec *)ctxs)[index];
	const struct coro_opts opts = { .stack = CORO_STACK_FIXED,
					.stack_size = SERVICE_STACK_BYTES };
	struct coro_opts named = opts;
	struct fut_handle h;

	corosrv_here = ctx;
	named.name = "listener";
	if (coro_spawn(ex, &named, listener, ctx, true, &ctx->listener) < 0)
		fut_exec_stop(ex);
	named.name = "stopper";
	if (coro_spawn(ex, &named, stopper, ctx, true, &h) < 0)
		fut_exec_stop(ex);
}
