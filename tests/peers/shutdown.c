// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded shutdown of $STACKLAB_SERVER: 20 clients pipeline 2000
 * GET /heavy each and read nothing; on SIGTERM the server finishes the
 * request in flight on each connection, serves nothing pipelined behind
 * it, and exits 0 within --shutdown-timeout (2 s here, the default).
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../server/server_proc.h"

#define CLIENTS 20
#define PIPELINED 2000
#define REQUEST "GET /heavy HTTP/1.1\r\nHost: t\r\n\r\n"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Send as much of the pipeline as the socket takes without blocking. */
static void pipeline(int fd)
{
	static char reqs[PIPELINED * sizeof(REQUEST)];
	size_t len = 0, sent = 0;

	for (int i = 0; i < PIPELINED; i++, len += strlen(REQUEST))
		memcpy(reqs + len, REQUEST, strlen(REQUEST));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (sent < len) {
		ssize_t n = send(fd, reqs + sent, len - sent, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		sent += n;
	}
}

TEST(sigterm_under_pipelined_load_exits_0_within_the_deadline)
{
	static const char *const args[] = { "--shutdown-timeout", "2", NULL };
	struct server_proc srv;
	int fds[CLIENTS], status = -1;
	double start, took = -1;

	ASSERT_TRUE(server_start(&srv, args));
	for (int i = 0; i < CLIENTS; i++) {
		fds[i] = client_connect(srv.port, 10);
		ASSERT_LE(0, fds[i]);
		pipeline(fds[i]);
	}
	usleep(300 * 1000);
	start = now_s();
	kill(srv.pid, SIGTERM);
	while (now_s() - start < 10) {
		if (waitpid(srv.pid, &status, WNOHANG) == srv.pid) {
			took = now_s() - start;
			break;
		}
		usleep(10 * 1000);
	}
	if (took < 0) {
		kill(srv.pid, SIGKILL);
		waitpid(srv.pid, &status, 0);
	}
	TH_LOG("exited %.2f s after SIGTERM", took);
	EXPECT_LE(0, took) TH_LOG("still running 10 s after SIGTERM");
	/* The deadline, and a little for the exit itself on a busy machine. */
	EXPECT_GE(2.5, took);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(srv.stdout_fd);
	for (int i = 0; i < CLIENTS; i++)
		close(fds[i]);
}

TEST_HARNESS_MAIN
