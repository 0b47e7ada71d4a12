// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 9112/9110 cases of the servers' HTTP subset, against
 * $STACKLAB_SERVER: Host required and valid, absolute-form targets routed
 * by path, HTTP/1.x (x >= 1) served as 1.1, other majors 505, the query
 * stripped before routing, and an empty line split between CR and LF.
 */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../server/server_proc.h"

#define HEAVY_256K_BODY "heavy 262144 bytes digest 50eef9fcaa63a6cc\n"

static const struct {
	const char *name, *request;
	int status;
	const char *body;	/* expected in the response, or NULL */
} cases[] = {
	{ "host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, NULL },
	{ "empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 400, NULL },
	{ "host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400, NULL },
	{ "two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, NULL },
	{ "host and port", "GET / HTTP/1.1\r\nHost: a.b:8080\r\n\r\n", 200, NULL },
	{ "ipv6 host", "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", 200, NULL },
	{ "absolute form", "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 200,
	  "hello from stacklab\n" },
	{ "absolute heavy", "GET http://h:80/heavy?x HTTP/1.1\r\nHost: h\r\n\r\n",
	  200, HEAVY_256K_BODY },
	{ "absolute, no path", "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", 200,
	  "hello from stacklab\n" },
	{ "absolute, no host", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400, NULL },
	{ "http/1.2 as 1.1", "GET / HTTP/1.2\r\nHost: t\r\n\r\n", 200,
	  "Connection: keep-alive\r\n" },
	{ "http/2.0", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505,
	  "505 HTTP Version Not Supported\n" },
	{ "http/3.1", "GET / HTTP/3.1\r\nHost: t\r\n\r\n", 505, NULL },
	{ "http/1.10", "GET / HTTP/1.10\r\nHost: t\r\n\r\n", 400, NULL },
	{ "query on heavy", "GET /heavy?x=1 HTTP/1.1\r\nHost: t\r\n\r\n", 200,
	  HEAVY_256K_BODY },
	{ "query on root", "GET /?a=b HTTP/1.1\r\nHost: t\r\n\r\n", 200,
	  "hello from stacklab\n" },
	{ "query on a miss", "GET /nope?heavy HTTP/1.1\r\nHost: t\r\n\r\n", 404, NULL },
};

FIXTURE(server) {
	struct server_proc srv;
	char buf[65536];
	size_t len;
};

FIXTURE_SETUP(server)
{
	static const char *const args[] = { "--idle-timeout", "5", NULL };

	ASSERT_TRUE(server_start(&self->srv, args));
}

FIXTURE_TEARDOWN(server)
{
	EXPECT_EQ(0, server_stop(&self->srv, 20));
}

TEST_F(server, each_case_gets_its_status)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = client_connect(self->srv.port, 10);
		int status;

		ASSERT_LE(0, fd);
		ASSERT_TRUE(client_send_str(fd, cases[i].request));
		status = client_read_response(fd, false, self->buf,
					      sizeof(self->buf), &self->len);
		EXPECT_EQ(cases[i].status, status) TH_LOG("%s", cases[i].name);
		if (cases[i].body)
			EXPECT_NE(NULL, strstr(self->buf, cases[i].body))
				TH_LOG("%s: no '%s' in the response", cases[i].name,
				       cases[i].body);
		close(fd);
	}
}

TEST_F(server, empty_line_split_between_cr_and_lf_is_incomplete)
{
	int fd = client_connect(self->srv.port, 10);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(client_send_str(fd, "\r"));
	usleep(100 * 1000);
	ASSERT_TRUE(client_send_str(fd, "\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"));
	EXPECT_EQ(200, client_read_response(fd, false, self->buf,
					    sizeof(self->buf), &self->len));
	close(fd);
}

TEST_HARNESS_MAIN
