// SPDX-License-Identifier: GPL-2.0
/*
 * The target filter: with a TGID, tasks lists exactly that process's
 * threads and summary counts them; 0 lists every process; once the target
 * has exited (zombie or reaped) both say so: no rows, threads 0.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

#define NTHREADS 5

/* Whether @tid is a thread of @pid, per /proc/PID/task. */
static int proc_has_task(pid_t pid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	return access(path, F_OK) == 0;
}

static int count_proc_tasks(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

TEST_F(stacklab, lists_only_the_target)
{
	struct sl_summary sum;
	struct sl_child c, other;
	struct sl_row *rows;
	int n;

	ASSERT_EQ(0, sl_child_start(&c, NTHREADS, 0, 1));
	ASSERT_EQ(0, sl_child_start(&other, NTHREADS, 0, 1));
	ASSERT_EQ(0, sl_set_target(c.pid));
	EXPECT_EQ(c.pid, sl_get_target());

	n = sl_read_tasks(&rows);
	ASSERT_EQ(1 + NTHREADS, n);
	EXPECT_EQ(count_proc_tasks(c.pid), n);
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(c.pid, rows[i].tgid);
		EXPECT_TRUE(proc_has_task(c.pid, rows[i].tid));
		/* TID order */
		if (i)
			EXPECT_LT(rows[i - 1].tid, rows[i].tid);
	}
	free(rows);

	ASSERT_EQ(0, sl_read_summary(&sum));
	EXPECT_EQ(c.pid, sum.target);
	EXPECT_EQ(1 + NTHREADS, sum.threads);
	EXPECT_LT(0, sum.kstack_used_total);
	EXPECT_LT(0, sum.ustack_resident_total);

	EXPECT_EQ(0, sl_child_stop(&c));
	EXPECT_EQ(0, sl_child_stop(&other));
}

TEST_F(stacklab, zero_lists_every_process)
{
	struct sl_summary sum;
	struct sl_child c;
	struct sl_row *rows;
	int n, seen_child = 0, seen_init = 0, seen_kthreadd = 0;

	ASSERT_EQ(0, sl_child_start(&c, NTHREADS, 0, 1));
	ASSERT_EQ(0, sl_set_target(0));
	EXPECT_EQ(0, sl_get_target());
	n = sl_read_tasks(&rows);
	ASSERT_LT(NTHREADS + 3, n);
	for (int i = 0; i < n; i++) {
		seen_child += rows[i].tgid == c.pid;
		seen_init += rows[i].tid == 1;
		seen_kthreadd += rows[i].tid == 2;
	}
	free(rows);
	EXPECT_EQ(1 + NTHREADS, seen_child);
	EXPECT_EQ(1, seen_init);
	EXPECT_EQ(1, seen_kthreadd);

	ASSERT_EQ(0, sl_read_summary(&sum));
	EXPECT_EQ(0, sum.target);
	EXPECT_LT(NTHREADS + 3, sum.threads);
	EXPECT_EQ(0, sl_child_stop(&c));
}

static void expect_gone(struct __test_metadata *_metadata, pid_t pid)
{
	struct sl_summary sum;
	struct sl_row *rows;

	EXPECT_EQ(0, sl_read_tasks(&rows));
	free(rows);
	ASSERT_EQ(0, sl_read_summary(&sum));
	EXPECT_EQ(pid, sum.target);
	EXPECT_EQ(0, sum.threads);
	EXPECT_EQ(0, sum.kstack_used_total);
	EXPECT_EQ(0, sum.ustack_size_total);
	/* The target stays what was written. */
	EXPECT_EQ(pid, sl_get_target());
}

TEST_F(stacklab, exited_target_lists_nothing)
{
	struct sl_child c;
	siginfo_t si;
	pid_t pid;

	ASSERT_EQ(0, sl_child_start(&c, NTHREADS, 0, 1));
	pid = c.pid;
	ASSERT_EQ(0, sl_set_target(pid));
	ASSERT_EQ(0, kill(pid, SIGKILL));

	/* A zombie: exited, not reaped yet. */
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	expect_gone(_metadata, pid);

	/* Reaped. */
	ASSERT_EQ(128 + SIGKILL, sl_child_stop(&c));
	expect_gone(_metadata, pid);
}

TEST_HARNESS_MAIN
