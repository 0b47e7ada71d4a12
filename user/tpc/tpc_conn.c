// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "http/http_conn.h"
#include "http/http_response.h"
#include "tpc.h"
#include "workload/workload.h"

/* What an erroring client may still send before we close on it. */
#define LINGER_MAX_BYTES (256 * 1024)

struct tpc_config tpc_cfg;
static uint64_t requests_served;

uint64_t tpc_requests_served(void)
{
	return __atomic_load_n(&requests_served, __ATOMIC_RELAXED);
}

size_t tpc_recv_buf_bytes(void)
{
	/* A whole head, plus room to receive while one is being finished. */
	return tpc_cfg.srv.limits.max_head_bytes + 4096;
}

/*
 * The heavy branch: its scratch is a local array, so the thread's stack
 * grows by heavy_bytes on the requests that take it, and stays grown.
 * Not inlined, so the common path's frame does not carry the array.
 */
__attribute__((noinline))
static uint64_t heavy_on_stack(size_t heavy_bytes)
{
	unsigned char scratch[heavy_bytes];

	return workload_heavy_digest(scratch, heavy_bytes);
}

/*
 * --heavy-on heap: the same work with the scratch malloc'd for the request
 * and freed after it, so the stack never grows by it (stack-advise's
 * "segment" fix).  false when out of memory.
 */
static bool heavy_on_heap(size_t heavy_bytes, uint64_t *digest)
{
	unsigned char *scratch = malloc(heavy_bytes);

	if (!scratch)
		return false;
	*digest = workload_heavy_digest(scratch, heavy_bytes);
	free(scratch);
	return true;
}

static bool answer(int fd, const struct http_request *req)
{
	enum workload_route route = workload_route(req);
	char out[WORKLOAD_RESPONSE_MAX];
	uint64_t digest = 0;
	size_t n;

	if (route == ROUTE_HEAVY && !tpc_cfg.heavy_on_heap)
		digest = heavy_on_stack(tpc_cfg.srv.heavy_bytes);
	else if (route == ROUTE_HEAVY && !heavy_on_heap(tpc_cfg.srv.heavy_bytes, &digest))
		return false;	/* out of memory: drop the connection */
	n = workload_respond(route, req, tpc_cfg.srv.heavy_bytes, digest, out,
			     sizeof(out));
	__atomic_add_fetch(&requests_served, 1, __ATOMIC_RELAXED);
	return net_send_all(fd, out, n);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void set_recv_timeout(int fd, int64_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	/* 0 would mean "no timeout": wait at least a millisecond. */
	if (ms <= 0)
		tv.tv_usec = 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
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

	if (shutdown(fd, SHUT_WR) < 0)
		return;
	set_recv_timeout(fd, 1000);
	while (drained < LINGER_MAX_BYTES) {
		ssize_t got = recv(fd, sink, sizeof(sink), 0);

		if (got <= 0)
			break;
		drained += got;
	}
}

/* Answer an error, then close without losing the answer. */
static void send_error_and_linger(int fd, int status)
{
	char out[WORKLOAD_RESPONSE_MAX];
	size_t n = http_format_error(out, sizeof(out), status);

	if (net_send_all(fd, out, n))
		linger(fd);
}

/*
 * Serve requests until the peer closes, a response says close, an error
 * answer is sent, the idle timeout passes, or the server is stopping:
 * then the request in flight is finished and none behind it is served.
 * A head must be finished
 * within the idle timeout of its first byte, so trickling a byte at a
 * time (slowloris) cannot hold a thread forever.
 */
static void serve(int fd)
{
	const int64_t idle_ms = tpc_cfg.srv.idle_timeout_s * 1000LL;
	const size_t cap = tpc_recv_buf_bytes();
	char buf[cap];
	struct http_conn conn = { 0 };
	int64_t head_deadline = 0, timeout_set = idle_ms;
	size_t len = 0;

	set_recv_timeout(fd, idle_ms);
	for (;;) {
		struct http_request req;
		size_t used;
		int status;
		enum http_step step = http_conn_step(&conn, buf, len,
						     &tpc_cfg.srv.limits, &used,
						     &req, &status);

		if (step == HTTP_STEP_ERROR) {
			send_error_and_linger(fd, status);
			return;
		}
		if (step == HTTP_STEP_REQUEST && tpc_registry_stopping()) {
			linger(fd);
			return;
		}
		if (step == HTTP_STEP_REQUEST) {
			bool keep = req.keep_alive;

			if (!answer(fd, &req) || !keep)
				return;
		}
		memmove(buf, buf + used, len - used);
		len -= used;
		if (step == HTTP_STEP_REQUEST)
			continue;

		/* More is needed: an idle wait, or a head being finished. */
		int64_t want = idle_ms;

		if (len && !conn.drain_left) {
			if (!head_deadline)
				head_deadline = now_ms() + idle_ms;
			want = head_deadline - now_ms();
		} else {
			head_deadline = 0;
		}
		if (want != timeout_set) {
			set_recv_timeout(fd, want);
			timeout_set = want;
		}

		ssize_t n = recv(fd, buf + len, cap - len, 0);

		if (n > 0) {
			len += n;
		} else if (n == 0) {
			return;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			send_error_and_linger(fd, 408);
			return;
		} else if (errno != EINTR) {
			return;
		}
	}
}

void *tpc_conn_thread(void *fd_as_ptr)
{
	int fd = (int)(intptr_t)fd_as_ptr;

	serve(fd);
	tpc_registry_remove(fd);
	close(fd);
	return NULL;
}
