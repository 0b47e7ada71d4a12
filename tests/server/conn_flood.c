// SPDX-License-Identifier: GPL-2.0
/*
 * 10k connections against $STACKLAB_SERVER, then their client is killed:
 * the server keeps serving, and its threads and memory come back near the
 * baseline.  Not for sanitizer builds: ASan's quarantine keeps freed
 * memory on purpose.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define GET_ROOT "GET / HTTP/1.1\r\nHost: t\r\n\r\n"

/* "VmRSS:" or "Threads:" of a process, in kB or as a count; -1 if gone. */
static long proc_status(pid_t pid, const char *key)
{
	char path[64], line[256];
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			value = atol(line + strlen(key));
	fclose(f);
	return value;
}

static bool served(uint16_t port)
{
	char buf[4096];
	size_t len;
	int fd = client_connect(port, 10);
	bool ok = fd >= 0 && client_send_str(fd, GET_ROOT) &&
		  client_read_response(fd, false, buf, sizeof(buf), &len) == 200;

	if (fd >= 0)
		close(fd);
	return ok;
}

FIXTURE(flood) {
	struct server_proc srv;
};

FIXTURE_SETUP(flood)
{
	static const char *const args[] = { "--idle-timeout", "5", NULL };

	ASSERT_TRUE(server_start(&self->srv, args));
}

FIXTURE_TEARDOWN(flood)
{
	EXPECT_EQ(0, server_stop(&self->srv, 30));
}

TEST_F(flood, ten_thousand_connections_then_the_client_is_killed)
{
	long rss_base, rss_peak, rss_after = -1, threads_base, threads_after = -1;
	char port[16], line[256];
	int errpipe[2];
	pid_t client;
	FILE *err;

	/* Settle first, then measure the baseline. */
	ASSERT_TRUE(served(self->srv.port));
	rss_base = proc_status(self->srv.pid, "VmRSS:");
	threads_base = proc_status(self->srv.pid, "Threads:");

	snprintf(port, sizeof(port), "%u", self->srv.port);
	ASSERT_EQ(0, pipe(errpipe));
	client = fork();
	if (client == 0) {
		dup2(errpipe[1], STDERR_FILENO);
		close(STDOUT_FILENO);
		execl("user/loadgen", "loadgen", "--port", port, "--connections",
		      "10000", "--idle", "--duration", "300", "--quiet", NULL);
		_exit(127);
	}
	close(errpipe[1]);
	err = fdopen(errpipe[0], "r");
	ASSERT_NE(NULL, fgets(line, sizeof(line), err)) TH_LOG("loadgen said nothing");
	TH_LOG("%s", strtok(line, "\n"));
	ASSERT_NE(NULL, strstr(line, "idle: 10000 connections open"));
	rss_peak = proc_status(self->srv.pid, "VmRSS:");

	kill(client, SIGKILL);
	waitpid(client, NULL, 0);
	fclose(err);
	EXPECT_TRUE(served(self->srv.port));

	/* Connections end as the server notices the resets. */
	for (int i = 0; i < 300; i++) {
		threads_after = proc_status(self->srv.pid, "Threads:");
		rss_after = proc_status(self->srv.pid, "VmRSS:");
		if (threads_after <= threads_base + 1 &&
		    rss_after - rss_base <= (rss_peak - rss_base) / 4 + 8192)
			break;
		usleep(100 * 1000);
	}
	TH_LOG("RSS kB: base %ld, 10k connections %ld, after %ld; threads %ld -> %ld",
	       rss_base, rss_peak, rss_after, threads_base, threads_after);
	EXPECT_LE(threads_after, threads_base + 1);
	EXPECT_LE(rss_after - rss_base, (rss_peak - rss_base) / 4 + 8192);
	EXPECT_TRUE(served(self->srv.port));
}

TEST_HARNESS_MAIN
