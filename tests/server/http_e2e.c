// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end behaviour of a server under test ($STACKLAB_SERVER): the
 * workload's answers, keep-alive and pipelining, and every error path of
 * the contract.  The same program runs against tpc-server and fut-server.
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

#define GET(path) "GET " path " HTTP/1.1\r\nHost: t\r\n\r\n"
#define ROOT_RESPONSE \
	"HTTP/1.1 200 OK\r\nServer: stacklab\r\nContent-Type: text/plain\r\n" \
	"Content-Length: 20\r\nConnection: keep-alive\r\n\r\nhello from stacklab\n"
/* Computed apart from the servers, by an independent reimplementation. */
#define HEAVY_256K_BODY "heavy 262144 bytes digest 50eef9fcaa63a6cc\n"

FIXTURE(server) {
	struct server_proc srv;
	int fd;
	char buf[65536];
	size_t len;
};

FIXTURE_SETUP(server)
{
	/* Short idle timeout, so the 408 paths take a second. */
	static const char *const args[] = { "--idle-timeout", "1", NULL };

	ASSERT_TRUE(server_start(&self->srv, args));
	self->fd = client_connect(self->srv.port, 10);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(server)
{
	close(self->fd);
	EXPECT_EQ(0, server_stop(&self->srv, 20));
}

static int response(struct __test_metadata *_metadata, FIXTURE_DATA(server) *self)
{
	(void)_metadata;
	return client_read_response(self->fd, false, self->buf,
				    sizeof(self->buf), &self->len);
}

TEST_F(server, root_answers_exact_bytes)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("/")));
	ASSERT_EQ(200, response(_metadata, self));
	ASSERT_EQ(strlen(ROOT_RESPONSE), self->len);
	EXPECT_EQ(0, memcmp(self->buf, ROOT_RESPONSE, self->len));
}

TEST_F(server, heavy_digests_its_scratch)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("/heavy")));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, "\r\n\r\n" HEAVY_256K_BODY));
}

TEST_F(server, head_has_length_and_no_body)
{
	ASSERT_TRUE(client_send_str(self->fd, "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"));
	ASSERT_EQ(200, client_read_response(self->fd, true, self->buf,
					    sizeof(self->buf), &self->len));
	EXPECT_NE(NULL, strstr(self->buf, "Content-Length: 20\r\n"));
	/* The next response must start right after the head. */
	ASSERT_TRUE(client_send_str(self->fd, GET("/")));
	ASSERT_EQ(200, response(_metadata, self));
}

TEST_F(server, keep_alive_serves_many)
{
	for (int i = 0; i < 200; i++) {
		ASSERT_TRUE(client_send_str(self->fd, i % 10 ? GET("/") : GET("/heavy")));
		ASSERT_EQ(200, response(_metadata, self));
	}
}

TEST_F(server, pipelined_requests_answer_in_order)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("/") GET("/nope") GET("/heavy")));
	ASSERT_EQ(200, response(_metadata, self));
	ASSERT_EQ(404, response(_metadata, self));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, HEAVY_256K_BODY));
}

TEST_F(server, http10_closes_after_the_response)
{
	ASSERT_TRUE(client_send_str(self->fd, "GET / HTTP/1.0\r\n\r\n"));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, "Connection: close\r\n"));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, other_methods_get_405_and_keep_the_connection)
{
	ASSERT_TRUE(client_send_str(self->fd, "POST /x HTTP/1.1\r\nHost: t\r\n"
				    "Content-Length: 5\r\n\r\nabcde" GET("/")));
	ASSERT_EQ(405, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, "Allow: GET, HEAD\r\n"));
	ASSERT_EQ(200, response(_metadata, self));
}

TEST_F(server, body_split_across_writes_is_drained)
{
	ASSERT_TRUE(client_send_str(self->fd, "POST / HTTP/1.1\r\nHost: t\r\n"
				    "Content-Length: 10\r\n\r\nabc"));
	usleep(50 * 1000);
	ASSERT_TRUE(client_send_str(self->fd, "defghij" GET("/")));
	ASSERT_EQ(405, response(_metadata, self));
	ASSERT_EQ(200, response(_metadata, self));
}

TEST_F(server, leading_empty_line_split_between_cr_and_lf)
{
	/* Two receives: the CR, then its LF and a request. */
	ASSERT_TRUE(client_send_str(self->fd, "\r"));
	usleep(50 * 1000);
	ASSERT_TRUE(client_send_str(self->fd, "\n" GET("/")));
	ASSERT_EQ(200, response(_metadata, self));
}

TEST_F(server, absolute_form_and_query_are_routed_by_path)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("http://t/heavy?x=1") GET("/?a")));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, "\r\n\r\n" HEAVY_256K_BODY));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_EQ(0, memcmp(self->buf, ROOT_RESPONSE, self->len));
}

TEST_F(server, http2_gets_505_and_close)
{
	ASSERT_TRUE(client_send_str(self->fd, "GET / HTTP/2.0\r\nHost: t\r\n\r\n"));
	ASSERT_EQ(505, response(_metadata, self));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, garbage_gets_400_and_close)
{
	ASSERT_TRUE(client_send(self->fd, "\x16\x03\x01\x02\x00\x01\x00", 7));
	ASSERT_EQ(400, response(_metadata, self));
	EXPECT_NE(NULL, strstr(self->buf, "Connection: close\r\n"));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, huge_header_gets_431_and_close)
{
	char big[16384];

	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nHost: t\r\nX: ", 27);
	client_send(self->fd, big, sizeof(big));
	ASSERT_EQ(431, response(_metadata, self));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, huge_body_gets_413_and_close)
{
	ASSERT_TRUE(client_send_str(self->fd, "POST / HTTP/1.1\r\nHost: t\r\n"
				    "Content-Length: 999999999\r\n\r\n"));
	ASSERT_EQ(413, response(_metadata, self));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, idle_connection_gets_408)
{
	ASSERT_EQ(408, response(_metadata, self));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, slowloris_gets_408_while_others_are_served)
{
	const char *req = GET("/");
	time_t start = time(NULL);
	int other;
	int status = 0;

	/* A byte every 200 ms: each read comes in time, the head never does. */
	for (size_t i = 0; i < strlen(req) - 1 && time(NULL) - start < 8; i++) {
		if (!client_send(self->fd, req + i, 1))
			break;
		if (i == 3) {
			other = client_connect(self->srv.port, 5);
			ASSERT_LE(0, other);
			ASSERT_TRUE(client_send_str(other, GET("/")));
			ASSERT_EQ(200, client_read_response(other, false, self->buf,
							    sizeof(self->buf),
							    &self->len));
			close(other);
		}
		usleep(200 * 1000);
	}
	status = response(_metadata, self);
	EXPECT_EQ(408, status);
}

TEST_F(server, half_closed_client_gets_its_answer)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("/") GET("/heavy")));
	ASSERT_EQ(0, shutdown(self->fd, SHUT_WR));
	ASSERT_EQ(200, response(_metadata, self));
	ASSERT_EQ(200, response(_metadata, self));
	EXPECT_TRUE(client_sees_eof(self->fd));
}

TEST_F(server, reset_mid_request_leaves_the_server_serving)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	ASSERT_TRUE(client_send_str(self->fd, "GET / HTTP/1.1\r\nHo"));
	setsockopt(self->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(self->fd);
	self->fd = client_connect(self->srv.port, 5);
	ASSERT_LE(0, self->fd);
	ASSERT_TRUE(client_send_str(self->fd, GET("/")));
	ASSERT_EQ(200, response(_metadata, self));
}

TEST_F(server, sigterm_closes_idle_connections_and_exits_0)
{
	ASSERT_TRUE(client_send_str(self->fd, GET("/")));
	ASSERT_EQ(200, response(_metadata, self));
	kill(self->srv.pid, SIGTERM);
	EXPECT_TRUE(client_sees_eof(self->fd));
	/* The teardown checks the exit status. */
}

TEST(max_conns_answers_503)
{
	static const char *const args[] = { "--max-conns", "2", NULL };
	struct server_proc srv;
	int held[2], extra;
	char buf[4096];
	size_t len;

	ASSERT_TRUE(server_start(&srv, args));
	for (int i = 0; i < 2; i++) {
		held[i] = client_connect(srv.port, 5);
		ASSERT_LE(0, held[i]);
		ASSERT_TRUE(client_send_str(held[i], GET("/")));
		ASSERT_EQ(200, client_read_response(held[i], false, buf,
						    sizeof(buf), &len));
	}
	extra = client_connect(srv.port, 5);
	ASSERT_LE(0, extra);
	EXPECT_EQ(503, client_read_response(extra, false, buf, sizeof(buf), &len));
	close(extra);
	close(held[0]);
	close(held[1]);
	EXPECT_EQ(0, server_stop(&srv, 20));
}

TEST(bad_flags_exit_2)
{
	static const char *const args[] = { "--no-such-flag", NULL };
	struct server_proc srv;

	EXPECT_FALSE(server_start(&srv, args));
}

TEST_HARNESS_MAIN
