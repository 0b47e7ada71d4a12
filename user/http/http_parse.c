// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <strings.h>

#include "http_parse.h"

/* RFC 9110 tchar: the characters of a method or a header field name. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* A head line may hold no control byte but HTAB (a bare CR included). */
static bool has_control(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

/* The next line: [*line, *line + *line_len) without its CRLF or LF. */
static bool next_line(const char *buf, size_t len, size_t *pos,
		      const char **line, size_t *line_len)
{
	const char *nl = memchr(buf + *pos, '\n', len - *pos);

	if (!nl)
		return false;
	*line = buf + *pos;
	*line_len = nl - *line;
	if (*line_len && (*line)[*line_len - 1] == '\r')
		(*line_len)--;
	*pos = nl - buf + 1;
	return true;
}

static ssize_t parse_request_line(const char *line, size_t n,
				  struct http_request *req)
{
	size_t i = 0, method_len, target_start;

	while (i < n && is_tchar(line[i]))
		i++;
	method_len = i;
	if (!method_len || i >= n || line[i] != ' ')
		return -400;
	if (method_len == 3 && !memcmp(line, "GET", 3))
		req->method = HTTP_GET;
	else if (method_len == 4 && !memcmp(line, "HEAD", 4))
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;

	target_start = ++i;
	/* Origin form only ("/path?query"); no absolute or authority form. */
	if (i >= n || line[i] != '/')
		return -400;
	while (i < n && line[i] > 0x20 && line[i] < 0x7f)
		i++;
	req->target = line + target_start;
	req->target_len = i - target_start;
	if (n - i != 9 || line[i] != ' ' || memcmp(line + i + 1, "HTTP/1.", 7))
		return -400;
	if (line[n - 1] != '0' && line[n - 1] != '1')
		return -400;
	req->version_minor = line[n - 1] - '0';
	req->keep_alive = req->version_minor == 1;
	return 0;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && !strncasecmp(name, want, len);
}

/* Content-Length: 1*DIGIT; a repeated field must repeat the same value. */
static ssize_t parse_content_length(const char *v, size_t n, bool seen,
				    const struct http_limits *limits,
				    struct http_request *req)
{
	size_t value = 0;

	if (!n)
		return -400;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -400;
		if (value > (limits->max_body_bytes - (v[i] - '0')) / 10)
			return -413;
		value = value * 10 + (v[i] - '0');
	}
	if (value > limits->max_body_bytes)
		return -413;
	if (seen && value != req->content_length)
		return -400;
	req->content_length = value;
	return 0;
}

/* Connection: a comma-separated token list; close wins over keep-alive. */
static void parse_connection(const char *v, size_t n, bool *close,
			     bool *keep_alive)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (name_is(v + start, end - start, "close"))
			*close = true;
		else if (name_is(v + start, end - start, "keep-alive"))
			*keep_alive = true;
	}
}

ssize_t http_parse_request(const char *buf, size_t len,
			   const struct http_limits *limits,
			   struct http_request *req)
{
	bool have_request_line = false, seen_length = false, seen_host = false;
	bool conn_close = false, conn_keep_alive = false;
	size_t pos = 0, headers = 0, line_len;
	const char *line;
	ssize_t err;

	memset(req, 0, sizeof(*req));
	for (;;) {
		if (!next_line(buf, len, &pos, &line, &line_len)) {
			size_t tail = len - pos;

			if (len >= limits->max_head_bytes)
				return -431;
			/* Garbage is refused at once, not at a limit or timeout. */
			if (tail && buf[len - 1] == '\r')
				tail--;
			if (has_control(buf + pos, tail))
				return -400;
			/* So is an unfinished request line with a bad method. */
			if (!have_request_line) {
				size_t i = pos;

				while (i < len && is_tchar(buf[i]))
					i++;
				if (i < len && buf[i] != ' ')
					return -400;
			}
			return 0;
		}
		if (pos > limits->max_head_bytes)
			return -431;
		if (has_control(line, line_len))
			return -400;

		if (!have_request_line) {
			/* RFC 9112 2.2: ignore empty lines before a request. */
			if (!line_len)
				continue;
			err = parse_request_line(line, line_len, req);
			if (err)
				return err;
			have_request_line = true;
			continue;
		}
		if (!line_len)
			break;

		size_t name_len = 0, v, vend;

		while (name_len < line_len && is_tchar(line[name_len]))
			name_len++;
		/* No name, whitespace before the colon, or obs-fold: 400. */
		if (!name_len || name_len >= line_len || line[name_len] != ':')
			return -400;
		if (++headers > limits->max_headers)
			return -431;
		v = name_len + 1;
		vend = line_len;
		while (v < vend && (line[v] == ' ' || line[v] == '\t'))
			v++;
		while (vend > v && (line[vend - 1] == ' ' || line[vend - 1] == '\t'))
			vend--;

		if (name_is(line, name_len, "Content-Length")) {
			err = parse_content_length(line + v, vend - v, seen_length,
						   limits, req);
			if (err)
				return err;
			seen_length = true;
		} else if (name_is(line, name_len, "Transfer-Encoding")) {
			return -501;
		} else if (name_is(line, name_len, "Host")) {
			if (seen_host)
				return -400;
			seen_host = true;
		} else if (name_is(line, name_len, "Connection")) {
			parse_connection(line + v, vend - v, &conn_close,
					 &conn_keep_alive);
		}
	}

	/* RFC 9112 3.2: an HTTP/1.1 request without Host is a 400. */
	if (req->version_minor == 1 && !seen_host)
		return -400;
	if (conn_close)
		req->keep_alive = false;
	else if (conn_keep_alive)
		req->keep_alive = true;
	return pos;
}
