// SPDX-License-Identifier: GPL-2.0
/* loadgen's response-head parser. */
#include <string.h>

#include "kselftest_harness.h"
#include "http/http_response.h"
#include "http/http_response_parse.h"

static ssize_t parse(const char *text, struct http_response_head *head)
{
	return http_parse_response_head(text, strlen(text), head);
}

TEST(parses_what_the_servers_send)
{
	struct http_response_head head;
	char out[512];
	size_t n = http_format_response(out, sizeof(out), 200, true, false,
					"hello\n", 6);

	ASSERT_EQ((ssize_t)n - 6, http_parse_response_head(out, n, &head));
	EXPECT_EQ(200, head.status);
	EXPECT_EQ(6, head.body_len);
	EXPECT_FALSE(head.closes);

	n = http_format_error(out, sizeof(out), 408);
	ASSERT_LT(0, http_parse_response_head(out, n, &head));
	EXPECT_EQ(408, head.status);
	EXPECT_TRUE(head.closes);
}

TEST(every_prefix_is_incomplete)
{
	const char *text = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n";
	struct http_response_head head;

	for (size_t n = 0; n < strlen(text); n++) {
		ASSERT_EQ(0, http_parse_response_head(text, n, &head))
			TH_LOG("prefix %zu", n);
	}
}

TEST(malformed_heads_are_refused)
{
	struct http_response_head head;

	EXPECT_EQ(-1, parse("HTTP/2 200 OK\r\nContent-Length: 1\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 2x0 OK\r\nContent-Length: 1\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 200OK\r\nContent-Length: 1\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 200 OK\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", &head));
	EXPECT_EQ(-1, parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999\r\n\r\n", &head));
}

TEST(a_head_without_end_is_refused_at_4k)
{
	struct http_response_head head;
	char big[4096];

	memset(big, 'x', sizeof(big));
	EXPECT_EQ(0, http_parse_response_head(big, sizeof(big) - 1, &head));
	EXPECT_EQ(-1, http_parse_response_head(big, sizeof(big), &head));
}

TEST(status_without_reason_and_case_of_names)
{
	struct http_response_head head;

	ASSERT_LT(0, parse("HTTP/1.0 204\r\ncontent-length:  0 \r\nCONNECTION: Close\r\n\r\n", &head));
	EXPECT_EQ(204, head.status);
	EXPECT_EQ(0, head.body_len);
	EXPECT_TRUE(head.closes);
}

TEST_HARNESS_MAIN
