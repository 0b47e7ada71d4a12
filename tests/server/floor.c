// SPDX-License-Identifier: GPL-2.0
/*
 * A floor (floor-uring, floor-threads) answers loadgen's request with the
 * bytes the reference server (fut-server) sends for it, answers each of
 * several pipelined heads, a head split anywhere across reads once and
 * only once it has ended, and keeps the connection open; on SIGTERM it
 * closes idle connections and exits 0 (tests/server/shutdown checks the
 * deadline with clients that read nothing).
 * usage: floor FLOOR REFERENCE   (relative to the build tree)
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server_proc.h"

/* loadgen's request (user/loadgen/loadgen_engine.c, REQ("/")). */
#define REQUEST "GET / HTTP/1.1\r\nHost: loadgen\r\n\r\n"
#define PIPELINED 1000	/* past floor-uring's OWED_PAUSE: it pauses, resumes */
/* A pause long enough that the server reads what came before it alone
 * (on a busy machine it may not: then the split is only less tested). */
#define PAUSE_US 20000

static const char *floor_bin, *reference_bin;

/* One response to REQUEST from bin, on a fresh connection. */
static size_t reference_response(const char *bin, char *out, size_t cap)
{
	static const char *const no_args[] = { NULL };
	struct server_proc srv;
	size_t len = 0;
	int fd;

	setenv("STACKLAB_SERVER", bin, 1);
	if (!server_start(&srv, no_args))
		return 0;
	fd = client_connect(srv.port, 10);
	if (fd >= 0 && client_send_str(fd, REQUEST) &&
	    client_read_response(fd, false, out, cap, &len) != 200)
		len = 0;
	if (fd >= 0)
		close(fd);
	if (server_stop(&srv, 20) != 0)
		len = 0;
	return len;
}

/* Whether nothing arrives on fd within ms (the answer is not early). */
static bool quiet_for(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 0;
}

FIXTURE(floor) {
	struct server_proc srv;
	char want[1024];
	size_t want_len;
	int fd;
};

FIXTURE_SETUP(floor)
{
	static const char *const no_args[] = { NULL };

	self->want_len = reference_response(reference_bin, self->want,
					    sizeof(self->want));
	ASSERT_LT(0, self->want_len) TH_LOG("%s gave no 200 for GET /", reference_bin);
	setenv("STACKLAB_SERVER", floor_bin, 1);
	ASSERT_TRUE(server_start(&self->srv, no_args));
	self->fd = client_connect(self->srv.port, 10);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(floor)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->srv.pid > 0)
		EXPECT_EQ(0, server_stop(&self->srv, 20));
}

/* n answers on fd, each the reference's bytes. */
static void expect_answers(struct __test_metadata *_metadata,
			   FIXTURE_DATA(floor) *self, int n, const char *what)
{
	char got[1024];
	size_t len;

	for (int i = 0; i < n; i++) {
		int status = client_read_response(self->fd, false, got, sizeof(got), &len);

		ASSERT_EQ(200, status) TH_LOG("%s: answer %d of %d missing", what, i + 1, n);
		ASSERT_EQ(self->want_len, len) TH_LOG("%s: answer %d", what, i + 1);
		ASSERT_EQ(0, memcmp(self->want, got, len))
			TH_LOG("%s: answer %d is not %s's bytes", what, i + 1, reference_bin);
	}
}

TEST_F(floor, the_reference_bytes_and_keep_alive)
{
	for (int i = 0; i < 3; i++) {
		ASSERT_TRUE(client_send_str(self->fd, REQUEST));
		expect_answers(_metadata, self, 1, "one request");
	}
}

TEST_F(floor, each_pipelined_head_answered_once)
{
	static char reqs[PIPELINED * (sizeof(REQUEST) - 1)];
	size_t req_len = strlen(REQUEST);

	for (int i = 0; i < PIPELINED; i++)
		memcpy(reqs + i * req_len, REQUEST, req_len);
	ASSERT_TRUE(client_send(self->fd, reqs, sizeof(reqs)));
	expect_answers(_metadata, self, PIPELINED, "pipelined");
	EXPECT_TRUE(quiet_for(self->fd, 200)) TH_LOG("more answers than heads");
	/* Still open after them. */
	ASSERT_TRUE(client_send_str(self->fd, REQUEST));
	expect_answers(_metadata, self, 1, "after the pipeline");
}

/* Cut at every byte of the head, the blank line's four above all: no
 * answer before the last piece, one after it. */
TEST_F(floor, a_head_split_across_reads_answered_once_it_ends)
{
	size_t req_len = strlen(REQUEST);

	for (size_t cut = 1; cut < req_len; cut++) {
		ASSERT_TRUE(client_send(self->fd, REQUEST, cut));
		usleep(PAUSE_US);
		EXPECT_TRUE(quiet_for(self->fd, 0))
			TH_LOG("answered after %zu of %zu bytes", cut, req_len);
		ASSERT_TRUE(client_send(self->fd, REQUEST + cut, req_len - cut));
		expect_answers(_metadata, self, 1, "split");
	}
	/* Byte by byte. */
	for (size_t i = 0; i < req_len; i++) {
		ASSERT_TRUE(client_send(self->fd, REQUEST + i, 1));
		usleep(PAUSE_US / 10);
	}
	expect_answers(_metadata, self, 1, "byte by byte");
	EXPECT_TRUE(quiet_for(self->fd, 200)) TH_LOG("more answers than heads");
}

/*
 * SIGTERM with idle keep-alive connections open: each sees EOF, the floor
 * exits 0 before its deadline with none cut, and counts every answer.
 */
TEST_F(floor, stops_with_idle_connections_open)
{
	int fds[8];
	char report[512], want[64];

	for (int i = 0; i < 8; i++) {
		fds[i] = client_connect(self->srv.port, 10);
		ASSERT_LE(0, fds[i]);
		ASSERT_TRUE(client_send_str(fds[i], REQUEST));
	}
	ASSERT_TRUE(client_send_str(self->fd, REQUEST));
	expect_answers(_metadata, self, 1, "before the stop");
	for (int i = 0; i < 8; i++) {
		char got[1024];
		size_t len;

		ASSERT_EQ(200, client_read_response(fds[i], false, got, sizeof(got), &len));
	}
	EXPECT_EQ(0, server_stop_report(&self->srv, 20, report, sizeof(report)));
	snprintf(want, sizeof(want), "stopped: %d requests served\n", 9);
	EXPECT_NE(NULL, strstr(report, want)) TH_LOG("report: '%s'", report);
	EXPECT_TRUE(client_sees_eof(self->fd));
	for (int i = 0; i < 8; i++) {
		EXPECT_TRUE(client_sees_eof(fds[i])) TH_LOG("connection %d", i);
		close(fds[i]);
	}
	self->srv.pid = 0;	/* stopped: the teardown has nothing to stop */
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor FLOOR REFERENCE\n");
		return 2;
	}
	floor_bin = argv[1];
	reference_bin = argv[2];
	return test_harness_run(1, argv);
}
