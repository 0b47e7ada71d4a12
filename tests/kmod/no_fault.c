// SPDX-License-Identifier: GPL-2.0
/*
 * Reading tasks and summary faults nothing in: the target's RSS and its
 * minor and major fault counts stay the same however often it is read.
 * The target's threads have 8 MiB stacks of which they touched a few
 * pages, so anything that faulted stack pages in would show at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

#define READS 20

struct counters {
	unsigned long minflt;
	unsigned long majflt;
	unsigned long rss_pages;
};

/* Fields 10, 12 and 24 of /proc/PID/stat (comm has no spaces here). */
static int read_counters(pid_t pid, struct counters *c)
{
	char path[64], buf[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = sl_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (sscanf(buf, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u "
		   "%*u %*u %*d %*d %*d %*d %*d %*d %*u %*u %lu",
		   &c->minflt, &c->majflt, &c->rss_pages) != 3)
		return -1;
	return 0;
}

TEST_F(stacklab, reading_faults_nothing_in)
{
	struct counters before, after;
	struct sl_summary sum;
	struct sl_child c;
	struct sl_row *rows;
	long resident = -1;

	ASSERT_EQ(0, sl_child_start(&c, 8, 8 << 20, 4));
	ASSERT_EQ(0, read_counters(c.pid, &before));
	ASSERT_EQ(0, sl_set_target(c.pid));
	for (int i = 0; i < READS; i++) {
		ASSERT_EQ(1 + c.nthreads, sl_read_tasks(&rows));
		free(rows);
		ASSERT_EQ(0, sl_read_summary(&sum));
		/* The module's own view stays put too. */
		if (resident >= 0)
			EXPECT_EQ(resident, sum.ustack_resident_total);
		resident = sum.ustack_resident_total;
	}
	ASSERT_EQ(0, sl_set_target(0));
	ASSERT_LT(0, sl_read_tasks(&rows));
	free(rows);
	ASSERT_EQ(0, read_counters(c.pid, &after));
	TH_LOG("target: minflt %lu -> %lu, majflt %lu -> %lu, rss %lu -> %lu pages; "
	       "ustack_resident_total %ld of %ld bytes",
	       before.minflt, after.minflt, before.majflt, after.majflt,
	       before.rss_pages, after.rss_pages, resident,
	       sum.ustack_size_total);
	EXPECT_EQ(before.minflt, after.minflt);
	EXPECT_EQ(before.majflt, after.majflt);
	EXPECT_EQ(before.rss_pages, after.rss_pages);
	/* Far from all of the stacks is resident: a fault-in would show. */
	EXPECT_GT(sum.ustack_size_total / 4, resident);
	EXPECT_EQ(0, sl_child_stop(&c));
}

TEST_HARNESS_MAIN
