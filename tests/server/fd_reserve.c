// SPDX-License-Identifier: GPL-2.0
/*
 * At the descriptor limit, with many executor threads: every connection
 * up to --max-conns is served and each one past it gets a 503, none
 * hangs.  The server fits its descriptor limit to --max-conns plus a
 * reserve; the reserve must hold what its threads take (a ring, eventfds,
 * a listener each), or accept fails with EMFILE below --max-conns and the
 * clients past that point wait in the accept queue.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define MAX_CONNS 100
#define PAST 10
#define THREADS "16"

TEST(past_max_conns_503_not_a_hang)
{
	static const char *const args[] = { "--threads", THREADS,
		"--max-conns", "100", "--idle-timeout", "300", NULL };
	static int fds[MAX_CONNS + PAST];
	int served = 0, refused = 0, other = 0;
	struct server_proc srv;
	char buf[1024];
	size_t total;

	ASSERT_TRUE(server_start(&srv, args));
	/* One at a time: the first MAX_CONNS are admitted and stay open. */
	for (int i = 0; i < MAX_CONNS + PAST; i++) {
		int st;

		fds[i] = client_connect(srv.port, 10);
		ASSERT_LE(0, fds[i]) TH_LOG("connection %d: connect failed", i);
		st = client_send_str(fds[i], "GET / HTTP/1.1\r\nHost: t\r\n\r\n") ?
		     client_read_response(fds[i], false, buf, sizeof(buf), &total) : -1;
		if (st < 0) {
			TH_LOG("connection %d: no response in 10 s (%d served, %d refused before it)",
			       i, served, refused);
			other++;
			break;
		}
		if (st == 200)
			served++;
		else if (st == 503)
			refused++;
		else
			other++;
	}
	EXPECT_EQ(0, other);
	EXPECT_EQ(MAX_CONNS, served);
	EXPECT_EQ(PAST, refused);
	for (int i = 0; i < MAX_CONNS + PAST; i++)
		if (fds[i] > 0)
			close(fds[i]);
	EXPECT_EQ(0, server_stop(&srv, 30));
}

TEST_HARNESS_MAIN
