// SPDX-License-Identifier: GPL-2.0
/*
 * tpc-server and fut-server answer byte for byte alike: each request
 * below goes to both on a fresh connection, everything read until the
 * server closes (or a response is complete) must match, and the first
 * response must have the case's status.
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
	int status;		/* the first response's */
	const char *request;
} cases[] = {
	{ "root", 200, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "heavy", 200, "GET /heavy HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "head", 200, "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "not found", 404, "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" },
	{ "405 with body", 405, "PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
				"Connection: close\r\n\r\nabc" },
	{ "http/1.0", 200, "GET / HTTP/1.0\r\n\r\n" },
	{ "pipelined", 200, "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /heavy HTTP/1.1\r\n"
			    "Host: t\r\nConnection: close\r\n\r\n" },
	{ "400 no host", 400, "GET / HTTP/1.1\r\n\r\n" },
	{ "400 garbage", 400, "\x01\x02\x03 hello\r\n\r\n" },
	{ "413", 413, "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n" },
	{ "501", 501, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" },
	/* RFC 9112 3.2: Host required in 1.1, one, and valid. */
	{ "400 host with a space", 400, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n" },
	{ "400 empty host", 400, "GET / HTTP/1.1\r\nHost: \r\n\r\n" },
	{ "400 host list", 400, "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n" },
	{ "400 two hosts", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n" },
	{ "400 bad host in 1.0", 400, "GET / HTTP/1.0\r\nHost: a b\r\n\r\n" },
	/* RFC 9112 3.2.2: absolute form, routed by its path. */
	{ "absolute form", 200, "GET http://t:80/heavy HTTP/1.1\r\nHost: t\r\n"
				"Connection: close\r\n\r\n" },
	{ "absolute form no path", 200, "GET http://t HTTP/1.1\r\nHost: t\r\n"
					"Connection: close\r\n\r\n" },
	{ "absolute form 404", 404, "GET http://t/nope HTTP/1.1\r\nHost: t\r\n"
				    "Connection: close\r\n\r\n" },
	{ "400 absolute form ftp", 400, "GET ftp://t/ HTTP/1.1\r\nHost: t\r\n\r\n" },
	{ "query stripped", 200, "GET /heavy?x=1 HTTP/1.1\r\nHost: t\r\n"
				 "Connection: close\r\n\r\n" },
	{ "query on root", 200, "HEAD /?a=b&c HTTP/1.1\r\nHost: t\r\n"
				"Connection: close\r\n\r\n" },
	/* RFC 9112 2.3: a later 1.x is 1.1 (keep-alive); another major 505. */
	{ "http/1.2", 200, "GET / HTTP/1.2\r\nHost: t\r\n\r\nGET / HTTP/1.2\r\n"
			   "Host: t\r\nConnection: close\r\n\r\n" },
	{ "400 http/1.2 no host", 400, "GET / HTTP/1.2\r\n\r\n" },
	{ "505 http/2.0", 505, "GET / HTTP/2.0\r\nHost: t\r\n\r\n" },
	{ "505 http/0.9", 505, "GET / HTTP/0.9\r\nHost: t\r\n\r\n" },
	{ "400 http/1.10", 400, "GET / HTTP/1.10\r\nHost: t\r\n\r\n" },
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

		char status[16];

		snprintf(status, sizeof(status), "HTTP/1.1 %d ", cases[i].status);
		EXPECT_LT(0, la) TH_LOG("%s: %s sent nothing", cases[i].name, server_a);
		EXPECT_EQ(0, strncmp(got_a, status, strlen(status)))
			TH_LOG("%s: %s answered %.12s, not %d", cases[i].name,
			       server_a, la ? got_a : "nothing", cases[i].status);
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
