/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_FUTSRV_RESP_POOL_H
#define STACKLAB_FUTSRV_RESP_POOL_H

/*
 * Response buffers, one pool per executor.  A connection holds one only
 * from the request it parses until its response is sent, so an idle
 * connection carries none of it.  The pool makes buffers as they are
 * needed, up to its cap; past the cap a connection awaits resp_get and
 * is handed the next buffer returned, first come first served: a burst
 * waits, it is never refused.  Single-threaded (the executor's own).
 */
#include <stdbool.h>
#include <stdint.h>

#include "http/http_parse.h"
#include "libfut/fut.h"
#include "workload/workload.h"

/* What one request in flight needs, from its head to its answer's end. */
struct resp {
	struct resp *next;		/* free list */
	struct http_request req;	/* points into the connection's input */
	uint64_t digest;		/* of the heavy branch */
	uint32_t out_len, out_sent;
	uint8_t route;			/* enum workload_route, routed once */
	bool keep_alive;
	bool send_waits;		/* the socket was full: send with a timeout */
	char out[WORKLOAD_RESPONSE_MAX];
};

struct resp_get;
struct resp_block;

struct resp_pool {
	struct resp *free;
	struct resp_get *wait_head, *wait_tail;
	struct resp_block *blocks;
	uint32_t cap;			/* buffers made at most */
	/* Counters, written by the executor, read by the stats line. */
	uint64_t made, held, peak_held, waits;
};

void resp_pool_init(struct resp_pool *p, uint32_t cap);
void resp_pool_destroy(struct resp_pool *p);
/* A buffer at once, or NULL: at the cap (await resp_get) or no memory. */
struct resp *resp_pool_try(struct resp_pool *p);
/* Give a buffer back: to the first waiter, else to the free list. */
void resp_pool_put(struct resp_pool *p, struct resp *r);

/* Await a buffer: result 0 and *out set, or -ENOMEM when none could be
 * made and none is held by anyone to wait for. */
struct resp_get {
	struct fut_hdr hdr;
	struct resp_pool *pool;
	struct resp **out;
	struct resp_get *next;
	struct fut_waker w;
	bool queued;
};
extern struct fut_type resp_get_type;
void resp_get_init(struct resp_get *g, struct resp_pool *p, struct resp **out);

struct resp_pool_stats {
	uint64_t made, held, peak_held, waits;
};
/* From any thread: relaxed reads of the counters. */
void resp_pool_stats(const struct resp_pool *p, struct resp_pool_stats *st);

#endif
