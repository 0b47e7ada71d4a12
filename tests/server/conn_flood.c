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

/*
 * What the server may keep after its connections ended: a quarter of its
 * growth (allocator caches, tables sized for the peak) plus 1 MiB for
 * what a 10k peak legitimately leaves (fut-server: its 16k-entry task
 * table, 256 KiB, and one empty slab chunk per size class in use; a
 * thread per connection server: glibc arenas' trimmed heads).  A
 * fut-server that kept the slab chunks of its 10k connections would
 * exceed it.
 */
#define RSS_SLACK_KB 1024L
#define RSS_KEPT_KB(base, peak) (((peak) - (base)) / 4 + RSS_SLACK_KB)


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

/* 15 s of waiting for the resets fits, with the flood, in 60 s. */
TEST_F_TIMEOUT(flood, ten_thousand_connections_then_the_client_is_killed, 60)
{
	long rss_base, rss_peak, rss_after = -1, threads_base, threads_after = -1;
	long fds_base, fds_after = -1;
	char port[16], line[256];
	int errpipe[2];
	pid_t client;
	FILE *err;

	/* Settle first, then measure the baseline. */
	ASSERT_TRUE(client_served(self->srv.port));
	rss_base = proc_status(self->srv.pid, "VmRSS:");
	threads_base = proc_status(self->srv.pid, "Threads:");
	fds_base = proc_fds(self->srv.pid);

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
	EXPECT_TRUE(client_served(self->srv.port));

	/* Connections end as the server notices the resets: wait until its
	 * fds and threads are back, then let it settle before measuring. */
	for (int i = 0; i < 150; i++) {
		threads_after = proc_status(self->srv.pid, "Threads:");
		fds_after = proc_fds(self->srv.pid);
		if (threads_after <= threads_base + 1 && fds_after <= fds_base + 1)
			break;
		usleep(100 * 1000);
	}
	usleep(300 * 1000);
	rss_after = proc_status(self->srv.pid, "VmRSS:");
	TH_LOG("RSS kB: base %ld, 10k connections %ld, after %ld (at most %ld); threads %ld -> %ld, fds %ld -> %ld",
	       rss_base, rss_peak, rss_after,
	       rss_base + RSS_KEPT_KB(rss_base, rss_peak), threads_base,
	       threads_after, fds_base, fds_after);
	EXPECT_LE(threads_after, threads_base + 1);
	EXPECT_LE(fds_after, fds_base + 1);
	/* Growth must be real for the bound to mean anything: keeping all of
	 * it must break the bound, which takes more than 4/3 of the slack. */
	EXPECT_GT(rss_peak - rss_base, 2 * RSS_SLACK_KB);
	EXPECT_LE(rss_after - rss_base, RSS_KEPT_KB(rss_base, rss_peak));
	EXPECT_TRUE(client_served(self->srv.port));
}

TEST_HARNESS_MAIN
