// SPDX-License-Identifier: GPL-2.0
/*
 * Two servers answer byte for byte alike on mutated requests: N
 * deterministic mutations (seeded) of a few well-formed requests, each
 * sent on a fresh connection to both, compared up to the servers' close.
 * usage: same_bytes_random SERVER_A SERVER_B [N]   (from the build tree)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../server/server_proc.h"

#define MAX_REQ 1024

static const char *server_a, *server_b;
static unsigned long cases = 300;

static const char *const seeds[] = {
	"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
	"GET /heavy HTTP/1.1\r\nHost: a.b:80\r\nConnection: close\r\n\r\n",
	"HEAD / HTTP/1.0\r\n\r\n",
	"POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
	"GET http://h/heavy?q=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
};

/* Bytes a mutation inserts: the grammar's separators and near misses. */
static const char pieces[] = " \t\r\n:/?.,[]0129aAzZ-\x01\x7f\xff";

static uint64_t rng = 0x5eed5eed5eed5eedULL;

static unsigned int next(unsigned int bound)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % bound;
}

/* One to three mutations of a seed: replace, insert, delete or cut. */
static size_t mutate(char *req)
{
	const char *seed = seeds[next(sizeof(seeds) / sizeof(seeds[0]))];
	size_t len = strlen(seed);
	int edits = 1 + next(3);

	memcpy(req, seed, len);
	while (edits-- && len > 1) {
		size_t at = next(len);
		char c = pieces[next(sizeof(pieces) - 1)];

		switch (next(4)) {
		case 0:
			req[at] = c;
			break;
		case 1:
			if (len < MAX_REQ - 1) {
				memmove(req + at + 1, req + at, len - at);
				req[at] = c;
				len++;
			}
			break;
		case 2:
			memmove(req + at, req + at + 1, len - at - 1);
			len--;
			break;
		default:
			len = at + 1;
			break;
		}
	}
	return len;
}

/* Everything the server sends on one connection for req, until EOF. */
static size_t exchange(uint16_t port, const char *req, size_t len, char *out,
		       size_t cap)
{
	size_t got = 0;
	int fd = client_connect(port, 10);

	if (fd < 0)
		return 0;
	if (client_send(fd, req, len)) {
		shutdown(fd, SHUT_WR);
		for (;;) {
			ssize_t n = recv(fd, out + got, cap - got, 0);

			if (n <= 0)
				break;
			got += n;
		}
	}
	close(fd);
	return got;
}

static void print_escaped(const char *what, const char *p, size_t n)
{
	fprintf(stderr, "# %s (%zu bytes): \"", what, n);
	for (size_t i = 0; i < n && i < 300; i++)
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			fputc(p[i], stderr);
		else
			fprintf(stderr, "\\x%02x", (unsigned char)p[i]);
	fprintf(stderr, "\"\n");
}

TEST(mutated_requests_answer_the_same_bytes)
{
	static const char *const args[] = { "--idle-timeout", "1", NULL };
	static char req[MAX_REQ], got_a[65536], got_b[65536];
	struct server_proc a, b;
	unsigned long differ = 0;

	setenv("STACKLAB_SERVER", server_a, 1);
	ASSERT_TRUE(server_start(&a, args));
	setenv("STACKLAB_SERVER", server_b, 1);
	ASSERT_TRUE(server_start(&b, args));

	for (unsigned long i = 0; i < cases; i++) {
		size_t len = mutate(req);
		size_t la = exchange(a.port, req, len, got_a, sizeof(got_a));
		size_t lb = exchange(b.port, req, len, got_b, sizeof(got_b));

		if (la == lb && !memcmp(got_a, got_b, la))
			continue;
		if (differ++ < 5) {
			fprintf(stderr, "# case %lu differs:\n", i);
			print_escaped("request", req, len);
			print_escaped(server_a, got_a, la);
			print_escaped(server_b, got_b, lb);
		}
	}
	EXPECT_EQ(0, differ) TH_LOG("%lu of %lu mutated requests got different answers",
				    differ, cases);
	EXPECT_EQ(0, server_stop(&a, 20));
	EXPECT_EQ(0, server_stop(&b, 20));
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && !(cases = strtoul(argv[3], NULL, 10)))) {
		fprintf(stderr, "usage: same_bytes_random SERVER_A SERVER_B [N]\n");
		return 2;
	}
	server_a = argv[1];
	server_b = argv[2];
	return test_harness_run(1, argv);
}
