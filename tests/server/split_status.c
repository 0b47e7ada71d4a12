// SPDX-License-Identifier: GPL-2.0
/*
 * The status of a bad request head does not depend on how its bytes
 * arrive: each case goes to $STACKLAB_SERVER in one write, then split in
 * two writes at every offset (a short pause between, so that the server
 * mostly reads the halves apart), and every answer must be the case's
 * status (docs/design.md, the workload table).  --max-header-bytes 256
 * keeps the heads short.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define LIMIT 256
#define HEADS "GET / HTTP/1.1\r\nHost: t\r\nX: "	/* 28 bytes */
#define A10 "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A227 A100 A100 A10 A10 "aaaaaaa"
#define A300 A100 A100 A100

static const struct {
	const char *name;
	int status;
	const char *request;
} cases[] = {
	/* A control byte within the limit, on a line that ends past it. */
	{ "control byte, long line", 400, HEADS "a\x01" A300 "\r\n\r\n" },
	{ "control byte at the limit's last byte", 400, HEADS A227 "\x01" "b\r\n\r\n" },
	{ "control byte past the limit", 431, HEADS A300 "\x01\r\n\r\n" },
	/* A CR at the limit's last byte may begin CRLF: the limit decides. */
	{ "bare CR at the limit's last byte", 431, HEADS A227 "\rb\r\n\r\n" },
	{ "bad method, long request line", 400, "G@T /" A300 " HTTP/1.1\r\nHost: t\r\n\r\n" },
	{ "long request line", 431, "GET /" A300 " HTTP/1.1\r\nHost: t\r\n\r\n" },
	{ "long header line", 431, HEADS A300 "\r\n\r\n" },
	{ "bad field name within the limit", 400, "GET / HTTP/1.1\r\nHost: t\r\nX Y: z\r\n\r\n" },
};

/* The status of the answer to request sent in two writes, at split (0: one). */
static int status_of(uint16_t port, const char *request, size_t len, size_t split)
{
	char buf[4096];
	size_t total;
	int fd = client_connect(port, 10), status;

	if (fd < 0)
		return -1;
	if (split) {
		/* Failure is fine: the server may have answered already. */
		client_send(fd, request, split);
		usleep(1000);
	}
	client_send(fd, request + split, len - split);
	shutdown(fd, SHUT_WR);
	status = client_read_response(fd, false, buf, sizeof(buf), &total);
	close(fd);
	return status;
}

TEST(status_is_the_same_however_the_bytes_arrive)
{
	static const char *const args[] = { "--max-header-bytes", "256", NULL };
	struct server_proc srv;

	ASSERT_TRUE(server_start(&srv, args));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].request), wrong = 0, first = 0;
		int first_status = 0;

		for (size_t split = 0; split < len; split++) {
			int s = status_of(srv.port, cases[i].request, len, split);

			if (s != cases[i].status && !wrong++) {
				first = split;
				first_status = s;
			}
		}
		EXPECT_EQ(0, wrong)
			TH_LOG("%s: %zu of %zu ways answered otherwise than %d, the first %d at split %zu",
			       cases[i].name, wrong, len, cases[i].status, first_status, first);
	}
	EXPECT_EQ(0, server_stop(&srv, 20));
}

TEST_HARNESS_MAIN
