/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_WORKLOAD_H
#define STACKLAB_WORKLOAD_H

/*
 * The work both servers do for a request, so that every difference
 * measured is the design's: "GET /" answers a short body; "GET /heavy"
 * fills a scratch area of --heavy-bytes and digests it.  Where that
 * scratch lives is the point of the comparison: a stack array in
 * tpc-server, an inline or boxed child future in fut-server.
 */
#include <stddef.h>
#include <stdint.h>

#include "http/http_parse.h"

#define WORKLOAD_HEAVY_BYTES_DEFAULT (256 * 1024)

enum workload_route {
	ROUTE_ROOT,
	ROUTE_HEAVY,
	ROUTE_NOT_FOUND,
	ROUTE_NOT_ALLOWED,
};

enum workload_route workload_route(const struct http_request *req);

/*
 * Write every byte of scratch[0..n) (fill), then digest it (sum).  The
 * result depends only on n, so both servers send the same body.  A future
 * suspends between the two, so that its scratch lives across a suspension
 * and is really part of its state, as a Rust async fn's array would be.
 */
void workload_heavy_fill(unsigned char *scratch, size_t n);
uint64_t workload_heavy_sum(const unsigned char *scratch, size_t n);

/* Both, back to back. */
uint64_t workload_heavy_digest(unsigned char *scratch, size_t n);

/*
 * The response to req on route (digest is used by ROUTE_HEAVY only).
 * Returns its length, or 0 if cap is too small.
 */
size_t workload_respond(enum workload_route route,
			const struct http_request *req, size_t heavy_bytes,
			uint64_t digest, char *out, size_t cap);

/* Room any response needs (the longest, a 431, is 166 bytes). */
#define WORKLOAD_RESPONSE_MAX 256

#endif
