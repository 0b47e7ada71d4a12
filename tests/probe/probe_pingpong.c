// SPDX-License-Identifier: GPL-2.0
/*
 * Two threads pinned to one CPU ping-pong over pipes N times: each round
 * trip must hand the CPU from one to the other and back, so the probe sees
 * at least 2N switches; preemption by other tasks may add some (<= 2.6N).
 */
#include "kselftest_harness.h"
#include "probe_run.h"

#define ROUNDS 10000

TEST(pingpong_switches)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_pingpong", "10000", NULL };
	long long sw, vol, invol;
	struct probe_run r;
	json_t *runq;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	ASSERT_NE(NULL, r.final) TH_LOG("no final report; stdout: %s", r.out);
	sw = probe_final_int(&r, "context_switches");
	vol = probe_final_int(&r, "voluntary");
	invol = probe_final_int(&r, "involuntary");
	runq = json_object_get(r.final, "runq_latency_ns");
	TH_LOG("%d rounds: %lld switches (%lld voluntary, %lld involuntary), runq mean %lld ns",
	       ROUNDS, sw, vol, invol,
	       (long long)json_integer_value(json_object_get(runq, "mean")));
	EXPECT_EQ(0, probe_final_int(&r, "target_exit_code"));
	EXPECT_GE(sw, 2LL * ROUNDS);
	EXPECT_LE(sw, 26LL * ROUNDS / 10);
	EXPECT_EQ(sw, vol + invol);
	/* Every round wakes a blocked thread: the latencies were recorded. */
	EXPECT_GE((long long)json_integer_value(json_object_get(runq, "count")),
		  (long long)ROUNDS);
	/* offcpu_ns is a sum over threads: both ping-pong threads slept, and
	 * the mean is that sum over them. */
	EXPECT_LE(2, probe_final_int(&r, "offcpu_threads"));
	EXPECT_EQ(probe_final_int(&r, "offcpu_ns") / probe_final_int(&r, "offcpu_threads"),
		  probe_final_int(&r, "offcpu_mean_ns"));
	probe_free(&r);
}

TEST_HARNESS_MAIN
