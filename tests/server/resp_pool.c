// SPDX-License-Identifier: GPL-2.0
/*
 * fut-server's response buffers come from a per-executor pool and are
 * held only while a response is in flight (counted by the pool, printed
 * on SIGUSR2): connections at rest hold none, and 1000 connections whose
 * requests all arrive at once, with a pool of 8, each get their own full
 * answers, in order (the pool runs dry, so most of them wait for a
 * buffer; none is refused or answered with another's bytes).
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define CONNS 1000
#define NREQ 3

struct stats {
	long conns, held, made, peak, waits;
};

/* SIGUSR2, then the server's "stats:" line from its stdout. */
static bool read_stats(struct server_proc *srv, struct stats *st)
{
	struct pollfd pfd = { .fd = srv->stdout_fd, .events = POLLIN };
	char line[512];
	size_t len = 0;

	if (kill(srv->pid, SIGUSR2))
		return false;
	for (;;) {
		if (poll(&pfd, 1, 20000) != 1 || read(srv->stdout_fd, line + len, 1) != 1)
			return false;
		if (line[len] != '\n') {
			if (++len == sizeof(line) - 1)
				return false;
			continue;
		}
		line[len] = '\0';
		len = 0;
		if (!strstr(line, "stats:"))
			continue;
		return sscanf(strstr(line, "stats:"),
			      "stats: connections %ld requests %*d response_buffers_held %ld response_buffers_made %ld response_buffers_peak %ld response_buffer_waits %ld",
			      &st->conns, &st->held, &st->made, &st->peak,
			      &st->waits) == 5;
	}
}

static const char *const reqs[NREQ] = {
	"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
	"GET /heavy HTTP/1.1\r\nHost: t\r\n\r\n",
	"GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n",
};

/* The answer to each request, asked for alone on a fresh connection. */
static bool expected(uint16_t port, char want[NREQ][1024])
{
	size_t total;

	for (int k = 0; k < NREQ; k++) {
		int fd = client_connect(port, 20);
		bool ok = fd >= 0 && client_send_str(fd, reqs[k]) &&
			  client_read_response(fd, false, want[k], 1024, &total) > 0;

		if (fd >= 0)
			close(fd);
		if (!ok)
			return false;
	}
	return true;
}

TEST(idle_connections_hold_no_response_buffer)
{
	static const char *const args[] = { "--threads", "1", NULL };
	struct server_proc srv;
	struct stats st;
	char buf[1024];
	size_t total;
	int fds[50];

	ASSERT_TRUE(server_start(&srv, args));
	for (int i = 0; i < 50; i++) {
		fds[i] = client_connect(srv.port, 20);
		ASSERT_LE(0, fds[i]);
		/* Served, then at rest; the last ten stop in a head's middle. */
		ASSERT_TRUE(client_send_str(fds[i], reqs[i % NREQ]));
		ASSERT_LT(0, client_read_response(fds[i], false, buf, sizeof(buf), &total));
		if (i >= 40)
			ASSERT_TRUE(client_send_str(fds[i], "GET / HTTP/1.1\r\nHo"));
	}
	for (int tries = 0; tries < 400; tries++) {
		if (!read_stats(&srv, &st) || (st.conns >= 50 && !st.held))
			break;
		usleep(50 * 1000);
	}
	EXPECT_EQ(50, st.conns);
	EXPECT_LE(1, st.made);		/* the requests above took one */
	EXPECT_EQ(0, st.held);
	for (int i = 0; i < 50; i++)
		close(fds[i]);
	EXPECT_EQ(0, server_stop(&srv, 30));
}

TEST(thousand_answers_at_once_wait_for_eight_buffers)
{
	static const char *const args[] = { "--threads", "1", "--response-buffers", "8",
					    "--heavy-bytes", "4K", NULL };
	static char want[NREQ][1024], got[1024];
	struct rlimit rl;
	struct server_proc srv;
	struct stats st;
	static int fds[CONNS];
	size_t total;
	int bad = 0;

	/* 1000 client sockets here. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_max < CONNS + 64)
		SKIP(return, "RLIMIT_NOFILE hard limit %lu < %d", (unsigned long)rl.rlim_max, CONNS + 64);
	rl.rlim_cur = rl.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));

	ASSERT_TRUE(server_start(&srv, args));
	ASSERT_TRUE(expected(srv.port, want));
	for (int i = 0; i < CONNS; i++) {
		fds[i] = client_connect(srv.port, 30);
		ASSERT_LE(0, fds[i]);
	}
	/* Every connection accepted (the server accepts as it goes). */
	for (int tries = 0; tries < 400; tries++) {
		if (!read_stats(&srv, &st) || st.conns >= CONNS)
			break;
		usleep(50 * 1000);
	}
	if (st.conns != CONNS)
		kill(srv.pid, SIGKILL);
	ASSERT_EQ(CONNS, st.conns);
	/* Stopped, the server finds every request there when it resumes. */
	ASSERT_EQ(0, kill(srv.pid, SIGSTOP));
	for (int i = 0; i < CONNS; i++) {
		char batch[512] = "";

		/* Pipelined, in an order of the connection's own. */
		for (int k = 0; k < NREQ; k++)
			strcat(batch, reqs[(i + k) % NREQ]);
		ASSERT_TRUE(client_send_str(fds[i], batch));
	}
	ASSERT_EQ(0, kill(srv.pid, SIGCONT));
	for (int i = 0; i < CONNS; i++) {
		for (int k = 0; k < NREQ; k++) {
			int status = client_read_response(fds[i], false, got,
							  sizeof(got), &total);

			if (status <= 0 || strcmp(got, want[(i + k) % NREQ])) {
				if (bad++ < 5)
					TH_LOG("connection %d, answer %d: status %d, '%.60s'",
					       i, k, status, got);
			}
		}
	}
	EXPECT_EQ(0, bad);
	ASSERT_TRUE(read_stats(&srv, &st));
	EXPECT_EQ(0, st.held);		/* all back, none lost */
	EXPECT_GE(8, st.made);		/* the cap held */
	EXPECT_GE(8, st.peak);
	EXPECT_LT(0, st.waits);		/* the pool ran dry and they waited */
	TH_LOG("buffers made %ld, peak held %ld, waits %ld", st.made, st.peak, st.waits);
	for (int i = 0; i < CONNS; i++)
		close(fds[i]);
	EXPECT_EQ(0, server_stop(&srv, 30));
}

TEST_HARNESS_MAIN
