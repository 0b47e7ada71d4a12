/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_COROSRV_H
#define STACKLAB_COROSRV_H

/*
 * coro-server: stackful coroutines on libfut's executor, one per
 * connection, blocking-style IO.  GET /heavy's scratch is an array on the
 * coroutine's stack, as on tpc-server's thread stack.  conn.c is the code
 * that runs on connection stacks: built with -fsplit-stack, so that on a
 * split stack its frames grow the segment chain (on a fixed stack the
 * split-stack prologues never fire).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/server_cli.h"
#include "http/http_parse.h"
#include "libfut/fut_coro.h"

struct corosrv_config {
	struct server_opts srv;	/* shutdown_timeout_ns: then connections are cancelled */
	enum coro_stack_kind stack;
};

/* Set once by main before the executors start; read-only after. */
extern struct corosrv_config corosrv_cfg;

/* One per executor thread. */
struct corosrv_exec {
	struct server_listener net;	/* first: server_listen() fills it */
	struct fut_handle listener;
	struct fut_handle *conns;	/* its connections, by fd: srv.nofile */
	uint64_t live;
};

/* --- conn.c (split-stack code) ------------------------------------------- */
/* Serves fd until the connection is to close (serve.c then closes it). */
void corosrv_serve(int fd);
/* The largest receive buffer, on the connection's stack: a whole head. */
size_t corosrv_recv_buf_bytes(void);
/* A stack array of bytes takes this much: the next power of two. */
size_t corosrv_stack_area_bytes(size_t bytes);
/* What a connection's stack holds at its deepest (the heavy branch). */
size_t corosrv_stack_need(void);

/* --- shared --------------------------------------------------------------- */
/* Inline: conn.c calls them from split code (no call into serve.c). */
extern int corosrv__stopping;
extern uint64_t corosrv__requests_served;
static inline bool corosrv_stopping(void)
{
	return __atomic_load_n(&corosrv__stopping, __ATOMIC_RELAXED);
}

static inline void corosrv_count_request(void)
{
	__atomic_add_fetch(&corosrv__requests_served, 1, __ATOMIC_RELAXED);
}

uint64_t corosrv_requests_served(void);
/* Connections open now, on every executor. */
uint64_t corosrv_live_conns(void);
/* The executor of the calling thread, set by corosrv_exec_setup. */
extern __thread struct corosrv_exec *corosrv_here;
void corosrv_conn_leave(struct corosrv_exec *ctx, int fd);

/* fut_setup_fn: this executor's listener and stopper coroutines. */
void corosrv_exec_setup(struct fut_exec *ex, unsigned int index, void *ctxs);

#endif
