/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_FUTSRV_H
#define STACKLAB_FUTSRV_H

/*
 * fut-server: the futures side of the comparison, on libfut.  One task
 * per connection; GET /heavy awaits a child future whose scratch array
 * is its state, held inline in the connection's state or boxed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/server_cli.h"
#include "http/http_parse.h"
#include "libfut/fut.h"
#include "resp_pool.h"

struct futsrv_config {
	struct server_opts srv;
	bool heavy_boxed;
	uint32_t response_buffers;	/* an executor's pool, at most */
};

/* Set once by main before the executors start; read-only after. */
extern struct futsrv_config futsrv_cfg;

/* One per executor thread. */
struct futsrv_exec {
	struct server_listener net;	/* first: server_listen() fills it */
	/*
	 * Set by the stopper, on this executor's thread: a connection then
	 * finishes the request in flight and serves none behind it.
	 */
	bool stopping;
	struct fut_handle listener;
	unsigned char *open_fds;	/* its connections, by fd: srv.nofile */
	struct resp_pool resp_pool;	/* requests in flight */
};

/* The executor running on this thread (set by futsrv_exec_setup); inline,
 * as a connection asks for it several times a request. */
extern __thread struct futsrv_exec *futsrv_this_exec;
static inline struct futsrv_exec *futsrv_ctx(void)
{
	return futsrv_this_exec;
}

/* --- the heavy branch ---------------------------------------------------- */
struct heavy_fut {
	struct fut_hdr hdr;
	uint64_t *digest_out;
	uint64_t n;
	unsigned char scratch[];	/* n bytes: --heavy-bytes */
};
extern struct fut_type heavy_fut_type;
void heavy_init(struct heavy_fut *h, uint64_t n, uint64_t *digest_out);

/* --- the connection future, built twice from conn.c ---------------------- */
extern struct fut_type conn_inline_type, conn_boxed_type;
void conn_inline_init(void *state, int fd);
void conn_boxed_init(void *state, int fd);
void conn_inline_size(size_t heavy_state_bytes);
void conn_boxed_size(size_t heavy_state_bytes);

/*
 * Size the types whose state depends on --heavy-bytes; once, before the
 * first spawn.  Returns the connection state's size in bytes.
 */
size_t futsrv_size_types(void);

/* --- shared by the tasks --------------------------------------------------- */
bool futsrv_conn_admit(struct futsrv_exec *ctx, int fd);	/* false: at --max-conns */
void futsrv_conn_leave(struct futsrv_exec *ctx, int fd);
void futsrv_count_request(void);
uint64_t futsrv_requests_served(void);
uint64_t futsrv_live_conns(void);

/* fut_setup_fn: this executor's listener and stopper tasks. */
void futsrv_exec_setup(struct fut_exec *ex, unsigned int index, void *ctxs);

#endif
