// SPDX-License-Identifier: GPL-2.0
/*
 * tpc-server and fut-server answer byte for byte alike: each request
 * below goes to both on a fresh connection, and everything read until
 * the server closes (or a response is complete) must match.
 * usage: same_bytes SERVER_A SERVER_B [ARG_FOR_B]...   (relative to the
 * build tree; the arguments go to SERVER_B, e.g. --stack split)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

static const char *server_a, *server_b;
static const char *const *server_b_args;

static const struct {
	const char *name;
	const char *request;
} cases[] = {
	{ "root", "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "heavy", "GET /heavy HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "head", "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "not found", "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "405 with body", "PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
			   "Connection: close\r\n\r\nabc" },
	{ "http/1.0", "GET / HTTP/1.0\r\n\r\n" },
	{ "pipelined", "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /heavy HTTP/1.1\r\n"
		       "Host: t\r\nConnection: close\r\n\r\n" },
	{ "400 no host", "GET / HTTP/1.1\r\n\r\n" },
	{ "400 garbage", "\x01\x02\x03 hello\r\n\r\n" },
	{ "413", "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n" },
	{ "501", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" },
};

/* Everything the server sends on one connection for request, until EOF. */
static size_t exchange(uint16_t port, const char *request, char *out, size_t cap)
{
	size_t len = 0;
	int fd = client_connect(port, 10);

	if (fd < 0 || !client_send_str(fd, request)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t n = recv(fd, out + len, cap - len, 0);

		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	return len;
}

TEST(every_case_answers_the_same_bytes)
{
	static const char *const no_args[] = { NULL };
	struct server_proc a, b;
	static char got_a[65536], got_b[65536];

	ASSERT_NE(NULL, server_a);
	setenv("STACKLAB_SERVER", server_a, 1);
	ASSERT_TRUE(server_start(&a, no_args));
	setenv("STACKLAB_SERVER", server_b, 1);
	ASSERT_TRUE(server_start(&b, server_b_args));

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t la = exchange(a.port, cases[i].request, got_a, sizeof(got_a));
		size_t lb = exchange(b.port, cases[i].request, got_b, sizeof(got_b));

		EXPECT_LT(0, la) TH_LOG("%s: %s sent nothing", cases[i].name, server_a);
		EXPECT_EQ(la, lb) TH_LOG("%s: %zu vs %zu bytes", cases[i].name, la, lb);
		EXPECT_EQ(0, memcmp(got_a, got_b, la < lb ? la : lb))
			TH_LOG("%s: the responses differ", cases[i].name);
	}
	EXPECT_EQ(0, server_stop(&a, 20));
	EXPECT_EQ(0, server_stop(&b, 20));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: same_bytes SERVER_A SERVER_B [ARG_FOR_B]...\n");
		return 2;
	}
	server_a = argv[1];
	server_b = argv[2];
	server_b_args = (const char *const *)argv + 3;	/* NULL-terminated */
	/* The harness reads no arguments of its own. */
	return test_harness_run(1, argv);
}
