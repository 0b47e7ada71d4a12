// SPDX-License-Identifier: GPL-2.0
/*
 * The connection future.  Built twice, with -DCONN_HEAVY_inline and
 * -DCONN_HEAVY_boxed: the one word in the heavy branch's declaration is
 * all that differs, as libfut intends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "futsrv.h"
#include "resp_pool.h"
#include "http/http_conn.h"
#include "http/http_response.h"
#include "workload/workload.h"

/*
 * Each build's names, spelled out so that grep finds them: the struct
 * (fut-advise names it from DWARF) and the symbols serve.c calls.
 */
#if defined(CONN_HEAVY_inline)
#define HEAVY_MODE inline
#define CONN conn_inline
#define conn_type conn_inline_type
#define conn_init conn_inline_init
#define conn_size conn_inline_size
#elif defined(CONN_HEAVY_boxed)
#define HEAVY_MODE boxed
#define CONN conn_boxed
#define conn_type conn_boxed_type
#define conn_init conn_boxed_init
#define conn_size conn_boxed_size
#else
#error "build with -DCONN_HEAVY_inline or -DCONN_HEAVY_boxed"
#endif

#define NS_PER_S 1000000000ULL
/* What an erroring client may still send before we close on it. */
#define LINGER_MAX_BYTES (256 * 1024)
/* A partial head plus one more receive buffer (libfut's default 4 KiB). */
#define PARTIAL_EXTRA 4096

/* recv, io and get are never awaited at once; heavy is last: an inline
 * heavy child's scratch runs past the struct.  A send, a shutdown or a
 * close is boxed: the slot an idle connection waits in is the receive's. */
#define CONN_BRANCHES(B, U) \
	U(B(inline, fut_recv_next, recv) B(boxed, fut_io, io) \
	  B(inline, resp_get, get)) \
	B(HEAVY_MODE, heavy_fut, heavy)

/*
 * What an idle connection keeps: its receiver, the receive it awaits and
 * where its input stands.  What only a request in flight needs (the
 * parsed head, the response bytes) is in a struct resp from the
 * executor's pool, held from the parse to the send's end; a send, a
 * shutdown or a close is boxed, so that the slot an idle connection
 * waits in is the receive's size.
 */
struct CONN {
	struct fut_hdr hdr;
	int fd;
	uint32_t partial_len;
	uint32_t src_len, src_used;
	uint32_t drained;
	int16_t status;		/* error to answer before closing; 0 none */
	bool released;		/* conn_release done; the fd is being closed */
	bool stopped;		/* the server stops: serve nothing more */
	struct fut_recver rx;
	struct http_conn http;
	uint64_t head_deadline;	/* a head must be done by then; 0 none */
	char *partial;		/* a head split across receives, on the heap */
	const char *src;	/* what is parsed: rx.data, or partial */
	intptr_t r;
	struct resp *resp;	/* only while a request is in flight */
	FUT_BRANCHES(CONN_BRANCHES);
};

#if defined(CONN_HEAVY_boxed)
/*
 * An idle boxed connection is its task: libfut's 48-byte task header and
 * this state, in one slab class.  320 bytes is a class; the next is 384,
 * 64 bytes more for each idle connection (fut-advise --breakdown).
 */
_Static_assert(48 + sizeof(struct conn_boxed) <= 320,
	       "the boxed connection's task is over the 320-byte slab class");
#endif

static uint64_t recv_timeout_ns(struct CONN *self)
{
	uint64_t now;

	if (!self->head_deadline)
		return futsrv_cfg.srv.idle_timeout_s * NS_PER_S;
	now = fut_now_ns();
	return self->head_deadline > now ? self->head_deadline - now : 1;
}

/* Parse the new bytes in place, or after the partial head kept before. */
static void take_data(struct CONN *self)
{
	uint32_t cap = futsrv_cfg.srv.limits.max_head_bytes + PARTIAL_EXTRA;
	uint32_t n = self->rx.data_len;

	self->src_used = 0;
	if (!self->partial_len) {
		self->src = self->rx.data;
		self->src_len = n;
		return;
	}
	/* The partial is shorter than a head, so a whole buffer fits. */
	if (n > cap - self->partial_len)
		n = cap - self->partial_len;
	memcpy(self->partial + self->partial_len, self->rx.data, n);
	self->partial_len += n;
	self->src = self->partial;
	self->src_len = self->partial_len;
	fut_recver_done(&self->rx);
}

/* Keep an unfinished head for the next receive; false on ENOMEM. */
static bool keep_rest(struct CONN *self)
{
	uint32_t rest = self->src_len - self->src_used;

	if (self->src == self->partial) {
		memmove(self->partial, self->partial + self->src_used, rest);
	} else if (rest) {
		self->partial = malloc(futsrv_cfg.srv.limits.max_head_bytes + PARTIAL_EXTRA);
		if (!self->partial)
			return false;
		memcpy(self->partial, self->src + self->src_used, rest);
	}
	self->partial_len = rest;
	if (!rest) {
		free(self->partial);
		self->partial = NULL;
	}
	if (rest && !self->http.drain_left && !self->head_deadline)
		self->head_deadline = fut_now_ns() + futsrv_cfg.srv.idle_timeout_s * NS_PER_S;
	fut_recver_done(&self->rx);
	return true;
}

/* The response buffer back to the pool: its send is over. */
static void resp_done(struct CONN *self)
{
	if (!self->resp)
		return;
	resp_pool_put(&futsrv_ctx()->resp_pool, self->resp);
	self->resp = NULL;
}

static void conn_release(struct CONN *self)
{
	if (self->released)
		return;
	self->released = true;
	fut_recver_release(&self->rx);
	free(self->partial);
	self->partial = NULL;
	resp_done(self);
	futsrv_conn_leave(futsrv_ctx(), self->fd);
}

static intptr_t conn_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct CONN *self = (void *)h;
	enum http_step step;
	size_t used;
	int status;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	for (;;) {
		FUT_AWAIT(recv, self->r, fut_recv_next_init,
			  &self->rx, recv_timeout_ns(self));
		if (self->r == -ETIMEDOUT)
			self->status = 408;
		if (self->r <= 0)
			break;
		take_data(self);
		while (!self->status && !self->stopped) {
			/*
			 * Nothing left of this receive: wait for more before
			 * taking a buffer (a step on no bytes only says MORE).
			 */
			if (self->src_used == self->src_len)
				break;
			/* Where the head is parsed to: held from here until
			 * its answer is sent; when the pool is dry, wait (a
			 * child only then: most requests find one free). */
			if (!self->resp &&
			    !(self->resp = resp_pool_try(&futsrv_ctx()->resp_pool))) {
				FUT_AWAIT(get, self->r, resp_get_init,
					  &futsrv_ctx()->resp_pool, &self->resp);
				if (self->r < 0)
					goto close;
			}
			step = http_conn_step(&self->http, self->src + self->src_used,
					      self->src_len - self->src_used,
					      &futsrv_cfg.srv.limits, &used, &self->resp->req,
					      &status);
			self->src_used += used;
			if (step == HTTP_STEP_MORE)
				break;
			if (step == HTTP_STEP_ERROR) {
				self->status = status;
				break;
			}
			/* Stopping: the request in flight was the last one. */
			if (futsrv_ctx()->stopping) {
				self->stopped = true;
				break;
			}
			self->head_deadline = 0;
			self->resp->keep_alive = self->resp->req.keep_alive;
			self->resp->route = workload_route(&self->resp->req);
			if (self->resp->route == ROUTE_HEAVY) {
				FUT_AWAIT(heavy, self->r, heavy_init,
					  futsrv_cfg.srv.heavy_bytes, &self->resp->digest);
				if (self->r == -ENOMEM) {
					/* No memory for the heavy branch's box:
					 * this request fails, the server goes on. */
					self->status = 503;
					break;
				}
			}
			self->resp->out_len = workload_respond(
				self->resp->route, &self->resp->req,
				futsrv_cfg.srv.heavy_bytes, self->resp->digest,
				self->resp->out, sizeof(self->resp->out));
			futsrv_count_request();
			/*
			 * First without waiting: one SQE and no linked timeout
			 * (a timer armed and cancelled in the kernel every
			 * request).  Only a full socket waits, timed.
			 */
			self->resp->send_waits = false;
			for (self->resp->out_sent = 0;
			     self->resp->out_sent < self->resp->out_len;
			     self->resp->out_sent += self->r) {
				FUT_AWAIT(io, self->r, fut_send_init,
					  self->fd, self->resp->out + self->resp->out_sent,
					  self->resp->out_len - self->resp->out_sent,
					  MSG_NOSIGNAL | (self->resp->send_waits ? 0 : MSG_DONTWAIT),
					  self->resp->send_waits ?
						futsrv_cfg.srv.idle_timeout_s * NS_PER_S : 0);
				if (self->r == -EAGAIN && !self->resp->send_waits) {
					self->resp->send_waits = true;
					self->r = 0;
					continue;
				}
				if (self->r <= 0)
					goto close;
			}
			if (!self->resp->keep_alive)
				goto close;
			resp_done(self);
		}
		if (self->status || self->stopped)
			break;
		resp_done(self);	/* a head still to come: nothing in flight */
		if (!keep_rest(self)) {
			self->status = 503;
			break;
		}
	}

	if (self->status) {
		/* Answer, then close without losing the answer (below). */
		if (!self->resp) {
			FUT_AWAIT(get, self->r, resp_get_init,
				  &futsrv_ctx()->resp_pool, &self->resp);
			if (self->r < 0)
				goto close;
		}
		self->resp->out_len = http_format_error(self->resp->out,
							sizeof(self->resp->out),
							self->status);
		for (self->resp->out_sent = 0;
		     self->resp->out_sent < self->resp->out_len;
		     self->resp->out_sent += self->r) {
			FUT_AWAIT(io, self->r, fut_send_init,
				  self->fd, self->resp->out + self->resp->out_sent,
				  self->resp->out_len - self->resp->out_sent,
				  MSG_NOSIGNAL, NS_PER_S);
			if (self->r <= 0)
				goto close;
		}
	}
	resp_done(self);
	if (self->status || self->stopped) {
		/*
		 * Closing with unread input sends RST, which can destroy the
		 * last response before the client reads it.  Half-close and
		 * drain, bounded.
		 */
		FUT_AWAIT(io, self->r, fut_shutdown_init,
			  self->fd, SHUT_WR);
		for (self->drained = 0; self->drained < LINGER_MAX_BYTES;
		     self->drained += self->r) {
			FUT_AWAIT(recv, self->r,
				  fut_recv_next_init, &self->rx, NS_PER_S);
			if (self->r <= 0)
				break;
		}
	}
close:
	conn_release(self);
	FUT_AWAIT(io, self->r, fut_close_init, self->fd);
	/* No box for the close: close it here. */
	if (self->r == -ENOMEM)
		close(self->fd);
	FUT_END;
}

/* Cancelled (no IO is in flight any more): let go of everything. */
static void conn_drop(struct fut_hdr *h)
{
	struct CONN *self = (void *)h;

	/* Released: the close was submitted already; never close twice. */
	if (self->released)
		return;
	conn_release(self);
	close(self->fd);
}

/* Writable: conn_size() sets the inline heavy child's size at start. */
static struct fut_slot conn_slots[FUT_NSLOTS(CONN_BRANCHES) + 1] =
	FUT_SLOTS_INIT(CONN, CONN_BRANCHES);

struct fut_type conn_type = {
	.name = "http_conn",
	.state_size = sizeof(struct CONN),
	.poll = conn_poll,
	.drop = conn_drop,
	.slots = conn_slots,
	.nslots = FUT_NSLOTS(CONN_BRANCHES),
};

void conn_init(void *state, int fd)
{
	struct CONN *self = state;

	self->fd = fd;
}

void conn_size(size_t heavy_state_bytes)
{
	struct fut_slot *heavy = &conn_slots[FUT_SLOT_INDEX(struct CONN, heavy)];

	/* Inline: the heavy child's whole state is part of every connection. */
	if (heavy->boxed)
		return;
	heavy->size = heavy_state_bytes;
	conn_type.state_size = offsetof(struct CONN, heavy) + heavy_state_bytes;
}
