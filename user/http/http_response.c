// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "http_response.h"

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

size_t http_format_response(char *out, size_t cap, int status,
			    bool keep_alive, bool head_only,
			    const char *body, size_t body_len)
{
	int head = snprintf(out, cap,
			    "HTTP/1.1 %d %s\r\n"
			    "Server: stacklab\r\n"
			    "Content-Type: text/plain\r\n"
			    "Content-Length: %zu\r\n"
			    "%s"
			    "Connection: %s\r\n"
			    "\r\n",
			    status, http_reason(status), body_len,
			    status == 405 ? "Allow: GET, HEAD\r\n" : "",
			    keep_alive ? "keep-alive" : "close");
	size_t total;

	if (head < 0 || (size_t)head >= cap)
		return 0;
	total = head;
	if (head_only)
		return total;
	if (body_len > cap - total)
		return 0;
	memcpy(out + total, body, body_len);
	return total + body_len;
}

size_t http_format_error(char *out, size_t cap, int status)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status,
			 http_reason(status));

	return http_format_response(out, cap, status, false, false, body, n);
}
