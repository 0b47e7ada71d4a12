// SPDX-License-Identifier: GPL-2.0
/*
 * fut-server gives memory back: three rounds of 5000 connections, each
 * opened, one GET /heavy, closed; after each round the server's RSS is
 * within 2x its baseline plus 16 MiB.  With $STACKLAB_BURST_NO_RSS set
 * (sanitizer builds: ASan keeps freed memory on purpose) only the
 * behaviour is checked, and LSan checks for leaks at the server's exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define CONNS 5000
#define ROUNDS 3
#define SLACK_KB (16L * 1024)
#define HEAVY_REQ "GET /heavy HTTP/1.1\r\nHost: t\r\n\r\n"

FIXTURE(burst) {
	struct server_proc srv;
};
FIXTURE_SETUP(burst)
{
	struct rlimit lim;

	/* 5000 client sockets in this process. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
	lim.rlim_cur = lim.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	ASSERT_LE(CONNS + 100, (long)lim.rlim_cur);
	ASSERT_TRUE(server_start(&self->srv, NULL));
}
FIXTURE_TEARDOWN(burst)
{
	EXPECT_EQ(0, server_stop(&self->srv, 60));
}

TEST_F_TIMEOUT(burst, three_rounds_of_5000_connections, 300)
{
	static int fds[CONNS];
	bool check_rss = !getenv("STACKLAB_BURST_NO_RSS");
	long base, fds_base;
	char buf[512];

	ASSERT_TRUE(client_served(self->srv.port));
	base = proc_status(self->srv.pid, "VmRSS:");
	fds_base = proc_fds(self->srv.pid);
	for (int round = 1; round <= ROUNDS; round++) {
		long peak, after, fds_after = -1;
		int ok = 0;

		for (int i = 0; i < CONNS; i++) {
			fds[i] = client_connect(self->srv.port, 30);
			ASSERT_LE(0, fds[i]) TH_LOG("round %d: connection %d", round, i);
			ASSERT_TRUE(client_send_str(fds[i], HEAVY_REQ));
		}
		for (int i = 0; i < CONNS; i++) {
			size_t total;

			ok += client_read_response(fds[i], false, buf, sizeof(buf),
						   &total) == 200;
		}
		peak = proc_status(self->srv.pid, "VmRSS:");
		for (int i = 0; i < CONNS; i++)
			close(fds[i]);
		EXPECT_EQ(CONNS, ok);
		/* The server closes its ends as it sees ours: wait for that. */
		for (int t = 0; t < 300; t++) {
			fds_after = proc_fds(self->srv.pid);
			if (fds_after <= fds_base + 1)
				break;
			usleep(100 * 1000);
		}
		usleep(300 * 1000);
		after = proc_status(self->srv.pid, "VmRSS:");
		TH_LOG("round %d: RSS kB base %ld, with %d connections %ld, after %ld (bound %ld); fds %ld -> %ld",
		       round, base, CONNS, peak, after, 2 * base + SLACK_KB,
		       fds_base, fds_after);
		EXPECT_LE(fds_after, fds_base + 1);
		if (check_rss)
			EXPECT_LE(after, 2 * base + SLACK_KB);
	}
	EXPECT_TRUE(client_served(self->srv.port));
}

TEST_HARNESS_MAIN
