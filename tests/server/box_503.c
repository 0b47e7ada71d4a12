// SPDX-License-Identifier: GPL-2.0
/*
 * fut-server --heavy boxed whose first heavy box cannot be allocated
 * (libfut's test hook FUT_TEST_FAIL_BOXES=1): that GET /heavy gets 503,
 * the next one 200, and GET / still 200.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

static int get(uint16_t port, const char *target)
{
	char req[128], buf[1024];
	size_t total;
	int fd = client_connect(port, 10), st;

	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
	st = client_send_str(fd, req) ?
	     client_read_response(fd, false, buf, sizeof(buf), &total) : -1;
	close(fd);
	return st;
}

TEST(heavy_box_without_memory_is_503)
{
	static const char *const args[] = { "--heavy", "boxed", "--threads", "1", NULL };
	struct server_proc srv;

	ASSERT_EQ(0, setenv("FUT_TEST_FAIL_BOXES", "1", 1));
	ASSERT_TRUE(server_start(&srv, args));
	unsetenv("FUT_TEST_FAIL_BOXES");
	EXPECT_EQ(503, get(srv.port, "/heavy"));
	EXPECT_EQ(200, get(srv.port, "/heavy"));
	EXPECT_EQ(200, get(srv.port, "/"));
	EXPECT_EQ(0, server_stop(&srv, 30));
}

TEST_HARNESS_MAIN
