// SPDX-License-Identifier: GPL-2.0
/*
 * One connection, served by a coroutine as a thread would serve it: the
 * same loop as tpc-server's, its reads and writes through libfut.  Built
 * with -fsplit-stack (corosrv.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "corosrv.h"
#include "http/http_conn.h"
#include "http/http_response.h"
#include "libfut/fut.h"
#include "workload/workload.h"

#define NS_PER_S 1000000000ULL
/* What an erroring client may still send before we close on it. */
#define LINGER_MAX_BYTES (256 * 1024)

size_t corosrv_recv_buf_bytes(void)
{
	/* A whole head, plus room to receive while one is being finished. */
	return corosrv_cfg.limits.max_head_bytes + 4096;
}

/*
 * The heavy scratch is a fixed-size local array: with -fsplit-stack a
 * variable-length array would be malloc'd by libgcc, not put on the
 * stack.  One function per power of two, from 4 KiB to 1 GiB; the
 * smallest that holds --heavy-bytes runs, and only --heavy-bytes of its
 * frame is touched.
 */
#define HEAVY_MIN_SHIFT 12
#define HEAVY_MAX_SHIFT 30
#define HEAVY_FN(shift)                                                       \
	__attribute__((noinline)) static uint64_t heavy_##shift(size_t n)     \
	{                                                                     \
		unsigned char scratch[1ul << (shift)];                        \
		return workload_heavy_digest(scratch, n);                     \
	}
HEAVY_FN(12) HEAVY_FN(13) HEAVY_FN(14) HEAVY_FN(15) HEAVY_FN(16)
HEAVY_FN(17) HEAVY_FN(18) HEAVY_FN(19) HEAVY_FN(20) HEAVY_FN(21)
HEAVY_FN(22) HEAVY_FN(23) HEAVY_FN(24) HEAVY_FN(25) HEAVY_FN(26)
HEAVY_FN(27) HEAVY_FN(28) HEAVY_FN(29) HEAVY_FN(30)

static uint64_t (*const heavy_by_shift[])(size_t) = {
	heavy_12, heavy_13, heavy_14, heavy_15, heavy_16, heavy_17, heavy_18,
	heavy_19, heavy_20, heavy_21, heavy_22, heavy_23, heavy_24, heavy_25,
	heavy_26, heavy_27, heavy_28, heavy_29, heavy_30,
};
_Static_assert(sizeof(heavy_by_shift) / sizeof(heavy_by_shift[0]) ==
	       HEAVY_MAX_SHIFT - HEAVY_MIN_SHIFT + 1, "one per power of two");

static unsigned int heavy_shift(size_t heavy_bytes)
{
	unsigned int shift = HEAVY_MIN_SHIFT;

	while ((1ul << shift) < heavy_bytes)
		shift++;
	return shift;
}

size_t corosrv_heavy_frame_bytes(size_t heavy_bytes)
{
	return 1ul << heavy_shift(heavy_bytes);
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

static bool answer(int fd, const struct http_request *req)
{
	enum workload_route route = workload_route(req);
	char out[WORKLOAD_RESPONSE_MAX];
	uint64_t digest = 0;
	size_t n;

	if (route == ROUTE_HEAVY)
		digest = heavy_by_shift[heavy_shift(corosrv_cfg.heavy_bytes) -
					HEAVY_MIN_SHIFT](corosrv_cfg.heavy_bytes);
	n = workload_respond(route, req, corosrv_cfg.heavy_bytes, digest, out,
			     sizeof(out));
	corosrv_count_request();
	return send_all(fd, out, n, corosrv_cfg.idle_timeout_s * NS_PER_S);
}

/*
 * Answer an error, then close without losing the answer: closing with
 * unread input sends RST, which can destroy the response before the
 * client reads it.  Half-close, and drain for a bounded time.
 */
static void send_error_and_linger(int fd, int status)
{
	char out[WORKLOAD_RESPONSE_MAX], sink[4096];
	size_t n = http_format_error(out, sizeof(out), status);
	size_t drained = 0;

	if (!send_all(fd, out, n, NS_PER_S) || coro_shutdown(fd, SHUT_WR) < 0)
		return;
	while (drained < LINGER_MAX_BYTES) {
		intptr_t got = coro_recv(fd, sink, sizeof(sink), NS_PER_S);

		if (got <= 0)
			break;
		drained += got;
	}
}

/*
 * Requests until the peer closes, a response says close, an error answer
 * is sent, the idle timeout passes, or the server stops (then the request
 * in flight is finished and nothing pipelined behind it is served).  A
 * head must be finished within the idle timeout of its first byte.
 */
static void serve(int fd)
{
	const uint64_t idle_ns = corosrv_cfg.idle_timeout_s * NS_PER_S;
	const size_t cap = corosrv_recv_buf_bytes();
	char buf[cap];
	struct http_conn conn = { 0 };
	uint64_t head_deadline = 0;
	size_t len = 0;

	for (;;) {
		struct http_request req;
		size_t used;
		int status;
		enum http_step step = http_conn_step(&conn, buf, len,
						     &corosrv_cfg.limits, &used,
						     &req, &status);

		if (step == HTTP_STEP_ERROR) {
			send_error_and_linger(fd, status);
			return;
		}
		if (step == HTTP_STEP_REQUEST) {
			bool keep = req.keep_alive;

			if (!answer(fd, &req) || !keep || corosrv_stopping())
				return;
		}
		memmove(buf, buf + used, len - used);
		len -= used;
		if (step == HTTP_STEP_REQUEST)
			continue;

		/* More is needed: an idle wait, or a head being finished. */
		uint64_t want = idle_ns, now;

		if (len && !conn.drain_left) {
			now = fut_now_ns();
			if (!head_deadline)
				head_deadline = now + idle_ns;
			want = head_deadline > now ? head_deadline - now : 1;
		} else {
			head_deadline = 0;
		}

		intptr_t n = coro_recv(fd, buf + len, cap - len, want);

		if (n > 0) {
			len += n;
		} else if (n == -ETIMEDOUT) {
			send_error_and_linger(fd, 408);
			return;
		} else if (n != -EINTR) {
			return;
		}
	}
}

intptr_t corosrv_serve(void *fd_as_ptr)
{
	int fd = (int)(intptr_t)fd_as_ptr;

	serve(fd);
	corosrv_conn_leave(corosrv_here, fd);
	coro_close(fd);
	return 0;
}
