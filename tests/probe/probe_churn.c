// SPDX-License-Identifier: GPL-2.0
/*
 * The live-thread count returns to zero, and exited processes stop being
 * targets: after 9000 short-lived children (more than the followed map
 * holds at once if exits were not pruned), after children that exec and
 * threads that rename themselves under a name target, and when an
 * unrelated process reuses a followed child's PID.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

static void expect_all_gone(struct __test_metadata *_metadata,
			    const struct probe_run *r)
{
	TH_LOG("created %lld processes, %lld threads; exited %lld; live %lld, kstack_bytes %lld; dropped: followed %lld, live %lld",
	       probe_final_int(r, "processes_created"),
	       probe_final_int(r, "threads_created"),
	       probe_final_int(r, "threads_exited"),
	       probe_final_int(r, "live_threads"),
	       probe_final_int(r, "kstack_bytes"),
	       probe_final_int(r, "followed_dropped"),
	       probe_final_int(r, "live_dropped"));
	EXPECT_EQ(0, probe_final_int(r, "live_threads"));
	EXPECT_EQ(0, probe_final_int(r, "kstack_bytes"));
	EXPECT_EQ(0, probe_final_int(r, "followed_dropped"));
	EXPECT_EQ(0, probe_final_int(r, "live_dropped"));
}

/* Only for its timeout: 9000 forks take minutes in the test VM's TCG. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

TEST_F_TIMEOUT(slow, nine_thousand_children, 600)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_stacks", "churn",
			       "9000", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	ASSERT_NE(NULL, r.final) TH_LOG("no final report; stdout: %s", r.out);
	expect_all_gone(_metadata, &r);
	EXPECT_EQ(9000, probe_final_int(&r, "processes_created"));
	/* Every child and the command itself. */
	EXPECT_EQ(9001, probe_final_int(&r, "threads_exited"));
	probe_free(&r);
}

/*
 * Run the workload while a name-targeted probe runs, then stop the probe.
 * The workload runs through a symlink named for this test process: its
 * comm is then no other process's, not even another test's wl_stacks.
 */
static void run_under_comm(struct __test_metadata *_metadata,
			   struct probe_run *r, const char *mode)
{
	char link[PATH_MAX], comm[16];
	const char *args[] = { "--json", "-i", "0.2", "--comm", comm, NULL };
	int st;
	pid_t pid;

	ASSERT_EQ(0, probe_named_link("tests/probe/wl_stacks", "wls", comm, link));
	ASSERT_EQ(0, probe_start(r, args));
	ASSERT_EQ(0, probe_wait_output(r, "\"interval\"", 60000))
		TH_LOG("the probe never reported");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(link, comm, mode, "300", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	probe_unlink_named(link);
	EXPECT_EQ(0, st);
	/*
	 * Every exit reached the maps before waitpid returned: the exit
	 * tracepoint runs in the exiting task before it is reaped.
	 */
	ASSERT_EQ(0, kill(r->pid, SIGINT));
	ASSERT_EQ(0, probe_finish(r));
	ASSERT_EQ(0, r->status) TH_LOG("probe stderr: %s", r->err);
	ASSERT_NE(NULL, r->final);
}

/* 300 of what mode makes, named wl_stacks at birth and not at exit. */
static void comm_case(struct __test_metadata *_metadata, const char *mode,
		      const char *created_key)
{
	struct probe_run r;

	run_under_comm(_metadata, &r, mode);
	expect_all_gone(_metadata, &r);
	EXPECT_EQ(300, probe_final_int(&r, created_key));
	/* No per-thread timestamps left behind by the exited ones. */
	EXPECT_EQ(0, probe_final_int(&r, "timed_threads"));
	probe_free(&r);
}

TEST(comm_children_exec)
{
	comm_case(_metadata, "exec", "processes_created");
}

TEST(comm_threads_rename)
{
	comm_case(_metadata, "rename", "threads_created");
}

/* Fork a process that makes 200000 syscalls with PID pid, or give up: -1. */
static pid_t spawn_with_pid(pid_t pid)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
		pid_t child;

		if (!f)
			return -1;
		fprintf(f, "%d", pid - 1);
		fclose(f);
		child = fork();
		if (child == 0) {
			execl("tests/probe/wl_syscalls", "wl_syscalls", "200000",
			      (char *)NULL);
			_exit(127);
		}
		if (child == pid)
			return child;
		/* Another process took it first: try again. */
		if (child > 0)
			waitpid(child, NULL, 0);
	}
	return -1;
}

TEST(reused_pid_is_not_the_target)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_stacks",
			       "fork-sleep", "3000", NULL };
	struct probe_run r;
	const char *line;
	pid_t child, reuser;
	int st;

	ASSERT_EQ(0, probe_start(&r, args));
	ASSERT_EQ(0, probe_wait_command(&r, "child ", 60000));
	line = strstr(r.err, "child ");
	child = atoi(line + 6);
	ASSERT_LT(0, child);
	reuser = spawn_with_pid(child);
	if (reuser < 0)
		SKIP(kill(r.pid, SIGINT); probe_finish(&r); probe_free(&r); return,
		     "could not get PID %d again", child);
	ASSERT_EQ(reuser, waitpid(reuser, &st, 0));
	ASSERT_EQ(0, st) TH_LOG("tests/probe/wl_syscalls failed");
	ASSERT_EQ(0, probe_finish(&r));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	ASSERT_NE(NULL, r.final);
	TH_LOG("target and its child made %lld syscalls; PID %d reused meanwhile by a process making 200000",
	       probe_final_int(&r, "syscalls"), child);
	EXPECT_EQ(1, probe_final_int(&r, "processes_created"));
	/* The sleeper's own few hundred, not the reuser's. */
	EXPECT_GT(5000, probe_final_int(&r, "syscalls"));
	expect_all_gone(_metadata, &r);
	probe_free(&r);
}

TEST_HARNESS_MAIN
