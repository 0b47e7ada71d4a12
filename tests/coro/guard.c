// SPDX-License-Identifier: GPL-2.0
/* A fixed coroutine stack that overflows hits its guard page: the process
 * dies of SIGSEGV after a report naming the coroutine, never running on
 * over whatever lies below the stack. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "corotest.h"
#include "deep_split.h"

static intptr_t overflow(void *arg)
{
	(void)arg;
	/* A GiB of frames: far past any fixed stack here. */
	return (intptr_t)deep_split_recurse(1u << 20);
}

/* In a child: stderr to the pipe, run the coroutine (it never returns). */
static void run_child(int out_fd)
{
	struct coro_opts o = { .stack = CORO_STACK_FIXED, .stack_size = 64 * 1024,
			       .name = "overflower" };
	struct fut_exec *ex = fut_exec_create(NULL);
	struct fut_handle h;

	dup2(out_fd, STDERR_FILENO);
	if (!ex || coro_spawn(ex, &o, overflow, NULL, true, &h))
		_exit(3);
	fut_exec_run(ex);
	_exit(4);
}

TEST(overflow_is_reported)
{
	char report[4096] = { 0 };
	size_t got = 0;
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(pfd[0]);
		run_child(pfd[1]);
	}
	close(pfd[1]);
	while (got < sizeof(report) - 1 &&
	       (n = read(pfd[0], report + got, sizeof(report) - 1 - got)) > 0)
		got += n;
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("child's stderr: %s", report);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(report, "coroutine 'overflower' overflowed its fixed stack of 65536 bytes"));
}

TEST_HARNESS_MAIN
