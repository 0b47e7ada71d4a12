// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the request parser.  Beyond memory safety it checks
 * what the servers rely on: results stay within the buffer and the limits,
 * only the documented statuses come back, the routing path is a path inside
 * the head, and a parsed head parses the same with more bytes after it (a
 * re-scanning parser must be prefix-stable).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits so the fuzzer reaches them. */
	const struct http_limits limits = { .max_head_bytes = 512,
					    .max_headers = 8,
					    .max_body_bytes = 4096 };
	const char *buf = (const char *)data;
	struct http_request req, again;
	ssize_t got = http_parse_request(buf, size, &limits, &req);

	if (got > 0) {
		if ((size_t)got > size || (size_t)got > limits.max_head_bytes)
			abort();
		if (req.target < buf || req.target + req.target_len > buf + got)
			abort();
		if (req.content_length > limits.max_body_bytes)
			abort();
		/* The path: in the head (or the static "/"), and a path. */
		if (!req.path_len || req.path[0] != '/' ||
		    (req.path_len > 1 &&
		     (req.path < buf || req.path + req.path_len > buf + got)))
			abort();
		/* The same head with the input's tail dropped parses alike. */
		if (http_parse_request(buf, got, &limits, &again) != got ||
		    again.content_length != req.content_length ||
		    again.keep_alive != req.keep_alive ||
		    again.path_len != req.path_len ||
		    memcmp(again.path, req.path, req.path_len))
			abort();
	} else if (got == 0) {
		if (size >= limits.max_head_bytes)
			abort();
	} else if (got != -400 && got != -413 && got != -431 && got != -501 &&
		   got != -505) {
		abort();
	}
	return 0;
}
