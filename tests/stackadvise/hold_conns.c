// SPDX-License-Identifier: GPL-2.0
/*
 * hold_conns PORT N REQUESTS HEAVY_EVERY: open N keep-alive connections to
 * 127.0.0.1:PORT, send REQUESTS requests on each, one at a time, where
 * request k of all (counted over every connection) is GET /heavy when
 * k % HEAVY_EVERY == 0 and GET / otherwise, then hold them all idle until
 * SIGTERM.  Prints "hold_conns: idle: N connections, H heavy" once idle.
 * stack-advise's measurement: connections that were served, then idle.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQ(path) "GET " path " HTTP/1.1\r\nHost: x\r\n\r\n"

/* Read one response: the head up to CRLFCRLF, then Content-Length bytes. */
static int read_response(int fd)
{
	char buf[4096];
	size_t have = 0;
	long body;
	char *end, *cl;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			return -1;
		have += n;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end)
			break;
		if (have == sizeof(buf) - 1)
			return -1;
	}
	cl = strcasestr(buf, "content-length:");
	body = cl ? strtol(cl + 15, NULL, 10) : 0;
	body -= (long)(have - (size_t)(end + 4 - buf));
	while (body > 0) {
		ssize_t n = read(fd, buf, sizeof(buf) < (size_t)body ? sizeof(buf) : (size_t)body);

		if (n <= 0)
			return -1;
		body -= n;
	}
	return strncmp(buf, "HTTP/1.1 200", 12) && !cl ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long port, n, reqs, every, heavy = 0, k = 0;
	int *fds;

	if (argc != 5 || (port = atol(argv[1])) <= 0 || port > 65535 ||
	    (n = atol(argv[2])) <= 0 || (reqs = atol(argv[3])) <= 0 ||
	    (every = atol(argv[4])) <= 0) {
		fprintf(stderr, "usage: hold_conns PORT N REQUESTS HEAVY_EVERY (all positive)\n"
				"  e.g. hold_conns 8080 300 20 100: 300 connections, 20 requests each, 1%% heavy\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return 1;
	for (long i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sa, sizeof(sa))) {
			perror("hold_conns: connect");
			return 1;
		}
		for (long r = 0; r < reqs; r++, k++) {
			const char *q = k % every == 0 ? REQ("/heavy") : REQ("/");

			heavy += k % every == 0;
			if (write(fds[i], q, strlen(q)) != (ssize_t)strlen(q) ||
			    read_response(fds[i])) {
				fprintf(stderr, "hold_conns: connection %ld, request %ld failed\n", i, r);
				return 1;
			}
		}
	}
	printf("hold_conns: idle: %ld connections, %ld heavy\n", n, heavy);
	fflush(stdout);
	pause();
	return 0;
}
