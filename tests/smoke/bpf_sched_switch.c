// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: a CO-RE program loads and attaches to sched:sched_switch,
 * and sees this process go off the CPU once per sleep.
 */
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sched_switch_count.skel.h"
#include "tracefs.h"

#define SLEEPS 50

TEST(sched_switch_counts_sleeps)
{
	const struct timespec one_ms = { .tv_nsec = 1000 * 1000 };
	struct sched_switch_count *skel;
	char err[256];
	__u64 counted;

	ASSERT_EQ(0, tracefs_ensure(err, sizeof(err))) TH_LOG("%s", err);
	skel = sched_switch_count__open();
	ASSERT_NE(NULL, skel);
	skel->rodata->target_tgid = getpid();
	ASSERT_EQ(0, sched_switch_count__load(skel));
	ASSERT_EQ(0, sched_switch_count__attach(skel));

	for (int i = 0; i < SLEEPS; i++)
		nanosleep(&one_ms, NULL);

	counted = __atomic_load_n(&skel->bss->switches_out, __ATOMIC_RELAXED);
	TH_LOG("%d sleeps, %llu switches out counted", SLEEPS,
	       (unsigned long long)counted);
	/* Each sleep blocks once; preemption can only add a few. */
	EXPECT_GE(counted, (__u64)SLEEPS);
	EXPECT_LE(counted, 4ULL * SLEEPS);
	sched_switch_count__destroy(skel);
}

TEST_HARNESS_MAIN
