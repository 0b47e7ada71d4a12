// SPDX-License-Identifier: GPL-2.0
/* Ring setup: SINGLE_ISSUER|DEFER_TASKRUN and the provided-buffer ring
 * where the kernel has them (6.1 and later), the fallbacks on request. */
#include <stdio.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "futtest.h"

static int kernel_at_least(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return 0;
	return a > maj || (a == maj && b >= min);
}

TEST(best_setup_on_this_kernel)
{
	struct fut_exec *ex = test_exec(0);
	unsigned int f;

	ASSERT_NE(NULL, ex);
	f = fut_exec_features(ex);
	TH_LOG("features 0x%x", f);
	if (kernel_at_least(6, 1)) {
		EXPECT_TRUE(f & FUT_FEAT_DEFER_TASKRUN);
		EXPECT_TRUE(f & FUT_FEAT_BUFRING);
		EXPECT_TRUE(f & FUT_FEAT_MULTISHOT_ACCEPT);
		EXPECT_TRUE(f & FUT_FEAT_MULTISHOT_RECV);
	}
	fut_exec_destroy(ex);
}

TEST(fallbacks_on_request)
{
	struct fut_exec *ex = test_exec(FUT_EXEC_NO_DEFER_TASKRUN |
					FUT_EXEC_NO_MULTISHOT |
					FUT_EXEC_NO_BUFRING);
	unsigned int f;

	ASSERT_NE(NULL, ex);
	f = fut_exec_features(ex);
	EXPECT_EQ(0, f & (FUT_FEAT_DEFER_TASKRUN | FUT_FEAT_COOP_TASKRUN |
			  FUT_FEAT_BUFRING | FUT_FEAT_MULTISHOT_ACCEPT |
			  FUT_FEAT_MULTISHOT_RECV));
	fut_exec_destroy(ex);
}

TEST(many_executors_one_thread_each_in_turn)
{
	/* Create and destroy repeatedly: fds and mappings are returned. */
	for (int i = 0; i < 64; i++) {
		struct fut_exec *ex = test_exec(0);

		ASSERT_NE(NULL, ex);
		fut_exec_destroy(ex);
	}
}

TEST_HARNESS_MAIN
