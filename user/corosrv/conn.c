// SPDX-License-Identifier: GPL-2.0
/*
 * One connection, served by a coroutine as a thread would serve it: the
 * same loop as tpc-server's, its reads and writes through libfut.  Built
 * with -fsplit-stack (corosrv.h), and calls no code built without it on
 * the way to waiting in coro_recv: such a call makes gold raise the
 * caller's stack check, and the segment libgcc then maps stays in the
 * coroutine's chain.  Formatting with libc's snprintf runs on the
 * executor's stack instead (on_plain_stack).
 */
#include <errno.h>
#include <sys/socket.h>

#include "corosrv.h"
#include "http/http_conn.h"
#include "http/http_response.h"
#include "http/http_str.h"
#include "libfut/fut.h"
#include "workload/workload.h"

#define NS_PER_S 1000000000ULL
/* What an erroring client may still send before we close on it. */
#define LINGER_MAX_BYTES (256 * 1024)
/* The receive buffer an idle connection has: a few requests' worth. */
#define CONN_FIRST_BUF_BYTES 2048

size_t corosrv_recv_buf_bytes(void)
{
	/* A whole head, plus room to receive while one is being finished. */
	return corosrv_cfg.srv.limits.max_head_bytes + 4096;
}

/*
 * Stack arrays whose size is known only at run time.  With -fsplit-stack
 * a variable-length array is malloc'd by libgcc, not put on the stack, so
 * these are fixed-size arrays instead: one function per power of two from
 * 1 KiB to 1 GiB; the smallest that holds the bytes asked for runs fn on
 * its array, and only what fn touches of it is committed.
 */
typedef intptr_t (*area_fn)(char *area, size_t cap, void *arg);

#define AREA_MIN_SHIFT 10
#define AREA_MAX_SHIFT 30
#define AREA_FN(shift)                                                        \
	__attribute__((noinline)) static intptr_t area_##shift(area_fn fn,    \
							       void *arg)     \
	{                                                                     \
		char area[1ul << (shift)];                                    \
		return fn(area, sizeof(area), arg);                           \
	}
AREA_FN(10) AREA_FN(11) AREA_FN(12) AREA_FN(13) AREA_FN(14) AREA_FN(15)
AREA_FN(16) AREA_FN(17) AREA_FN(18) AREA_FN(19) AREA_FN(20) AREA_FN(21)
AREA_FN(22) AREA_FN(23) AREA_FN(24) AREA_FN(25) AREA_FN(26) AREA_FN(27)
AREA_FN(28) AREA_FN(29) AREA_FN(30)

static intptr_t (*const area_by_shift[])(area_fn, void *) = {
	area_10, area_11, area_12, area_13, area_14, area_15, area_16,
	area_17, area_18, area_19, area_20, area_21, area_22, area_23,
	area_24, area_25, area_26, area_27, area_28, area_29, area_30,
};
_Static_assert(sizeof(area_by_shift) / sizeof(area_by_shift[0]) ==
	       AREA_MAX_SHIFT - AREA_MIN_SHIFT + 1, "one per power of two");

static unsigned int area_shift(size_t bytes)
{
	unsigned int shift = AREA_MIN_SHIFT;

	while ((1ul << shift) < bytes)
		shift++;
	return shift;
}

size_t corosrv_stack_area_bytes(size_t bytes)
{
	return 1ul << area_shift(bytes);
}

static intptr_t with_stack_area(size_t bytes, area_fn fn, void *arg)
{
	return area_by_shift[area_shift(bytes) - AREA_MIN_SHIFT](fn, arg);
}

static intptr_t heavy_on_stack(char *scratch, size_t cap, void *arg)
{
	(void)cap;
	(void)arg;
	return (intptr_t)workload_heavy_digest((unsigned char *)scratch,
					       corosrv_cfg.srv.heavy_bytes);
}

/*
 * Code built without -fsplit-stack, or split code that calls it: on a
 * split stack it runs on the executor's stack (two switches); on a fixed
 * one, where no prologue ever asks for a segment, in place.
 */
static intptr_t on_plain_stack(coro_fn fn, void *arg)
{
	if (corosrv_cfg.stack == CORO_STACK_SPLIT)
		return coro_on_executor(fn, arg);
	return fn(arg);
}

/*
 * Never inlined: gold marks the function that holds a call into plain
 * code, and these must not bring theirs into serve_in.
 */
__attribute__((noinline)) static intptr_t now_ns(void *unused)
{
	(void)unused;
	return (intptr_t)fut_now_ns();
}

static bool send_all(int fd, const char *data, size_t len, uint64_t timeout_ns)
{
	while (len) {
		intptr_t n = coro_send(fd, data, len, timeout_ns);

		if (n <= 0)
			return false;
		data += n;
		len -= n;
	}
	return true;
}

struct respond_args {
	enum workload_route route;
	const struct http_request *req;
	uint64_t digest;
	char *out;
	size_t cap;
	int status;		/* format_error */
};

__attribute__((noinline)) static intptr_t respond(void *arg)
{
	struct respond_args *a = arg;

	return (intptr_t)workload_respond(a->route, a->req,
					  corosrv_cfg.srv.heavy_bytes, a->digest,
					  a->out, a->cap);
}

__attribute__((noinline)) static intptr_t format_error(void *arg)
{
	struct respond_args *a = arg;

	return (intptr_t)http_format_error(a->out, a->cap, a->status);
}

static bool answer(int fd, const struct http_request *req)
{
	char out[WORKLOAD_RESPONSE_MAX];
	struct respond_args a = { .route = workload_route(req), .req = req,
				  .out = out, .cap = sizeof(out) };
	size_t n;

	if (a.route == ROUTE_HEAVY)
		a.digest = (uint64_t)with_stack_area(corosrv_cfg.srv.heavy_bytes,
						     heavy_on_stack, NULL);
	n = (size_t)on_plain_stack(respond, &a);
	corosrv_count_request();
	return send_all(fd, out, n, corosrv_cfg.srv.idle_timeout_s * NS_PER_S);
}

/*
 * Before a close, so that what was sent is not lost: closing with unread
 * input makes the kernel send RST, which can destroy the last response
 * before the client reads it.  Half-close, and drain for a bounded time.
 */
static void linger(int fd)
{
	char sink[4096];
	size_t drained = 0;

	if (coro_shutdown(fd, SHUT_WR) < 0)
		return;
	while (drained < LINGER_MAX_BYTES) {
		intptr_t got = coro_recv(fd, sink, sizeof(sink), NS_PER_S);

		if (got <= 0)
			break;
		drained += got;
	}
}

/* Answer an error, then close without losing the answer. */
static void send_error_and_linger(int fd, int status)
{
	char out[WORKLOAD_RESPONSE_MAX];
	struct respond_args a = { .out = out, .cap = sizeof(out),
				  .status = status };
	size_t n = (size_t)on_plain_stack(format_error, &a);

	if (send_all(fd, out, n, NS_PER_S))
		linger(fd);
}

/* A connection's protocol state, carried into a larger buffer. */
struct conn_state {
	int fd;
	struct http_conn http;
	uint64_t head_deadline;
	const char *carried;	/* bytes received into the smaller buffer */
	size_t len;
};

/*
 * Requests until the peer closes, a response says close, an error answer
 * is sent, the idle timeout passes, or the server stops: then the request
 * in flight is finished, none behind it is served, and the close lingers
 * so that the client reads the last response before its EOF.  A
 * head must be finished within the idle timeout of its first byte.
 *
 * The receive buffer is a stack array.  It starts small (requests are
 * tens of bytes); when an unfinished head fills it, serving goes on one
 * frame deeper in an array that holds the longest head allowed: on a
 * split stack only the connections that need it grow a segment.
 */
static intptr_t serve_in(char *buf, size_t cap, void *arg)
{
	struct conn_state *st = arg;
	const uint64_t idle_ns = corosrv_cfg.srv.idle_timeout_s * NS_PER_S;

	if (st->len)
		http_memcpy(buf, st->carried, st->len);
	for (;;) {
		struct http_request req;
		size_t used;
		int status;
		enum http_step step = http_conn_step(&st->http, buf, st->len,
						     &corosrv_cfg.srv.limits, &used,
						     &req, &status);

		if (step == HTTP_STEP_ERROR) {
			send_error_and_linger(st->fd, status);
			return 0;
		}
		if (step == HTTP_STEP_REQUEST && corosrv_stopping()) {
			linger(st->fd);
			return 0;
		}
		if (step == HTTP_STEP_REQUEST) {
			bool keep = req.keep_alive;

			if (!answer(st->fd, &req) || !keep)
				return 0;
		}
		http_memmove(buf, buf + used, st->len - used);
		st->len -= used;
		if (step == HTTP_STEP_REQUEST)
			continue;
		if (st->len == cap) {
			/* A head longer than this buffer: a larger one. */
			st->carried = buf;
			return with_stack_area(corosrv_recv_buf_bytes(), serve_in, st);
		}

		/* More is needed: an idle wait, or a head being finished. */
		uint64_t want = idle_ns, now;

		if (st->len && !st->http.drain_left) {
			now = (uint64_t)on_plain_stack(now_ns, NULL);
			if (!st->head_deadline)
				st->head_deadline = now + idle_ns;
			want = st->head_deadline > now ? st->head_deadline - now : 1;
		} else {
			st->head_deadline = 0;
		}

		intptr_t n = coro_recv(st->fd, buf + st->len, cap - st->len, want);

		if (n > 0) {
			st->len += n;
		} else if (n == -ETIMEDOUT) {
			send_error_and_linger(st->fd, 408);
			return 0;
		} else {
			return 0;
		}
	}
}

void corosrv_serve(int fd)
{
	struct conn_state st = { .fd = fd };

	with_stack_area(CONN_FIRST_BUF_BYTES, serve_in, &st);
}

size_t corosrv_stack_need(void)
{
	/* The first buffer, the one a long head moves to, the heavy array. */
	return corosrv_stack_area_bytes(CONN_FIRST_BUF_BYTES) +
	       corosrv_stack_area_bytes(corosrv_recv_buf_bytes()) +
	       corosrv_stack_area_bytes(corosrv_cfg.srv.heavy_bytes);
}
