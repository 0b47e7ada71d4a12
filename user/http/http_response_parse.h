/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HTTP_RESPONSE_PARSE_H
#define STACKLAB_HTTP_RESPONSE_PARSE_H

/*
 * The client side, for loadgen: find a response head and what follows it.
 * Responses without Content-Length (read-until-close) are not part of the
 * subset: both servers always send one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct http_response_head {
	int status;
	size_t body_len;	/* Content-Length */
	bool closes;		/* Connection: close */
};

/*
 * Returns the head's length (> 0) and fills *head, 0 while it is
 * incomplete, or -1 if it is malformed or lacks Content-Length.
 */
ssize_t http_parse_response_head(const char *buf, size_t len,
				 struct http_response_head *head);

#endif
