// SPDX-License-Identifier: GPL-2.0
/* Responses: the exact bytes both servers send. */
#include <string.h>

#include "kselftest_harness.h"
#include "http/http_response.h"

TEST(ok_response_bytes)
{
	const char *want = "HTTP/1.1 200 OK\r\nServer: stacklab\r\n"
			   "Content-Type: text/plain\r\nContent-Length: 3\r\n"
			   "Connection: keep-alive\r\n\r\nhi\n";
	char out[256];
	size_t n = http_format_response(out, sizeof(out), 200, true, false,
					"hi\n", 3);

	ASSERT_EQ(strlen(want), n);
	EXPECT_EQ(0, memcmp(out, want, n));
}

TEST(head_only_omits_the_body_not_its_length)
{
	char out[256];
	size_t n = http_format_response(out, sizeof(out), 200, false, true,
					"hello", 5);

	ASSERT_LT(0, n);
	out[n] = '\0';
	EXPECT_NE(NULL, strstr(out, "Content-Length: 5\r\n"));
	EXPECT_NE(NULL, strstr(out, "Connection: close\r\n\r\n"));
	EXPECT_EQ(0, strcmp(out + n - 4, "\r\n\r\n"));
}

TEST(errors_close_and_say_why)
{
	const char *want = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
			   "Server: stacklab\r\nContent-Type: text/plain\r\n"
			   "Content-Length: 36\r\nConnection: close\r\n\r\n"
			   "431 Request Header Fields Too Large\n";
	char out[512];
	size_t n = http_format_error(out, sizeof(out), 431);

	ASSERT_EQ(strlen(want), n);
	EXPECT_EQ(0, memcmp(out, want, n));
}

TEST(method_not_allowed_says_allow)
{
	char out[256];
	size_t n = http_format_response(out, sizeof(out), 405, true, false, "", 0);

	out[n] = '\0';
	EXPECT_NE(NULL, strstr(out, "\r\nAllow: GET, HEAD\r\n"));
}

TEST(too_small_a_buffer_gives_0)
{
	char out[300];

	EXPECT_EQ(0, http_format_response(out, 20, 200, true, false, "x", 1));
	EXPECT_EQ(0, http_format_response(out, 120, 200, true, false,
					  "0123456789012345678901234567890123456789", 40));
}

TEST_HARNESS_MAIN
