// SPDX-License-Identifier: GPL-2.0
/*
 * Writes to /proc/stacklab/target: a decimal TGID (newline optional) or 0
 * is taken; anything else fails with EINVAL, a number that names no
 * process with ESRCH, and the previous target stays in force.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

TEST_F(stacklab, good_values_are_taken)
{
	char buf[16];

	ASSERT_EQ(0, sl_set_target(getpid()));
	EXPECT_EQ(getpid(), sl_get_target());
	snprintf(buf, sizeof(buf), "%d", getpid());	/* no newline */
	ASSERT_EQ(0, sl_write_target("0", 1));
	EXPECT_EQ(0, sl_get_target());
	ASSERT_EQ(0, sl_write_target(buf, strlen(buf)));
	EXPECT_EQ(getpid(), sl_get_target());
	ASSERT_EQ(0, sl_write_target("0\n", 2));
	EXPECT_EQ(0, sl_get_target());
}

TEST_F(stacklab, bad_input_is_einval)
{
	static const char *const bad[] = {
		"abc", "-1", "12abc", "", "\n", " 1", "+1", "1 2", "0x10",
		"12345678901234567890", "2147483648",
	};
	char junk[4096];
	size_t i;

	memset(junk, 'x', sizeof(junk));
	ASSERT_EQ(0, sl_set_target(getpid()));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, sl_write_target(bad[i], strlen(bad[i])))
			TH_LOG("writing '%s'", bad[i]);
		EXPECT_EQ(getpid(), sl_get_target());
	}
	EXPECT_EQ(-EINVAL, sl_write_target(junk, sizeof(junk)));
	EXPECT_EQ(getpid(), sl_get_target());
}

TEST_F(stacklab, no_such_process_is_esrch)
{
	pid_t gone = fork();

	ASSERT_LE(0, gone);
	if (gone == 0)
		_exit(0);
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));
	ASSERT_EQ(0, sl_set_target(getpid()));
	EXPECT_EQ(-ESRCH, sl_set_target(gone));
	EXPECT_EQ(getpid(), sl_get_target());
	EXPECT_EQ(-ESRCH, sl_set_target(4194303));	/* above any pid_max */
	EXPECT_EQ(getpid(), sl_get_target());
}

static void *idle_thread(void *arg)
{
	pid_t *tid = arg;

	__atomic_store_n(tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	pause();
	return NULL;
}

/* A TID that is not a thread group's leader names no process. */
TEST_F(stacklab, thread_id_is_esrch)
{
	pthread_t thread;
	pid_t tid = 0;

	ASSERT_EQ(0, pthread_create(&thread, NULL, idle_thread, &tid));
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	ASSERT_EQ(0, sl_set_target(getpid()));
	EXPECT_EQ(-ESRCH, sl_set_target(tid));
	EXPECT_EQ(getpid(), sl_get_target());
	pthread_cancel(thread);
	pthread_join(thread, NULL);
}

TEST_HARNESS_MAIN
