/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HTTP_PARSE_H
#define STACKLAB_HTTP_PARSE_H

/*
 * The HTTP/1.1 request subset both servers speak (RFC 9112, RFC 9110): a
 * request line with an origin-form or http(s) absolute-form target, header
 * fields, a Host required in HTTP/1.1 and valid in any version, keep-alive,
 * pipelining, Content-Length bodies (which the server drains and ignores).
 * No chunked bodies, no obs-fold.  HTTP/1.2 and later minors are served as
 * HTTP/1.1; another major version is a 505.
 *
 * The parser is stateless: it is given everything received so far for the
 * current request and either finds a whole request head, asks for more, or
 * names the error status.  Re-scanning on each read costs at most the head
 * limit per read and keeps the two servers' state trivial.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OTHER,	/* a valid token we do not serve: 405 */
};

struct http_limits {
	size_t max_head_bytes;	/* request line + headers; over it: 431 */
	size_t max_headers;	/* header fields; over it: 431 */
	size_t max_body_bytes;	/* Content-Length; over it: 413 */
};

#define HTTP_DEFAULT_LIMITS \
	((struct http_limits){ .max_head_bytes = 8192, .max_headers = 64, \
			       .max_body_bytes = 1 << 20 })

struct http_request {
	enum http_method method;
	const char *target;	/* the request-target, in the caller's buffer */
	size_t target_len;
	/*
	 * What to route by: the target's path, without the query, and
	 * without scheme and authority in absolute form; in the caller's
	 * buffer, or a static "/" for "http://h" or "http://h?q".
	 */
	const char *path;
	size_t path_len;
	int version_minor;	/* 0 for HTTP/1.0; 1 for HTTP/1.1 and later 1.x */
	bool keep_alive;	/* after the version default and Connection */
	size_t content_length;	/* body bytes that follow the head */
};

/*
 * Parse the request head at the start of buf.
 * Returns the head's length in bytes (> 0) and fills *req; 0 when the head
 * is incomplete and may still become valid; or -STATUS for the response
 * the server must send before closing: -400, -413, -431, -501 (a
 * Transfer-Encoding we do not implement) or -505 (an HTTP major version
 * other than 1).  A method other than GET and
 * HEAD parses (HTTP_OTHER): the server answers 405 and, the body drained,
 * keeps the connection.
 */
ssize_t http_parse_request(const char *buf, size_t len,
			   const struct http_limits *limits,
			   struct http_request *req);

#endif
