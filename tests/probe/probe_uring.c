// SPDX-License-Identifier: GPL-2.0
/*
 * 1000 io_uring NOPs: the probe counts at least 1000 submissions and
 * completions, and the io_uring_enter calls that carried them, on kernels
 * where the submit tracepoint is io_uring_submit_sqe (6.1) or
 * io_uring_submit_req (6.4+).
 */
#include "kselftest_harness.h"
#include "probe_run.h"

#define NOPS 1000

TEST(uring_nops)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_uring_nops", "1000", NULL };
	long long submitted, completed, enters;
	struct probe_run r;
	json_t *missing;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	ASSERT_NE(NULL, r.final) TH_LOG("no final report; stdout: %s", r.out);
	submitted = probe_final_int(&r, "uring_submitted");
	completed = probe_final_int(&r, "uring_completed");
	enters = probe_final_int(&r, "uring_enter");
	missing = json_object_get(r.final, "tracepoints_missing");
	TH_LOG("%d NOPs: submitted %lld, completed %lld, io_uring_enter %lld, syscalls %lld, tracepoints missing %zu",
	       NOPS, submitted, completed, enters,
	       probe_final_int(&r, "syscalls"), json_array_size(missing));
	EXPECT_EQ(0, probe_final_int(&r, "target_exit_code"));
	EXPECT_GE(submitted, NOPS);
	EXPECT_GE(completed, NOPS);
	/* Batches of at most 64: at least 16 enters. */
	EXPECT_GE(enters, NOPS / 64);
	EXPECT_GE(probe_final_int(&r, "syscalls"), enters);
	probe_free(&r);
}

TEST_HARNESS_MAIN
