// SPDX-License-Identifier: GPL-2.0
/*
 * Bad flags and missing targets: exit status 2, one line on stderr saying
 * what is wrong (and, for a flag, "try 'stacklab-probe --help'"), nothing
 * on stdout.  --help exits 0.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

static void expect_usage_error(struct __test_metadata *_metadata,
			       const char *const args[], const char *reason)
{
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	EXPECT_EQ(2, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.err);
	EXPECT_NE(NULL, strstr(r.err, reason)) TH_LOG("stderr: %s", r.err);
	/* Said once: one line, the last character of stderr its newline. */
	ASSERT_NE(NULL, strchr(r.err, '\n'));
	EXPECT_EQ(strlen(r.err) - 1, (size_t)(strchr(r.err, '\n') - r.err))
		TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(NULL, r.final);
	probe_free(&r);
}

TEST(unknown_flag)
{
	const char *args[] = { "--no-such-flag", "-p", "1", NULL };

	expect_usage_error(_metadata, args,
			   "unknown option '--no-such-flag'; try 'stacklab-probe --help'");
}

TEST(no_target)
{
	const char *args[] = { "--json", NULL };

	expect_usage_error(_metadata, args, "no target");
}

TEST(two_targets)
{
	const char *args[] = { "-p", "1", "--comm", "init", NULL };

	expect_usage_error(_metadata, args, "give one target");
}

TEST(bad_pid)
{
	const char *args[] = { "-p", "12abc", NULL };

	expect_usage_error(_metadata, args, "-p needs a process ID");
}

TEST(bad_duration)
{
	const char *args[] = { "-p", "1", "-d", "-3", NULL };

	expect_usage_error(_metadata, args, "--duration: '-3' is not a duration");
}

TEST(comm_too_long)
{
	const char *args[] = { "--comm", "a-name-longer-than-15", NULL };

	expect_usage_error(_metadata, args, "--comm needs a name");
}

/* The final report comes, then a warning, and exit status 1. */
static void expect_no_match(struct __test_metadata *_metadata,
			    const char *const args[])
{
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	EXPECT_EQ(1, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.final) TH_LOG("stdout: %s", r.out ? r.out : "");
	ASSERT_NE(NULL, r.err);
	EXPECT_NE(NULL, strstr(r.err, "--comm no-such-comm matched no process"))
		TH_LOG("stderr: %s", r.err);
	probe_free(&r);
}

TEST(comm_matches_nothing)
{
	const char *args[] = { "--json", "-d", "0.3", "--comm", "no-such-comm", NULL };

	expect_no_match(_metadata, args);
}

/* The old spelling still works, with a warning. */
TEST(short_c_deprecated)
{
	const char *args[] = { "--json", "-d", "0.3", "-c", "no-such-comm", NULL };
	struct probe_run r;

	expect_no_match(_metadata, args);
	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_NE(NULL, r.err);
	EXPECT_NE(NULL, strstr(r.err, "-c COMM is deprecated")) TH_LOG("stderr: %s", r.err);
	probe_free(&r);
}

/* A name that runs: no warning, status 0. */
TEST(comm_matches_a_process)
{
	char comm[16], link[PATH_MAX];
	const char *args[] = { "--json", "-d", "0.5", "--comm", comm, NULL };
	struct probe_run r;
	pid_t pid;

	ASSERT_EQ(0, probe_named_link("tests/probe/wl_exit_after", "wlx", comm, link));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(link, comm, "3000", "0", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(0, probe_run(&r, args));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	probe_unlink_named(link);
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	EXPECT_EQ(NULL, r.err ? strstr(r.err, "matched no process") : NULL);
	EXPECT_EQ(1, probe_final_int(&r, "live_threads"));
	probe_free(&r);
}

/* A PID that was just freed: no such process. */
TEST(pid_gone)
{
	char pid_arg[32];
	const char *args[] = { "-p", pid_arg, "-d", "1", NULL };
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	snprintf(pid_arg, sizeof(pid_arg), "%d", pid);
	expect_usage_error(_metadata, args, "no process");
}

TEST(command_not_found)
{
	const char *args[] = { "--", "/nonexistent/command", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	EXPECT_EQ(2, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.err);
	EXPECT_NE(NULL, strstr(r.err, "cannot run '/nonexistent/command'"))
		TH_LOG("stderr: %s", r.err);
	probe_free(&r);
}

TEST(help)
{
	const char *args[] = { "--help", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	EXPECT_EQ(0, r.status);
	ASSERT_NE(NULL, r.out);
	EXPECT_NE(NULL, strstr(r.out, "-p TGID | --comm COMM | -- COMMAND"));
	probe_free(&r);
}

TEST_HARNESS_MAIN
