// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "floor.h"
#include "http/http_parse.h"
#include "workload/workload.h"

static char responses[FLOOR_BATCH * WORKLOAD_RESPONSE_MAX];
const char *floor_responses = responses;
size_t floor_response_len;

bool floor_no_own_option(int opt, const char *arg)
{
	(void)opt;
	(void)arg;
	abort();	/* server_cli calls it only for an option of our own */
}

void floor_init(const struct server_cli *cli, int argc, char **argv,
		struct server_opts *o)
{
	/* loadgen's request, as fut-server reads it. */
	const struct http_request req = {
		.method = HTTP_GET, .target = "/", .target_len = 1,
		.path = "/", .path_len = 1, .version_minor = 1,
		.keep_alive = true,
	};

	server_cli_parse(cli, argc, argv, o);
	floor_response_len = workload_respond(ROUTE_ROOT, &req, o->heavy_bytes,
					      0, responses, WORKLOAD_RESPONSE_MAX);
	if (!floor_response_len)
		abort();	/* WORKLOAD_RESPONSE_MAX holds any response */
	for (unsigned int i = 1; i < FLOOR_BATCH; i++)
		memcpy(responses + i * floor_response_len, responses,
		       floor_response_len);
}

unsigned int floor_count_heads(unsigned int *matched, const char *buf,
			       size_t len)
{
	static const char end[4] = "\r\n\r\n";
	const char *p = buf, *stop = buf + len;
	unsigned int m = *matched, heads = 0;

	while (p < stop) {
		if (!m) {
			/* Most bytes are not a '\r': skip to the next one. */
			p = memchr(p, '\r', stop - p);
			if (!p)
				break;
		}
		if (*p == end[m]) {
			if (++m == sizeof(end)) {
				heads++;
				m = 0;
			}
		} else {
			m = *p == '\r';
		}
		p++;
	}
	*matched = m;
	return heads;
}

void floor_print_listening(const char *prog, const struct server_opts *o,
			   int listen_fd, const char *how)
{
	printf("%s: listening on %s:%u (%s, a %zu-byte response per head)\n",
	       prog, o->addr, net_local_port(listen_fd), how, floor_response_len);
	fflush(stdout);
}
