// SPDX-License-Identifier: GPL-2.0
/* Cancellation: in-flight requests are cancelled and their completions
 * awaited before the state is dropped and freed; drop functions run
 * innermost first; boxes are freed; a joiner gets -ECANCELED. */
#include <fcntl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

static char drops[16];

static void note_drop(char c)
{
	size_t n = strlen(drops);

	drops[n] = c;
	drops[n + 1] = 0;
}

/* Reads a pipe into a buffer in its own state. */
#define READER_BRANCHES(B, U) B(inline, fut_io, io)
struct reader {
	struct fut_hdr hdr;
	int fd;
	intptr_t r;
	char buf[64];
	FUT_BRANCHES(READER_BRANCHES);
};
static intptr_t reader_poll(struct fut_hdr *h, struct fut_task *task);
static void reader_drop(struct fut_hdr *h)
{
	(void)h;
	note_drop('r');
}
static struct fut_type reader_type = FUT_TYPE_DESC(reader, reader_poll, reader_drop, READER_BRANCHES);

static intptr_t reader_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct reader *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_read_init, self->fd, self->buf,
		  sizeof(self->buf), 0, 0);
	return self->r;
	FUT_END;
}

static void reader_init(struct reader *s, int fd)
{
	s->fd = fd;
}

/* A boxed child that sleeps; the parent awaits it. */
#define NAPPER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct napper {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(NAPPER_BRANCHES);
};
static intptr_t napper_poll(struct fut_hdr *h, struct fut_task *task);
static void napper_drop(struct fut_hdr *h)
{
	(void)h;
	note_drop('n');
}
static struct fut_type napper_type = FUT_TYPE_DESC(napper, napper_poll, napper_drop, NAPPER_BRANCHES);

static intptr_t napper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct napper *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, 60ull * 1000000000);
	return 1;
	FUT_END;
}

static void napper_init(struct napper *s)
{
	(void)s;
}

#define SLEEPY_PARENT_BRANCHES(B, U) B(boxed, napper, child)
struct sleepy_parent {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(SLEEPY_PARENT_BRANCHES);
};
static intptr_t sleepy_parent_poll(struct fut_hdr *h, struct fut_task *task);
static void sleepy_parent_drop(struct fut_hdr *h)
{
	(void)h;
	note_drop('p');
}
static struct fut_type sleepy_parent_type = FUT_TYPE_DESC(sleepy_parent,
		sleepy_parent_poll, sleepy_parent_drop, SLEEPY_PARENT_BRANCHES);

static intptr_t sleepy_parent_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct sleepy_parent *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(child, self->r, napper_init);
	return self->r;
	FUT_END;
}

static void sleepy_parent_init(struct sleepy_parent *s)
{
	(void)s;
}

/* Sleeps a little, cancels a task, then joins it. */
#define CANCELLER_BRANCHES(B, U) \
	U(B(inline, fut_sleep, s) B(inline, fut_join, j))
struct canceller {
	struct fut_hdr hdr;
	struct fut_handle victim;
	intptr_t r, cret;
	FUT_BRANCHES(CANCELLER_BRANCHES);
};
static intptr_t canceller_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type canceller_type = FUT_TYPE_DESC(canceller, canceller_poll, NULL, CANCELLER_BRANCHES);

static intptr_t canceller_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct canceller *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, 2000000);
	self->cret = fut_cancel(self->victim);
	self->cret |= fut_cancel(self->victim);	/* twice: still fine */
	FUT_AWAIT(j, self->r, fut_join_init, self->victim);
	return self->cret ? self->cret : self->r;
	FUT_END;
}

static void canceller_init(struct canceller *s, struct fut_handle victim)
{
	s->victim = victim;
}

TEST(cancel_read_in_flight_waits_for_its_cqe)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle v, c;
	char out[8] = "";
	int p[2];
	intptr_t r;

	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, pipe(p));
	drops[0] = 0;
	v = FUT_SPAWN(ex, &reader_type, false, reader_init, p[0]);
	c = FUT_SPAWN(ex, &canceller_type, false, canceller_init, v);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(c, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_STREQ("r", drops);
	/* The read was really cancelled: data written now stays in the pipe. */
	ASSERT_EQ(3, write(p[1], "abc", 3));
	ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(3, read(p[0], out, sizeof(out)));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
	close(p[0]);
	close(p[1]);
}

TEST(cancel_drops_boxed_child_first_and_frees_it)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle v, c;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	drops[0] = 0;
	v = FUT_SPAWN(ex, &sleepy_parent_type, false, sleepy_parent_init);
	c = FUT_SPAWN(ex, &canceller_type, false, canceller_init, v);
	ASSERT_EQ(0, fut_exec_run(ex)); /* the 60 s timer is gone */
	ASSERT_EQ(0, fut_join_now(c, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_STREQ("np", drops);
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST(cancel_before_first_poll_and_after_finish)
{
	struct fut_exec *ex = test_exec(0);
	struct fut_handle v;
	intptr_t r;

	ASSERT_NE(NULL, ex);
	drops[0] = 0;
	v = FUT_SPAWN(ex, &sleepy_parent_type, false, sleepy_parent_init);
	ASSERT_EQ(0, fut_cancel(v));
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(v, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_STREQ("p", drops);
	EXPECT_EQ(-ESRCH, fut_cancel(v));
	EXPECT_TRUE(exec_is_clean(ex));
	fut_exec_destroy(ex);
}

TEST_HARNESS_MAIN
