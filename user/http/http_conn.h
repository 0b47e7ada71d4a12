/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HTTP_CONN_H
#define STACKLAB_HTTP_CONN_H

/*
 * One connection's protocol state, free of IO, so that both servers step
 * through it identically: skip what is left of the previous request's
 * body, then parse the next request head from what has been received.
 */
#include "http_parse.h"

struct http_conn {
	size_t drain_left;	/* body bytes of the last request still to skip */
};

enum http_step {
	HTTP_STEP_MORE,		/* receive more, append it, step again */
	HTTP_STEP_REQUEST,	/* *req is ready; its pointers are into buf */
	HTTP_STEP_ERROR,	/* send http_format_error(*status), close */
};

/*
 * Step over buf[0..len), the bytes received and not yet used.  *used is
 * how many of them this step consumed (drained body bytes, then the head
 * on HTTP_STEP_REQUEST); the caller keeps buf[*used..len) for the next
 * step, after it has answered the request.
 */
enum http_step http_conn_step(struct http_conn *conn, const char *buf,
			      size_t len, const struct http_limits *limits,
			      size_t *used, struct http_request *req,
			      int *status);

#endif
