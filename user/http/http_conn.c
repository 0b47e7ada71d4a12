// SPDX-License-Identifier: GPL-2.0
#include "http_conn.h"

enum http_step http_conn_step(struct http_conn *conn, const char *buf,
			      size_t len, const struct http_limits *limits,
			      size_t *used, struct http_request *req,
			      int *status)
{
	size_t drained = conn->drain_left < len ? conn->drain_left : len;
	ssize_t head;

	conn->drain_left -= drained;
	*used = drained;
	if (conn->drain_left)
		return HTTP_STEP_MORE;

	head = http_parse_request(buf + drained, len - drained, limits, req);
	if (head < 0) {
		*status = -head;
		return HTTP_STEP_ERROR;
	}
	if (head == 0)
		return HTTP_STEP_MORE;
	*used += head;
	conn->drain_left = req->content_length;
	return HTTP_STEP_REQUEST;
}
