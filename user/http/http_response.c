// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
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

/* Appends n bytes at *at if they fit before end; false otherwise. */
static bool put(char **at, const char *end, const char *s, size_t n)
{
	if ((size_t)(end - *at) < n)
		return false;
	memcpy(*at, s, n);
	*at += n;
	return true;
}

/* Decimal digits of v into buf (at least 20 bytes), most significant
 * first; returns their count. */
static size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

#define PUT_LIT(at, end, lit) put(at, end, lit, sizeof(lit) - 1)

/* Built piece by piece, not by snprintf: every response is formatted here,
 * and interpreting a format string would be a large share of a short
 * request's user-space work.  The header set is http_response.h's. */
size_t http_format_response(char *out, size_t cap, int status,
			    bool keep_alive, bool head_only,
			    const char *body, size_t body_len)
{
	const char *end = out + cap, *reason = http_reason(status);
	char num[20], *at = out;
	bool ok;

	ok = PUT_LIT(&at, end, "HTTP/1.1 ") &&
	     put(&at, end, num, fmt_u64(num, status < 0 ? 0 : (uint64_t)status)) &&
	     PUT_LIT(&at, end, " ") &&
	     put(&at, end, reason, strlen(reason)) &&
	     PUT_LIT(&at, end, "\r\nServer: stacklab\r\n"
			     "Content-Type: text/plain\r\n"
			     "Content-Length: ") &&
	     put(&at, end, num, fmt_u64(num, body_len)) &&
	     PUT_LIT(&at, end, "\r\n") &&
	     (status != 405 || PUT_LIT(&at, end, "Allow: GET, HEAD\r\n")) &&
	     (keep_alive ? PUT_LIT(&at, end, "Connection: keep-alive\r\n\r\n")
			 : PUT_LIT(&at, end, "Connection: close\r\n\r\n"));
	/* A head must leave a byte of cap free, as snprintf's NUL would. */
	if (!ok || at == end)
		return 0;
	if (head_only)
		return at - out;
	if (!put(&at, end, body, body_len))
		return 0;
	return at - out;
}

size_t http_format_error(char *out, size_t cap, int status)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status,
			 http_reason(status));

	return http_format_response(out, cap, status, false, false, body, n);
}
