// SPDX-License-Identifier: GPL-2.0
/*
 * The files are root's: a process that is not root gets EACCES opening
 * tasks and summary, and target for reading or writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

#define NOBODY 65534

/* In a child that dropped root: how many opens did not fail with EACCES. */
static int opens_not_denied(void)
{
	static const struct { const char *path; int flags; } files[] = {
		{ SL_TASKS, O_RDONLY }, { SL_SUMMARY, O_RDONLY },
		{ SL_TARGET, O_RDONLY }, { SL_TARGET, O_WRONLY },
	};
	int wrong = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i].path, files[i].flags);

		if (fd >= 0 || errno != EACCES) {
			fprintf(stderr, "# %s (flags %d): %s\n", files[i].path,
				files[i].flags, fd >= 0 ? "opened" : strerror(errno));
			wrong++;
		}
		if (fd >= 0)
			close(fd);
	}
	return wrong;
}

TEST_F(stacklab, non_root_gets_eacces)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(opens_not_denied());
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_NE(100, WEXITSTATUS(status)) TH_LOG("could not drop root");
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Root still reads it. */
	EXPECT_EQ(0, access(SL_TASKS, R_OK));
}

TEST_HARNESS_MAIN
