// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input against $STACKLAB_SERVER: random bytes and a 1 MiB
 * header get their error answer, and everyone else is still served.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"


FIXTURE(hostile) {
	struct server_proc srv;
};

FIXTURE_SETUP(hostile)
{
	static const char *const args[] = { "--idle-timeout", "5", NULL };

	ASSERT_TRUE(server_start(&self->srv, args));
}

FIXTURE_TEARDOWN(hostile)
{
	EXPECT_EQ(0, server_stop(&self->srv, 30));
}

TEST_F(hostile, random_bytes_get_400_and_others_are_served)
{
	char noise[65536], buf[4096];
	int urandom = open("/dev/urandom", O_RDONLY);

	ASSERT_LE(0, urandom);
	for (int i = 0; i < 20; i++) {
		size_t len;
		int fd = client_connect(self->srv.port, 10);

		ASSERT_LE(0, fd);
		ASSERT_EQ(sizeof(noise), read(urandom, noise, sizeof(noise)));
		/* Make sure the first byte cannot start a method. */
		noise[0] = '\x01';
		client_send(fd, noise, sizeof(noise));
		EXPECT_EQ(400, client_read_response(fd, false, buf, sizeof(buf), &len));
		close(fd);
	}
	close(urandom);
	EXPECT_TRUE(client_served(self->srv.port));
}

TEST_F(hostile, one_mib_header_gets_431)
{
	size_t big = 1 << 20, len;
	char *req = malloc(big), buf[4096];
	const char *start = "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ";
	int fd = client_connect(self->srv.port, 10);

	ASSERT_LE(0, fd);
	memset(req, 'a', big);
	memcpy(req, start, strlen(start));
	/* The server stops reading after the limit: the send may fail. */
	client_send(fd, req, big);
	EXPECT_EQ(431, client_read_response(fd, false, buf, sizeof(buf), &len));
	close(fd);
	free(req);
	EXPECT_TRUE(client_served(self->srv.port));
}

TEST_HARNESS_MAIN
