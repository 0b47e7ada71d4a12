// SPDX-License-Identifier: GPL-2.0
/* Loopback TCP: acceptor (multishot accept), receivers (multishot recv on
 * the provided-buffer ring), send, connect, close; and the same through
 * each fallback: single-shot, no buffer ring, plain ring setup. */
#include "kselftest_harness.h"
#include "tcp_echo.h"

FIXTURE(tcp) {
	struct fut_exec *ex;
	int lfd;
};

FIXTURE_VARIANT(tcp) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(tcp, full) { .flags = 0 };
FIXTURE_VARIANT_ADD(tcp, single_shot) { .flags = FUT_EXEC_NO_MULTISHOT };
FIXTURE_VARIANT_ADD(tcp, no_bufring) { .flags = FUT_EXEC_NO_BUFRING };
FIXTURE_VARIANT_ADD(tcp, plain_ring) { .flags = FUT_EXEC_NO_DEFER_TASKRUN };

FIXTURE_SETUP(tcp)
{
	self->ex = test_exec(variant->flags);
	ASSERT_NE(NULL, self->ex);
	self->lfd = fut_listen_tcp("127.0.0.1", 0, 128, false);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(tcp)
{
	fut_exec_destroy(self->ex);
	close(self->lfd);
}

TEST_F(tcp, echo_many_clients)
{
	struct echo_stats st = { 0 };
	const int n = 32;
	unsigned int feat = fut_exec_features(self->ex);

	TH_LOG("features 0x%x", feat);
	if (variant->flags & FUT_EXEC_NO_MULTISHOT)
		ASSERT_EQ(0, feat & (FUT_FEAT_MULTISHOT_ACCEPT | FUT_FEAT_MULTISHOT_RECV));
	if (variant->flags & FUT_EXEC_NO_BUFRING)
		ASSERT_EQ(0, feat & FUT_FEAT_BUFRING);
	FUT_SPAWN(self->ex, &echo_server_type, true, echo_server_init, self->lfd, n, &st);
	for (int i = 0; i < n; i++)
		FUT_SPAWN(self->ex, &echo_client_type, true, echo_client_init,
			  port_of(self->lfd), 5, &st);
	ASSERT_EQ(0, fut_exec_run(self->ex));
	EXPECT_EQ(0, st.last_err);
	EXPECT_EQ(n, st.clients_ok);
	EXPECT_EQ(0, st.client_errors);
	EXPECT_EQ(n, st.served);
	EXPECT_TRUE(exec_is_clean(self->ex));
}

/* The server is cancelled with its accept armed: the acceptor's request
 * is cancelled and reaped, nothing leaks. */
TEST_F(tcp, cancel_armed_acceptor)
{
	struct echo_stats st = { 0 };
	struct fut_handle h;
	intptr_t r;

	h = FUT_SPAWN(self->ex, &echo_server_type, false, echo_server_init, self->lfd, 1, &st);
	FUT_SPAWN(self->ex, &killer_type, true, killer_init, h, 5);
	ASSERT_EQ(0, fut_exec_run(self->ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(-ECANCELED, r);
	EXPECT_TRUE(exec_is_clean(self->ex));
}

TEST_HARNESS_MAIN
