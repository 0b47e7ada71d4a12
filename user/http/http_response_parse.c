// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <strings.h>

#include "http_response_parse.h"

/* Longer heads than this are not ours: a peer that is not our server. */
#define MAX_RESPONSE_HEAD 4096

static bool header_is(const char *line, size_t len, const char *name,
		      const char **value, size_t *value_len)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n))
		return false;
	*value = line + n + 1;
	*value_len = len - n - 1;
	while (*value_len && (**value == ' ' || **value == '\t')) {
		(*value)++;
		(*value_len)--;
	}
	while (*value_len && ((*value)[*value_len - 1] == ' ' ||
			      (*value)[*value_len - 1] == '\t'))
		(*value_len)--;
	return true;
}

ssize_t http_parse_response_head(const char *buf, size_t len,
				 struct http_response_head *head)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	const char *line = buf, *value;
	bool have_length = false;
	size_t value_len;

	if (!end)
		return len >= MAX_RESPONSE_HEAD ? -1 : 0;
	memset(head, 0, sizeof(*head));

	/* "HTTP/1.x DDD reason" */
	if (end - buf < 12 || memcmp(buf, "HTTP/1.", 7) ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		head->status = head->status * 10 + (buf[i] - '0');
	}
	/* The reason phrase is optional; a space must come before one. */
	if (head->status < 100 || (buf[12] != '\r' && buf[12] != ' '))
		return -1;

	for (;;) {
		const char *eol = memmem(line, end + 2 - line, "\r\n", 2);
		size_t line_len = eol - line;

		if (line != buf) {
			if (header_is(line, line_len, "Content-Length", &value,
				      &value_len)) {
				if (!value_len)
					return -1;
				head->body_len = 0;
				for (size_t i = 0; i < value_len; i++) {
					if (value[i] < '0' || value[i] > '9' ||
					    head->body_len > (1ULL << 40))
						return -1;
					head->body_len = head->body_len * 10 +
							 (value[i] - '0');
				}
				have_length = true;
			} else if (header_is(line, line_len, "Connection", &value,
					     &value_len)) {
				head->closes = value_len == 5 &&
					       !strncasecmp(value, "close", 5);
			}
		}
		if (eol == end)
			break;
		line = eol + 2;
	}
	return have_length ? end + 4 - buf : -1;
}
