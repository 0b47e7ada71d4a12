// SPDX-License-Identifier: GPL-2.0
/* The HTTP/1.1 request subset: what parses, what waits, what is refused. */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "http/http_parse.h"

static ssize_t parse(const char *text, struct http_request *req)
{
	const struct http_limits limits = HTTP_DEFAULT_LIMITS;

	return http_parse_request(text, strlen(text), &limits, req);
}

static ssize_t status_of(const char *text)
{
	struct http_request req;

	return parse(text, &req);
}

#define GET_ROOT "GET / HTTP/1.1\r\nHost: x\r\n\r\n"

TEST(get_parses)
{
	struct http_request req;

	ASSERT_EQ((ssize_t)strlen(GET_ROOT), parse(GET_ROOT, &req));
	EXPECT_EQ(HTTP_GET, req.method);
	EXPECT_EQ(1, req.target_len);
	EXPECT_EQ('/', req.target[0]);
	EXPECT_EQ(1, req.version_minor);
	EXPECT_TRUE(req.keep_alive);
	EXPECT_EQ(0, req.content_length);
}

TEST(target_and_head_method)
{
	struct http_request req;

	ASSERT_LT(0, parse("HEAD /heavy?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", &req));
	EXPECT_EQ(HTTP_HEAD, req.method);
	ASSERT_EQ(10, req.target_len);
	EXPECT_EQ(0, memcmp(req.target, "/heavy?x=1", 10));
	ASSERT_EQ(6, req.path_len);
	EXPECT_EQ(0, memcmp(req.path, "/heavy", 6));
}

static void expect_path(struct __test_metadata *_metadata, const char *text,
			const char *path)
{
	struct http_request req;

	ASSERT_EQ((ssize_t)strlen(text), parse(text, &req)) TH_LOG("%s", text);
	ASSERT_EQ(strlen(path), req.path_len) TH_LOG("%s", text);
	EXPECT_EQ(0, memcmp(req.path, path, req.path_len)) TH_LOG("%s", text);
}

TEST(query_is_not_part_of_the_path)
{
	expect_path(_metadata, "GET /heavy?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", "/heavy");
	expect_path(_metadata, "GET /? HTTP/1.1\r\nHost: x\r\n\r\n", "/");
	expect_path(_metadata, "GET /a?b/c?d HTTP/1.1\r\nHost: x\r\n\r\n", "/a");
}

TEST(absolute_form_is_routed_by_its_path)
{
	expect_path(_metadata, "GET http://h/heavy HTTP/1.1\r\nHost: x\r\n\r\n", "/heavy");
	expect_path(_metadata, "GET http://h:8080/heavy?x=1 HTTP/1.1\r\nHost: h\r\n\r\n",
		    "/heavy");
	expect_path(_metadata, "GET HTTPS://[::1]:443/ HTTP/1.1\r\nHost: x\r\n\r\n", "/");
	expect_path(_metadata, "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", "/");
	expect_path(_metadata, "GET http://h?q=/x HTTP/1.0\r\n\r\n", "/");
	/* Still a Host in HTTP/1.1, even when the target names one. */
	EXPECT_EQ(-400, status_of("GET http://h/ HTTP/1.1\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET http:/h/ HTTP/1.1\r\nHost: h\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET h/ HTTP/1.1\r\nHost: h\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET * HTTP/1.1\r\nHost: h\r\n\r\n"));
}

TEST(host_must_be_valid)
{
	static const char *const bad[] = {
		"a b", "", "a, b", "a ,b", "u@h", "h:8x", ":80", "[::1", "[]",
		"[::1]x", "h%4", "h%zz", "a/b", "h:80:80",
	};
	static const char *const good[] = {
		"example.com", "example.com:8080", "h:", "127.0.0.1:80",
		"[::1]", "[::1]:80", "a%41b", "x_y~z!$&'()*+;=",
		/* RFC 3986 reg-name holds sub-delims, the comma too. */
		"a,b", "t,",
	};
	char text[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", bad[i]);
		EXPECT_EQ(-400, status_of(text)) TH_LOG("Host: %s", bad[i]);
		/* A Host is optional in HTTP/1.0, but if sent, valid. */
		snprintf(text, sizeof(text), "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", bad[i]);
		EXPECT_EQ(-400, status_of(text)) TH_LOG("1.0, Host: %s", bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "GET / HTTP/1.1\r\nHost: %s \r\n\r\n", good[i]);
		EXPECT_EQ((ssize_t)strlen(text), status_of(text)) TH_LOG("Host: %s", good[i]);
	}
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost:\r\n\r\n"));
}

TEST(versions)
{
	struct http_request req;

	/* A later minor is served as the highest we speak, 1.1. */
	ASSERT_LT(0, parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n", &req));
	EXPECT_EQ(1, req.version_minor);
	EXPECT_TRUE(req.keep_alive);
	ASSERT_LT(0, parse("GET / HTTP/1.9\r\nHost: x\r\nConnection: close\r\n\r\n", &req));
	EXPECT_FALSE(req.keep_alive);
	EXPECT_EQ(-400, status_of("GET / HTTP/1.2\r\n\r\n"));	/* no Host */
	EXPECT_EQ(-505, status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-505, status_of("GET / HTTP/0.9\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-505, status_of("GET http://h/ HTTP/3.1\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.10\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/11\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / http/1.1\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.x\r\nHost: x\r\n\r\n"));
}

TEST(every_prefix_is_incomplete)
{
	const struct http_limits limits = HTTP_DEFAULT_LIMITS;
	const char *text = "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n";
	struct http_request req;

	for (size_t n = 0; n < strlen(text); n++) {
		ASSERT_EQ(0, http_parse_request(text, n, &limits, &req))
			TH_LOG("prefix of %zu bytes", n);
	}
}

/* A receive may end between the CR and the LF of a leading empty line. */
TEST(leading_empty_line_split_between_cr_and_lf_is_incomplete)
{
	const struct http_limits limits = HTTP_DEFAULT_LIMITS;
	const char *text = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_request req;

	EXPECT_EQ(0, status_of("\r"));
	EXPECT_EQ(0, status_of("\r\n\r"));
	for (size_t n = 0; n < strlen(text); n++) {
		ASSERT_EQ(0, http_parse_request(text, n, &limits, &req))
			TH_LOG("prefix of %zu bytes", n);
	}
	EXPECT_EQ((ssize_t)strlen(text), status_of(text));
	/* A CR then anything but LF is still refused at once. */
	EXPECT_EQ(-400, status_of("\rG"));
	EXPECT_EQ(0, status_of("GET\r"));
	EXPECT_EQ(-400, status_of("GET\r\n"));
}

TEST(keep_alive_rules)
{
	struct http_request req;

	ASSERT_LT(0, parse("GET / HTTP/1.0\r\n\r\n", &req));
	EXPECT_FALSE(req.keep_alive);
	ASSERT_LT(0, parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req));
	EXPECT_TRUE(req.keep_alive);
	ASSERT_LT(0, parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &req));
	EXPECT_FALSE(req.keep_alive);
	ASSERT_LT(0, parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive , CLOSE\r\n\r\n", &req));
	EXPECT_FALSE(req.keep_alive);
}

TEST(bare_lf_and_leading_empty_lines)
{
	const char *text = "\r\n\nGET / HTTP/1.1\nHost: x\n\n";
	struct http_request req;

	EXPECT_EQ((ssize_t)strlen(text), parse(text, &req));
	EXPECT_EQ(HTTP_GET, req.method);
}

TEST(pipelined_requests_parse_one_at_a_time)
{
	const char *two = GET_ROOT "GET /heavy HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_request req;
	ssize_t first = parse(two, &req);

	ASSERT_EQ((ssize_t)strlen(GET_ROOT), first);
	ASSERT_EQ((ssize_t)(strlen(two) - first), parse(two + first, &req));
	EXPECT_EQ(6, req.target_len);
}

TEST(body_is_not_part_of_the_head)
{
	const struct http_limits limits = HTTP_DEFAULT_LIMITS;
	const char head[] = "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
	char buf[sizeof(head) + 4];
	struct http_request req;

	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, "\0\1\xff\n", 4);
	ASSERT_EQ((ssize_t)sizeof(head) - 1,
		  http_parse_request(buf, sizeof(buf), &limits, &req));
	EXPECT_EQ(HTTP_OTHER, req.method);
	EXPECT_EQ(4, req.content_length);
}

TEST(malformed_request_lines_are_400)
{
	EXPECT_EQ(-400, status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET /\r\n\r\n"));
	EXPECT_EQ(-400, status_of(" GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
}

TEST(malformed_headers_are_400)
{
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\n\r\n"));	/* no Host */
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n"));
}

TEST(garbage_is_refused_before_the_head_ends)
{
	const struct http_limits limits = HTTP_DEFAULT_LIMITS;
	const char nul_in_header[] = "GET / HTTP/1.1\r\nHost: \0";
	const char binary[] = "\x16\x03\x01\x02\x00\x01";
	struct http_request req;

	EXPECT_EQ(-400, http_parse_request(nul_in_header, sizeof(nul_in_header) - 1,
					   &limits, &req));
	EXPECT_EQ(-400, http_parse_request(binary, sizeof(binary) - 1, &limits, &req));
	EXPECT_EQ(-400, status_of("G@T"));
	EXPECT_EQ(0, status_of("GE"));
}

TEST(content_length)
{
	struct http_request req;

	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1a\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"));
	EXPECT_EQ(-400, status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
				  "Content-Length: 2\r\n\r\n"));
	EXPECT_EQ(-413, status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n"));
	EXPECT_EQ(-413, status_of("GET / HTTP/1.1\r\nHost: x\r\n"
				  "Content-Length: 99999999999999999999999999\r\n\r\n"));
	ASSERT_LT(0, parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n"
			   "content-length: 7\r\n\r\n", &req));
	EXPECT_EQ(7, req.content_length);
	ASSERT_LT(0, parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n", &req));
	EXPECT_EQ(1048576, req.content_length);
}

TEST(transfer_encoding_is_501)
{
	EXPECT_EQ(-501, status_of("POST / HTTP/1.1\r\nHost: x\r\n"
				  "Transfer-Encoding: chunked\r\n\r\n"));
}

TEST(head_limits_are_431)
{
	const struct http_limits limits = { .max_head_bytes = 64,
					    .max_headers = 2,
					    .max_body_bytes = 10 };
	char big[200];
	struct http_request req;
	const char *three = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n";
	/* 16 + 9 + 3 + 32 + 4 bytes: exactly the limit. */
	const char *exact = "GET / HTTP/1.1\r\nHost: x\r\n"
			    "A: 12345678901234567890123456789012\r\n\r\n";
	const char *prefix = "GET / HTTP/1.1\r\nHost: x\r\nX: ";

	memset(big, 'a', sizeof(big));
	memcpy(big, prefix, strlen(prefix));
	EXPECT_EQ(-431, http_parse_request(big, sizeof(big), &limits, &req));
	EXPECT_EQ(-431, http_parse_request(big, 64, &limits, &req));
	EXPECT_EQ(0, http_parse_request(big, 63, &limits, &req));
	EXPECT_EQ(-431, http_parse_request(three, strlen(three), &limits, &req));
	ASSERT_EQ(64, strlen(exact));
	EXPECT_EQ(64, http_parse_request(exact, 64, &limits, &req));
}

/*
 * A server answers at the first prefix that gets a status, and the status
 * must be the one the whole head gets: the same bytes, one write or many,
 * one status.  Every byte of an over-long head in turn is made a control
 * byte, a bare CR, DEL or a byte no method has.
 */
TEST(status_does_not_depend_on_how_much_arrived)
{
	const struct http_limits limits = { .max_head_bytes = 64,
					    .max_headers = 8,
					    .max_body_bytes = 10 };
	static const char bad[] = { 0x01, '\r', 0x7f, '@' };
	char text[160];
	struct http_request req;
	size_t len, wrong = 0;

	snprintf(text, sizeof(text), "GET /a HTTP/1.1\r\nHost: x\r\nX: %080d\r\n\r\n", 0);
	len = strlen(text);
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t b = 0; b < sizeof(bad); b++) {
			char t[sizeof(text)];
			ssize_t whole, first = 0;

			if (text[pos] == '\n')
				continue;
			memcpy(t, text, len);
			t[pos] = bad[b];
			whole = http_parse_request(t, len, &limits, &req);
			for (size_t n = 1; n <= len && !first; n++)
				first = http_parse_request(t, n, &limits, &req);
			if (first != whole && !wrong++)
				TH_LOG("byte 0x%02x at %zu: %zd at the first prefix that has a status, %zd for the whole head",
				       (unsigned char)bad[b], pos, first, whole);
		}
	}
	EXPECT_EQ(0, wrong);
}

TEST_HARNESS_MAIN
