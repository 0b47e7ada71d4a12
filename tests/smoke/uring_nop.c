// SPDX-License-Identifier: GPL-2.0
/* Smoke test: an io_uring ring is created and a NOP completes through it. */
#include <liburing.h>

#include "kselftest_harness.h"

TEST(nop_completes)
{
	const __u64 tag = 0x5714c1ab;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;

	ASSERT_EQ(0, io_uring_queue_init(8, &ring, 0));
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, tag);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(0, cqe->res);
	EXPECT_EQ(tag, io_uring_cqe_get_data64(cqe));
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

TEST_HARNESS_MAIN
