// SPDX-License-Identifier: GPL-2.0
/*
 * The access check is made per thread when the file is read, with the
 * reader's credentials then: tasks opened by root and read after the
 * reader dropped to nobody shows none of root's threads (as
 * /proc/PID/maps would refuse them), and summary counts none; root
 * still sees them.
 */
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

#define NOBODY 65534

/* Lines in what @fd reads to EOF (the header is one). */
static int count_lines(int fd)
{
	char buf[4096];
	ssize_t n;
	int lines = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	return n < 0 ? -1 : lines;
}

/* The "threads N" line of what @fd reads, or -1. */
static int summary_threads(int fd)
{
	char buf[2048], *p;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nthreads ");
	return p ? atoi(p + 9) : -1;
}

TEST_F(stacklab, checked_at_read_time)
{
	int status, tasks_fd, summary_fd;
	pid_t target, reader;

	target = fork();
	ASSERT_LE(0, target);
	if (target == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, sl_set_target(target));
	reader = fork();
	ASSERT_LE(0, reader);
	if (reader == 0) {
		/* Opened as root: the open itself is allowed. */
		tasks_fd = open(SL_TASKS, O_RDONLY);
		summary_fd = open(SL_SUMMARY, O_RDONLY);
		if (tasks_fd < 0 || summary_fd < 0)
			_exit(100);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(101);
		/* Only the header; no thread counted. */
		_exit((count_lines(tasks_fd) == 1 ? 0 : 1) |
		      (summary_threads(summary_fd) == 0 ? 0 : 2));
	}
	ASSERT_EQ(reader, waitpid(reader, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1: tasks showed root's rows to nobody; 2: summary counted them; 100/101: setup");
	/* Root reads the target's one thread. */
	tasks_fd = open(SL_TASKS, O_RDONLY);
	ASSERT_LE(0, tasks_fd);
	EXPECT_EQ(2, count_lines(tasks_fd));
	close(tasks_fd);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
}

TEST_HARNESS_MAIN
