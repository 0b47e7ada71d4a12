// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: a CO-RE program loads and attaches to sched:sched_switch,
 * and counts this process's switches off the CPU as the kernel's own
 * counters do (getrusage's voluntary and involuntary switches), over a
 * loop of short sleeps.
 */
#include <sys/resource.h>
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
	struct rusage before, after;
	__u64 counted, kernel;

	ASSERT_EQ(0, tracefs_ensure(err, sizeof(err))) TH_LOG("%s", err);
	skel = sched_switch_count__open();
	ASSERT_NE(NULL, skel);
	skel->rodata->target_tgid = getpid();
	ASSERT_EQ(0, sched_switch_count__load(skel));
	ASSERT_EQ(0, sched_switch_count__attach(skel));

	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &before));
	for (int i = 0; i < SLEEPS; i++)
		nanosleep(&one_ms, NULL);
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &after));

	counted = __atomic_load_n(&skel->bss->switches_out, __ATOMIC_RELAXED);
	kernel = (after.ru_nvcsw - before.ru_nvcsw) + (after.ru_nivcsw - before.ru_nivcsw);
	TH_LOG("%d sleeps: %llu switches out counted, the kernel counted %llu", SLEEPS,
	       (unsigned long long)counted, (unsigned long long)kernel);
	/*
	 * Every switch the kernel counted between the two getrusage calls was
	 * seen; the few more are those just after attach and before the load.
	 * Most sleeps block (under emulation a 1 ms timer can expire before
	 * the task sleeps, and that sleep switches nowhere).
	 */
	EXPECT_GE(counted, kernel);
	EXPECT_LE(counted, kernel + 4);
	EXPECT_GE(kernel, (__u64)SLEEPS / 2);
	sched_switch_count__destroy(skel);
}

TEST_HARNESS_MAIN
