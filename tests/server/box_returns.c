// SPDX-License-Identifier: GPL-2.0
/*
 * A boxed heavy branch gives its memory back when it ends
 * ($STACKLAB_SERVER with --heavy boxed: fut-server, rust-server).  One
 * connection sends two GET /, then 20 GET /heavy one after another, and
 * stays open; the server's anonymous memory may then be no more than half
 * a heavy state above what it was after the GET /s.  A server whose
 * allocator keeps a freed box (glibc's dynamic mmap threshold: the first
 * box freed raises it, and later boxes come from an arena) keeps a whole
 * one.
 */
#include <stdio.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define HEAVY_BYTES (256L * 1024)
#define REQUESTS 20

static int get(int fd, const char *target)
{
	char req[128], buf[1024];
	size_t total;

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
	return client_send_str(fd, req) ?
	       client_read_response(fd, false, buf, sizeof(buf), &total) : -1;
}

TEST(heavy_boxes_do_not_stay)
{
	static const char *const args[] = { "--heavy-bytes", "256K", NULL };
	struct server_proc srv;
	long warm, after;
	int fd;

	ASSERT_TRUE(server_start(&srv, args));
	fd = client_connect(srv.port, 30);
	ASSERT_LE(0, fd);
	ASSERT_EQ(200, get(fd, "/"));
	ASSERT_EQ(200, get(fd, "/"));
	warm = proc_field(srv.pid, "smaps_rollup", "Anonymous:");
	ASSERT_LT(0, warm);
	for (int i = 0; i < REQUESTS; i++) {
		ASSERT_EQ(200, get(fd, "/heavy"))
			TH_LOG("GET /heavy %d of %d", i + 1, REQUESTS);
	}
	after = proc_field(srv.pid, "smaps_rollup", "Anonymous:");
	TH_LOG("anonymous kB after 2 GET / %ld, after %d GET /heavy %ld",
	       warm, REQUESTS, after);
	EXPECT_LT(after - warm, HEAVY_BYTES / 2 / 1024);
	close(fd);
	EXPECT_EQ(0, server_stop(&srv, 30));
}

TEST_HARNESS_MAIN
