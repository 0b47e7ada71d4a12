/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_TPC_H
#define STACKLAB_TPC_H

/* tpc-server: one pthread per connection, blocking reads and writes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/server_cli.h"
#include "http/http_parse.h"

struct tpc_config {
	struct server_opts srv;		/* heavy_bytes: GET /heavy's stack array */
	bool heavy_on_heap;		/* --heavy-on heap: malloc'd per request */
};

/* Set once by main before the first connection; read-only after. */
extern struct tpc_config tpc_cfg;

/* Bytes of the per-connection receive buffer (on the thread's stack). */
size_t tpc_recv_buf_bytes(void);

/* The connection thread: serves fd until it closes, then closes it. */
void *tpc_conn_thread(void *fd_as_ptr);

/* Totals since start, for the exit line. */
uint64_t tpc_requests_served(void);

/*
 * Live connections.  add fails (false) at --max-conns; shutdown_all
 * sets stopping and stops every connection's reads, so idle ones end and
 * busy ones end after the response in flight (a connection that sees
 * stopping serves nothing more); wait_empty gives up after timeout_ns
 * and returns how many are still live.
 */
bool tpc_registry_init(uint64_t max_fds);
bool tpc_registry_add(int fd);
void tpc_registry_remove(int fd);
void tpc_registry_shutdown_all(void);
bool tpc_registry_stopping(void);
uint64_t tpc_registry_wait_empty(uint64_t timeout_ns);

#endif
