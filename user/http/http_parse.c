// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>

#include "http_parse.h"
#include "http_str.h"

/*
 * Byte classes, one table lookup each instead of ranges and a strchr per
 * byte (the parser's hottest loops).  Filled once at load time.
 */
enum { CC_TCHAR = 1, CC_HOST = 2, CC_CTL = 4 };
static unsigned char cclass[256];

static void __attribute__((constructor)) cclass_init(void)
{
	/* RFC 9110 tchar: the characters of a method or a header field name. */
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	/* RFC 3986 unreserved and sub-delims (with letters and digits). */
	static const char host[] = "-._~!$&'()*+,;=";

	for (int c = 0; c < 256; c++) {
		bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z');

		if (alnum || (c && http_strchr(tchar, c)))
			cclass[c] |= CC_TCHAR;
		if (alnum || (c && http_strchr(host, c)))
			cclass[c] |= CC_HOST;
		/* A head line may hold no control byte but HTAB. */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			cclass[c] |= CC_CTL;
	}
}

static bool is_tchar(unsigned char c)
{
	return cclass[c] & CC_TCHAR;
}

#define ONES_8 0x0101010101010101ULL

/*
 * Whether some byte of w is below 0x20 or is 0x7f: exact as a yes or no
 * (never a false no), though not which byte.  A word at a time, as the
 * parser's per-byte scan of every line was its largest cost.
 */
static uint64_t control_mask(uint64_t w)
{
	uint64_t del = w ^ (ONES_8 * 0x7f);

	return (((w - ONES_8 * 0x20) & ~w) | ((del - ONES_8) & ~del)) &
	       (ONES_8 * 0x80);
}

static bool word_may_control(uint64_t w)
{
	return control_mask(w);
}

/*
 * The index in its word of the first byte control_mask() marks: its
 * lowest mark is exact (no borrow reaches a byte below the first such
 * byte), only those above it may be false.
 */
static unsigned int first_marked(uint64_t mask)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_ctzll(mask) / 8;
#else
	return __builtin_clzll(mask) / 8;
#endif
}

static uint64_t load_word(const char *p)
{
	uint64_t w;

	http_memcpy(&w, p, sizeof(w));
	return w;
}

/* A head line may hold no control byte but HTAB (a bare CR included). */
static inline __attribute__((always_inline)) bool has_control(const char *p,
							      size_t n)
{
	/* Whole words, the last one overlapping the one before: a line
	 * without any such byte is passed without a look at each byte; one
	 * with a HTAB (or a control byte) is judged byte by byte below. */
	if (n >= 8) {
		size_t i;

		for (i = 0; i + 8 < n; i += 8)
			if (word_may_control(load_word(p + i)))
				goto bytes;
		if (!word_may_control(load_word(p + n - 8)))
			return false;
	}
bytes:
	for (size_t i = 0; i < n; i++)
		if (cclass[(unsigned char)p[i]] & CC_CTL)
			return true;
	return false;
}

/* The next line: [*line, *line + *line_len) without its CRLF or LF. */
static bool next_line(const char *buf, size_t len, size_t *pos,
		      const char **line, size_t *line_len)
{
	const char *nl = http_memchr(buf + *pos, '\n', len - *pos);

	if (!nl)
		return false;
	*line = buf + *pos;
	*line_len = nl - *line;
	if (*line_len && (*line)[*line_len - 1] == '\r')
		(*line_len)--;
	*pos = nl - buf + 1;
	return true;
}

/*
 * The usual line in one pass: when the first control byte from *pos is
 * its LF, or the CR of its CRLF, the line is what next_line() finds and
 * has_control() of it is false.  false for any other (another control
 * byte first, a HTAB in a whole word, or no end yet), with *pos
 * untouched: the caller looks again with next_line() and has_control().
 */
static bool plain_line(const char *buf, size_t len, size_t *pos,
		       const char **line, size_t *line_len)
{
	size_t i = *pos, end;
	uint64_t mask;

	for (; i + 8 <= len; i += 8)
		if ((mask = control_mask(load_word(buf + i)))) {
			i += first_marked(mask);
			goto found;
		}
	while (i < len && !(cclass[(unsigned char)buf[i]] & CC_CTL))
		i++;
found:
	end = i;
	if (i < len && buf[i] == '\r')
		i++;
	if (i >= len || buf[i] != '\n')
		return false;
	*line = buf + *pos;
	*line_len = end - *pos;
	*pos = i + 1;
	return true;
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * RFC 3986 unreserved and sub-delims.  A comma is one (reg-name allows
 * it); two Hosts joined into a list ("a, b") still fail on the space.
 */
static bool is_host_char(unsigned char c)
{
	return cclass[c] & CC_HOST;
}

/*
 * uri-host [ ":" port ] (RFC 9110 7.2): a reg-name or IPv4 address (with
 * pct-encoding), or an IP-literal in brackets.  Not empty: every target
 * we serve has an authority.  Userinfo ("u@h") is refused with the rest.
 */
static bool authority_is_valid(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			if (!is_host_char(s[i]) && s[i] != ':')
				return false;
		if (i == 1 || i >= n)
			return false;
		i++;
	} else {
		/* A run of host characters (':' is none), then a
		 * pct-encoding or the end of the host. */
		for (;;) {
			while (i < n && is_host_char(s[i]))
				i++;
			if (i == n || s[i] != '%')
				break;
			if (n - i < 3 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
				return false;
			i += 3;
		}
		if (!i)
			return false;
	}
	if (i == n)
		return true;
	if (s[i++] != ':')
		return false;
	while (i < n && is_digit(s[i]))
		i++;
	return i == n;
}

/*
 * The path to route by: the target without its query, and for an
 * absolute-form target (RFC 9112 3.2.2) without scheme and authority,
 * an empty path there being "/".  Only http and https URIs are served.
 */
static ssize_t parse_target(const char *t, size_t n, struct http_request *req)
{
	size_t i = 0, authority;

	if (t[0] != '/') {
		while (i < n && (is_alpha(t[i]) || is_digit(t[i]) ||
				 t[i] == '+' || t[i] == '-' || t[i] == '.'))
			i++;
		if (!((i == 4 && !http_strncasecmp(t, "http", 4)) ||
		      (i == 5 && !http_strncasecmp(t, "https", 5))) ||
		    n - i < 3 || http_memcmp(t + i, "://", 3))
			return -400;
		authority = i += 3;
		while (i < n && t[i] != '/' && t[i] != '?')
			i++;
		if (!authority_is_valid(t + authority, i - authority))
			return -400;
	}
	req->path = t + i;
	while (i < n && t[i] != '?')
		i++;
	req->path_len = t + i - req->path;
	if (!req->path_len) {
		req->path = "/";
		req->path_len = 1;
	}
	return 0;
}

/*
 * HTTP-version (RFC 9112 2.3): "HTTP/" DIGIT "." DIGIT.  A later 1.x is
 * served as 1.1, the highest we speak; another major gets 505.
 */
static ssize_t parse_version(const char *v, size_t n, struct http_request *req)
{
	if (n != 8 || http_memcmp(v, "HTTP/", 5) || !is_digit(v[5]) || v[6] != '.' ||
	    !is_digit(v[7]))
		return -400;
	if (v[5] != '1')
		return -505;
	req->version_minor = v[7] == '0' ? 0 : 1;
	return 0;
}

static ssize_t parse_request_line(const char *line, size_t n,
				  struct http_request *req)
{
	size_t i = 0, method_len, target_start;
	ssize_t err;

	while (i < n && is_tchar(line[i]))
		i++;
	method_len = i;
	if (!method_len || i >= n || line[i] != ' ')
		return -400;
	if (method_len == 3 && !http_memcmp(line, "GET", 3))
		req->method = HTTP_GET;
	else if (method_len == 4 && !http_memcmp(line, "HEAD", 4))
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;

	target_start = ++i;
	while (i < n && line[i] > 0x20 && line[i] < 0x7f)
		i++;
	req->target = line + target_start;
	req->target_len = i - target_start;
	if (!req->target_len || i >= n || line[i] != ' ')
		return -400;
	/* The version first: a 505 says more than a 400 about its target. */
	err = parse_version(line + i + 1, n - i - 1, req);
	if (!err)
		err = parse_target(req->target, req->target_len, req);
	if (err)
		return err;
	req->keep_alive = req->version_minor == 1;
	return 0;
}

/*
 * Whether name is want in any case, where want is lower-case letters and
 * '-' and name holds no control byte (a field name's tchars, or a token of
 * a line that passed has_control): then a byte | 0x20 is a lower-case
 * letter only for that letter in either case, and is '-' only for '-'
 * (CR being the other).  A word at a time: called for every field.
 */
static inline __attribute__((always_inline)) bool name_is(const char *name,
							  size_t len,
							  const char *want)
{
	size_t n = __builtin_strlen(want);
	uint32_t a, b;

	if (len != n)
		return false;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			if ((load_word(name + i) | ONES_8 * 0x20) != load_word(want + i))
				return false;
		return (load_word(name + n - 8) | ONES_8 * 0x20) ==
		       load_word(want + n - 8);
	}
	if (n >= 4) {
		http_memcpy(&a, name, 4);
		http_memcpy(&b, want, 4);
		if ((a | 0x20202020u) != b)
			return false;
		http_memcpy(&a, name + n - 4, 4);
		http_memcpy(&b, want + n - 4, 4);
		return (a | 0x20202020u) == b;
	}
	for (size_t i = 0; i < n; i++)
		if ((name[i] | 0x20) != want[i])
			return false;
	return true;
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

/*
 * Whether the start of a line already shows an error, whatever follows: a
 * control byte, or in a request line a method with a byte no method has.
 * A CR at the end of what is shown may begin the line's CRLF: not judged.
 * Errors found only at a line's end (a bad field name, a bad version) wait
 * for its end; one that ends past the head limit is a 431.
 */
static bool shows_error(const char *p, size_t n, bool request_line)
{
	size_t i = 0;

	if (n && p[n - 1] == '\r')
		n--;
	if (has_control(p, n))
		return true;
	if (!request_line)
		return false;
	while (i < n && is_tchar(p[i]))
		i++;
	return i < n && p[i] != ' ';
}

/*
 * The end of what may be judged of a line starting at start: the bytes
 * received, but none past the head limit, so that a status never depends
 * on how much arrived at once.
 */
static size_t within(size_t start, size_t len, const struct http_limits *limits)
{
	size_t end = len < limits->max_head_bytes ? len : limits->max_head_bytes;

	return end > start ? end : start;
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
		bool plain = plain_line(buf, len, &pos, &line, &line_len);

		if (!plain && !next_line(buf, len, &pos, &line, &line_len)) {
			/* Garbage is refused at once, not at a limit or timeout. */
			if (shows_error(buf + pos, within(pos, len, limits) - pos,
					!have_request_line))
				return -400;
			return len >= limits->max_head_bytes ? -431 : 0;
		}
		/*
		 * A line that ends past the limit: 431, unless what it shows
		 * within the limit is already an error (as when it arrives
		 * in pieces).
		 */
		if (pos > limits->max_head_bytes) {
			size_t start = line - buf;

			return shows_error(line, within(start, len, limits) - start,
					   !have_request_line) ? -400 : -431;
		}
		if (!plain && has_control(line, line_len))
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

		if (name_is(line, name_len, "content-length")) {
			err = parse_content_length(line + v, vend - v, seen_length,
						   limits, req);
			if (err)
				return err;
			seen_length = true;
		} else if (name_is(line, name_len, "transfer-encoding")) {
			return -501;
		} else if (name_is(line, name_len, "host")) {
			/* RFC 9112 3.2: one Host, and a valid one. */
			if (seen_host || !authority_is_valid(line + v, vend - v))
				return -400;
			seen_host = true;
		} else if (name_is(line, name_len, "connection")) {
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
