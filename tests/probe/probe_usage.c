// SPDX-License-Identifier: GPL-2.0
/*
 * Bad flags and missing targets: exit status 2, a one-line reason and the
 * usage on stderr, nothing on stdout.  --help exits 0.
 */
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
	EXPECT_NE(NULL, strstr(r.err, "stacklab-probe --help")) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(NULL, r.final);
	probe_free(&r);
}

TEST(unknown_flag)
{
	const char *args[] = { "--no-such-flag", "-p", "1", NULL };

	expect_usage_error(_metadata, args, "unrecognized option");
}

TEST(no_target)
{
	const char *args[] = { "--json", NULL };

	expect_usage_error(_metadata, args, "no target");
}

TEST(two_targets)
{
	const char *args[] = { "-p", "1", "-c", "init", NULL };

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

	expect_usage_error(_metadata, args, "-d must be a positive number");
}

TEST(comm_too_long)
{
	const char *args[] = { "-c", "a-name-longer-than-15", NULL };

	expect_usage_error(_metadata, args, "-c needs a name");
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
	EXPECT_NE(NULL, strstr(r.out, "-p TGID | -c COMM | -- COMMAND"));
	probe_free(&r);
}

TEST_HARNESS_MAIN
