// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "http/http_response.h"
#include "workload.h"

static const char root_body[] = "hello from stacklab\n";

static bool path_is(const struct http_request *req, const char *path)
{
	size_t n = strlen(path);

	return req->path_len == n && !memcmp(req->path, path, n);
}

enum workload_route workload_route(const struct http_request *req)
{
	if (req->method == HTTP_OTHER)
		return ROUTE_NOT_ALLOWED;
	if (path_is(req, "/"))
		return ROUTE_ROOT;
	if (path_is(req, "/heavy"))
		return ROUTE_HEAVY;
	return ROUTE_NOT_FOUND;
}

/* Not inlined: the scratch must really be written where the caller put it. */
__attribute__((noinline))
void workload_heavy_fill(unsigned char *scratch, size_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ n;

	/* xorshift64 */
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		scratch[i] = (unsigned char)x;
	}
}

__attribute__((noinline))
uint64_t workload_heavy_sum(const unsigned char *scratch, size_t n)
{
	uint64_t digest = 0xcbf29ce484222325ULL;

	/* FNV-1a over the bytes as written. */
	for (size_t i = 0; i < n; i++) {
		digest ^= scratch[i];
		digest *= 0x100000001b3ULL;
	}
	return digest;
}

uint64_t workload_heavy_digest(unsigned char *scratch, size_t n)
{
	workload_heavy_fill(scratch, n);
	return workload_heavy_sum(scratch, n);
}

size_t workload_respond(enum workload_route route,
			const struct http_request *req, size_t heavy_bytes,
			uint64_t digest, char *out, size_t cap)
{
	bool head_only = req->method == HTTP_HEAD;
	char body[96];
	int status = 200;
	int n;

	switch (route) {
	case ROUTE_ROOT:
		n = snprintf(body, sizeof(body), "%s", root_body);
		break;
	case ROUTE_HEAVY:
		n = snprintf(body, sizeof(body), "heavy %zu bytes digest %016llx\n",
			     heavy_bytes, (unsigned long long)digest);
		break;
	case ROUTE_NOT_FOUND:
		status = 404;
		n = snprintf(body, sizeof(body), "404 Not Found\n");
		break;
	default:
		status = 405;
		n = snprintf(body, sizeof(body), "405 Method Not Allowed\n");
		break;
	}
	return http_format_response(out, cap, status, req->keep_alive,
				    head_only, body, n);
}
