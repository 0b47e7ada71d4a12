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

static size_t respond_built(enum workload_route route,
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

/*
 * Every response but the heavy one depends only on its route, keep-alive
 * and HEAD: built once here and copied, not formatted per request (the
 * formatting was a tenth of fut-server's instructions a request).
 */
#define FIXED_ROUTES (ROUTE_NOT_ALLOWED + 1)
static struct {
	size_t len;
	char bytes[WORKLOAD_RESPONSE_MAX];
} fixed[FIXED_ROUTES][2][2];	/* [route][keep_alive][head_only] */

static void __attribute__((constructor)) fixed_init(void)
{
	for (int route = 0; route < FIXED_ROUTES; route++) {
		if (route == ROUTE_HEAVY)
			continue;
		for (int keep = 0; keep < 2; keep++)
			for (int head = 0; head < 2; head++) {
				struct http_request req = {
					.method = head ? HTTP_HEAD : HTTP_GET,
					.keep_alive = keep,
				};

				fixed[route][keep][head].len = respond_built(
					route, &req, 0, 0,
					fixed[route][keep][head].bytes,
					WORKLOAD_RESPONSE_MAX);
			}
	}
}

size_t workload_respond(enum workload_route route,
			const struct http_request *req, size_t heavy_bytes,
			uint64_t digest, char *out, size_t cap)
{
	/* Built with a cap of WORKLOAD_RESPONSE_MAX: the same bytes fit
	 * any larger cap; a smaller one is formatted as before. */
	if (route != ROUTE_HEAVY && (unsigned int)route < FIXED_ROUTES &&
	    cap >= WORKLOAD_RESPONSE_MAX) {
		const typeof(fixed[0][0][0]) *f =
			&fixed[route][req->keep_alive][req->method == HTTP_HEAD];

		if (f->len) {
			memcpy(out, f->bytes, f->len);
			return f->len;
		}
	}
	return respond_built(route, req, heavy_bytes, digest, out, cap);
}
