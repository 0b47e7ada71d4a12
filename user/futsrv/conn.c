// SPDX-License-Identifier: GPL-2.0
/*
 * The connection future.  Built twice, with -DHEAVY_MODE=inline and
 * -DHEAVY_MODE=boxed: the one word at the heavy await site (and its
 * FUT_SLOT) is all that differs, as libfut intends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "futsrv.h"
#include "http/http_conn.h"
#include "http/http_response.h"
#include "workload/workload.h"

#ifndef HEAVY_MODE
#error "build with -DHEAVY_MODE=inline or -DHEAVY_MODE=boxed"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define CONN CAT(conn_, HEAVY_MODE)
/* One level more, so that HEAVY_MODE expands before libfut pastes it. */
#define SLOT(mode, T, name) FUT_SLOT(mode, T, name)
#define AWAIT(mode, ...) FUT_AWAIT(mode, __VA_ARGS__)

#define NS_PER_S 1000000000ULL
/* What an erroring client may still send before we close on it. */
#define LINGER_MAX_BYTES (256 * 1024)
/* A partial head plus one more receive buffer (libfut's default 4 KiB). */
#define PARTIAL_EXTRA 4096

enum { SLOT_RECV, SLOT_IO, SLOT_HEAVY };

struct CONN {
	struct fut_hdr hdr;
	int fd;
	int status;		/* error to answer before closing; 0 none */
	bool keep_alive;
	bool released;		/* conn_release done; the fd is being closed */
	bool stopped;		/* the server stops: serve nothing more */
	bool send_waits;	/* the socket was full: send with a timeout */
	struct futsrv_exec *ctx;
	struct fut_recver rx;
	struct http_conn http;
	struct http_request req;	/* points into src */
	uint64_t head_deadline;	/* a head must be done by then; 0 none */
	uint64_t digest;
	char *partial;		/* a head split across receives, on the heap */
	uint32_t partial_len;
	const char *src;	/* what is parsed: rx.data, or partial */
	uint32_t src_len, src_used;
	uint32_t out_len, out_sent, drained;
	intptr_t r;
	char out[WORKLOAD_RESPONSE_MAX];
	union {			/* never awaited at once */
		SLOT(inline, struct fut_recv_next, recv);
		SLOT(inline, struct fut_io, io);
	};
	/* Last: an inline heavy child's scratch runs past the struct. */
	SLOT(HEAVY_MODE, struct heavy_fut, heavy);
};

static struct fut_slot conn_slots[] = {
	FUT_SLOT_DESC(struct CONN, recv, fut_recv_next_type),
	FUT_SLOT_DESC(struct CONN, io, fut_io_type),
	FUT_SLOT_DESC(struct CONN, heavy, heavy_type),
};

static uint64_t recv_timeout_ns(struct CONN *self)
{
	uint64_t now;

	if (!self->head_deadline)
		return futsrv_cfg.idle_timeout_s * NS_PER_S;
	now = fut_now_ns();
	return self->head_deadline > now ? self->head_deadline - now : 1;
}

/* Parse the new bytes in place, or after the partial head kept before. */
static void take_data(struct CONN *self)
{
	uint32_t cap = futsrv_cfg.limits.max_head_bytes + PARTIAL_EXTRA;
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
		self->partial = malloc(futsrv_cfg.limits.max_head_bytes + PARTIAL_EXTRA);
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
		self->head_deadline = fut_now_ns() + futsrv_cfg.idle_timeout_s * NS_PER_S;
	fut_recver_done(&self->rx);
	return true;
}

static void conn_release(struct CONN *self)
{
	if (self->released)
		return;
	self->released = true;
	fut_recver_release(&self->rx);
	free(self->partial);
	self->partial = NULL;
	futsrv_conn_leave(self->ctx, self->fd);
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
		FUT_AWAIT(inline, SLOT_RECV, recv, self->r, fut_recv_next_init,
			  &self->rx, recv_timeout_ns(self));
		if (self->r == -ETIMEDOUT)
			self->status = 408;
		if (self->r <= 0)
			break;
		take_data(self);
		while (!self->status && !self->stopped) {
			step = http_conn_step(&self->http, self->src + self->src_used,
					      self->src_len - self->src_used,
					      &futsrv_cfg.limits, &used, &self->req,
					      &status);
			self->src_used += used;
			if (step == HTTP_STEP_MORE)
				break;
			if (step == HTTP_STEP_ERROR) {
				self->status = status;
				break;
			}
			/* Stopping: the request in flight was the last one. */
			if (self->ctx->stopping) {
				self->stopped = true;
				break;
			}
			self->head_deadline = 0;
			self->keep_alive = self->req.keep_alive;
			if (workload_route(&self->req) == ROUTE_HEAVY) {
				AWAIT(HEAVY_MODE, SLOT_HEAVY, heavy, self->r, heavy_init,
				      futsrv_cfg.heavy_bytes, &self->digest);
				if (self->r == -ENOMEM) {
					/* No memory for the heavy branch's box:
					 * this request fails, the server goes on. */
					self->status = 503;
					break;
				}
			}
			self->out_len = workload_respond(workload_route(&self->req),
							 &self->req,
							 futsrv_cfg.heavy_bytes,
							 self->digest, self->out,
							 sizeof(self->out));
			futsrv_count_request();
			/*
			 * First without waiting: one SQE and no linked timeout
			 * (a timer armed and cancelled in the kernel every
			 * request).  Only a full socket waits, timed.
			 */
			self->send_waits = false;
			for (self->out_sent = 0; self->out_sent < self->out_len;
			     self->out_sent += self->r) {
				FUT_AWAIT(inline, SLOT_IO, io, self->r, fut_send_init,
					  self->fd, self->out + self->out_sent,
					  self->out_len - self->out_sent,
					  MSG_NOSIGNAL | (self->send_waits ? 0 : MSG_DONTWAIT),
					  self->send_waits ? futsrv_cfg.idle_timeout_s * NS_PER_S : 0);
				if (self->r == -EAGAIN && !self->send_waits) {
					self->send_waits = true;
					self->r = 0;
					continue;
				}
				if (self->r <= 0)
					goto close;
			}
			if (!self->keep_alive)
				goto close;
		}
		if (self->status || self->stopped)
			break;
		if (!keep_rest(self)) {
			self->status = 503;
			break;
		}
	}

	if (self->status) {
		/* Answer, then close without losing the answer (below). */
		self->out_len = http_format_error(self->out, sizeof(self->out),
						  self->status);
		for (self->out_sent = 0; self->out_sent < self->out_len;
		     self->out_sent += self->r) {
			FUT_AWAIT(inline, SLOT_IO, io, self->r, fut_send_init,
				  self->fd, self->out + self->out_sent,
				  self->out_len - self->out_sent, MSG_NOSIGNAL,
				  NS_PER_S);
			if (self->r <= 0)
				goto close;
		}
	}
	if (self->status || self->stopped) {
		/*
		 * Closing with unread input sends RST, which can destroy the
		 * last response before the client reads it.  Half-close and
		 * drain, bounded.
		 */
		FUT_AWAIT(inline, SLOT_IO, io, self->r, fut_shutdown_init,
			  self->fd, SHUT_WR);
		for (self->drained = 0; self->drained < LINGER_MAX_BYTES;
		     self->drained += self->r) {
			FUT_AWAIT(inline, SLOT_RECV, recv, self->r,
				  fut_recv_next_init, &self->rx, NS_PER_S);
			if (self->r <= 0)
				break;
		}
	}
close:
	conn_release(self);
	FUT_AWAIT(inline, SLOT_IO, io, self->r, fut_close_init, self->fd);
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

struct fut_type CAT(CONN, _type) = {
	.name = "http_conn",
	.state_size = sizeof(struct CONN),
	.poll = conn_poll,
	.drop = conn_drop,
	.slots = conn_slots,
	.nslots = sizeof(conn_slots) / sizeof(conn_slots[0]),
};

void CAT(CONN, _init)(void *state, int fd, struct futsrv_exec *ctx)
{
	struct CONN *self = state;

	self->fd = fd;
	self->ctx = ctx;
}

void CAT(CONN, _size)(size_t heavy_state_bytes)
{
	/* Inline: the heavy child's whole state is part of every connection. */
	if (conn_slots[SLOT_HEAVY].boxed)
		return;
	conn_slots[SLOT_HEAVY].size = heavy_state_bytes;
	CAT(CONN, _type).state_size = offsetof(struct CONN, heavy) +
				      heavy_state_bytes;
}
