// SPDX-License-Identifier: GPL-2.0
/* Out of descriptors: accept gets EMFILE, the acceptor backs off and keeps
 * serving, and takes the waiting connections once fds are free again. */
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "tcp_echo.h"

#define NCLIENT 6

struct held {
	int fds[NCLIENT];
	int n;
	struct fut_acceptor *acc;
};

#define HOLDER_BRANCHES(B, U) B(inline, fut_accept_next, next)
struct holder {
	struct fut_hdr hdr;
	int lfd;
	intptr_t r;
	struct held *held;
	struct fut_acceptor acc;
	FUT_BRANCHES(HOLDER_BRANCHES);
};
static intptr_t holder_poll(struct fut_hdr *h, struct fut_task *task);
static void holder_drop(struct fut_hdr *h)
{
	fut_acceptor_release(&((struct holder *)h)->acc);
}
static struct fut_type holder_type = FUT_TYPE_DESC(holder, holder_poll, holder_drop, HOLDER_BRANCHES);

static intptr_t holder_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct holder *self = (void *)h;

	FUT_BEGIN;
	fut_acceptor_init(&self->acc, self->lfd);
	self->held->acc = &self->acc;
	while (self->held->n < NCLIENT) {
		FUT_AWAIT(next, self->r, fut_accept_next_init, &self->acc);
		if (self->r < 0)
			break;
		self->held->fds[self->held->n++] = self->r;
	}
	fut_acceptor_release(&self->acc);
	return self->r < 0 ? self->r : self->held->n;
	FUT_END;
}

static void holder_init(struct holder *s, int lfd, struct held *held)
{
	s->lfd = lfd;
	s->held = held;
}

/* Closes the connections accepted so far whenever the acceptor backs off. */
#define FREER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct freer {
	struct fut_hdr hdr;
	struct held *held;
	int i;
	uint64_t seen;
	intptr_t r;
	FUT_BRANCHES(FREER_BRANCHES);
};
static intptr_t freer_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type freer_type = FUT_TYPE_DESC(freer, freer_poll, NULL, FREER_BRANCHES);

static intptr_t freer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct freer *self = (void *)h;

	FUT_BEGIN;
	/* Each time the acceptor backed off, free what it accepted. */
	for (self->i = 0; self->i < 2000 && self->held->n < NCLIENT; self->i++) {
		if (self->held->acc && self->held->acc->emfile > self->seen) {
			self->seen = self->held->acc->emfile;
			for (int i = 0; i < self->held->n; i++) {
				if (self->held->fds[i] >= 0)
					close(self->held->fds[i]);
				self->held->fds[i] = -1;
			}
		}
		FUT_AWAIT(s, self->r, fut_sleep_init, 1000000);
	}
	return self->seen;
	FUT_END;
}

static void freer_init(struct freer *s, struct held *held)
{
	s->held = held;
}

FIXTURE(emfile) {
	struct fut_exec *ex;
	int lfd, clients[NCLIENT];
	struct rlimit saved;
};

FIXTURE_VARIANT(emfile) {
	unsigned int flags;
};
FIXTURE_VARIANT_ADD(emfile, multishot) { .flags = 0 };
FIXTURE_VARIANT_ADD(emfile, single_shot) { .flags = FUT_EXEC_NO_MULTISHOT };

FIXTURE_SETUP(emfile)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	self->ex = test_exec(variant->flags);
	ASSERT_NE(NULL, self->ex);
	self->lfd = fut_listen_tcp("127.0.0.1", 0, 64, false);
	ASSERT_LE(0, self->lfd);
	sa.sin_port = htons(port_of(self->lfd));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < NCLIENT; i++) {
		self->clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, self->clients[i]);
		ASSERT_EQ(0, connect(self->clients[i], (struct sockaddr *)&sa, sizeof(sa)));
	}
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &self->saved));
}

FIXTURE_TEARDOWN(emfile)
{
	setrlimit(RLIMIT_NOFILE, &self->saved);
	fut_exec_destroy(self->ex);
	for (int i = 0; i < NCLIENT; i++)
		close(self->clients[i]);
	close(self->lfd);
}

TEST_F(emfile, backs_off_and_keeps_serving)
{
	struct held held = { .n = 0 };
	struct rlimit low = self->saved;
	struct fut_handle hh, fh;
	int top = dup(0);
	intptr_t r;

	ASSERT_LE(0, top);
	close(top);
	/* Room for two more descriptors only. */
	low.rlim_cur = top + 2;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	hh = FUT_SPAWN(self->ex, &holder_type, false, holder_init, self->lfd, &held);
	fh = FUT_SPAWN(self->ex, &freer_type, false, freer_init, &held);
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(fh, &r));
	EXPECT_LE(1, r);	/* it backed off at least once */
	ASSERT_EQ(0, fut_join_now(hh, &r));
	EXPECT_EQ(NCLIENT, r);	/* and then took every connection */
	for (int i = 0; i < held.n; i++)
		if (held.fds[i] >= 0)
			close(held.fds[i]);
	EXPECT_TRUE(exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
