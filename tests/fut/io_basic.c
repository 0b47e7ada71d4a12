// SPDX-License-Identifier: GPL-2.0
/* Single requests as futures: nop, read and write on a pipe, send and recv
 * on a socketpair, shutdown, close; errors come back as -errno. */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define PIPE_IO_BRANCHES(B, U) B(inline, fut_io, io)
struct pipe_io {
	struct fut_hdr hdr;
	int rfd, wfd, sock;	/* pipe ends, the socketpair end to test */
	intptr_t r, nop, wrote, read, sent, recvd, shut, eof, closed, badf;
	char buf[32];
	FUT_BRANCHES(PIPE_IO_BRANCHES);
};
static intptr_t pipe_io_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type pipe_io_type = FUT_TYPE_DESC(pipe_io, pipe_io_poll, NULL, PIPE_IO_BRANCHES);

static intptr_t pipe_io_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct pipe_io *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->nop, fut_nop_init);
	FUT_AWAIT(io, self->wrote, fut_write_init, self->wfd, "pipe!", 5, 0, 0);
	FUT_AWAIT(io, self->read, fut_read_init, self->rfd, self->buf, sizeof(self->buf), 0, 0);
	FUT_AWAIT(io, self->sent, fut_send_init, self->sock, "sock", 4, 0, 0);
	FUT_AWAIT(io, self->shut, fut_shutdown_init, self->sock, SHUT_WR);
	FUT_AWAIT(io, self->closed, fut_close_init, self->wfd);
	FUT_AWAIT(io, self->eof, fut_read_init, self->rfd, self->buf, sizeof(self->buf), 0, 0);
	FUT_AWAIT(io, self->badf, fut_read_init, 1000, self->buf, 1, 0, 0);
	return 0;
	FUT_END;
}

static void pipe_io_init(struct pipe_io *s, int rfd, int wfd, int sock)
{
	s->rfd = rfd;
	s->wfd = wfd;
	s->sock = sock;
}

TEST(pipe_and_socketpair)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	struct pipe_io *s;
	char buf[8] = "";
	int p[2], sv[2];
	intptr_t r;

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	s = fut_spawn_alloc(ex, &pipe_io_type);
	ASSERT_NE(NULL, s);
	pipe_io_init(s, p[0], p[1], sv[0]);
	h = fut_spawn_commit(s, false);
	ASSERT_EQ(0, fut_exec_run(ex));
	EXPECT_EQ(0, s->nop);
	EXPECT_EQ(5, s->wrote);
	EXPECT_EQ(5, s->read);
	EXPECT_EQ(0, memcmp(s->buf, "pipe!", 5));
	EXPECT_EQ(4, s->sent);
	EXPECT_EQ(0, s->shut);
	EXPECT_EQ(0, s->closed);
	EXPECT_EQ(0, s->eof);
	EXPECT_EQ(-EBADF, s->badf);
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(4, read(sv[1], buf, sizeof(buf)));
	EXPECT_EQ(0, read(sv[1], buf, sizeof(buf)));	/* shut down */
	EXPECT_EQ(-1, fcntl(p[1], F_GETFD));		/* closed by the ring */
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
