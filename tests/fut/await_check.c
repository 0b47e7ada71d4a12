// SPDX-License-Identifier: GPL-2.0
/* A slot/field mismatch that compiles: a poll function written for one
 * state struct under a descriptor made from another struct's branches.
 * The first await aborts, naming the type and the field.  An await inside
 * a switch of the body's own aborts at its resume, naming the type and
 * the line, rather than skip the rest of the body and return 0. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

#define AA_BRANCHES(B, U) B(inline, fut_io, io) B(inline, fut_sleep, nap)
struct aa {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(AA_BRANCHES);
};
#define BB_BRANCHES(B, U) B(inline, fut_sleep, nap) B(inline, fut_io, io)
struct bb {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(BB_BRANCHES);
};

static intptr_t aa_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct aa *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000);
	return 7;
	FUT_END;
}
static void aa_init(void *s)
{
	(void)s;
}

static struct fut_type aa_type = FUT_TYPE_DESC(aa, aa_poll, NULL, AA_BRANCHES);
/* Wrong: bb's branches (nap is slot 0 there), aa's poll function. */
static struct fut_type bb_type = FUT_TYPE_DESC(bb, aa_poll, NULL, BB_BRANCHES);

/* The await sits in a switch of the body's own. */
enum { SW_POLL_FIRST_LINE = __LINE__ };
static intptr_t sw_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct aa *self = (void *)h;

	FUT_BEGIN;
	switch (self->r) {
	case 0:
		FUT_AWAIT(nap, self->r, fut_sleep_init, 1000);
		break;
	default:
		break;
	}
	return 7;
	FUT_END;
}
enum { SW_POLL_LAST_LINE = __LINE__ };
static struct fut_type sw_type = FUT_TYPE_DESC(aa, sw_poll, NULL, AA_BRANCHES);

/* Runs a task of type in a child; its stderr in err, its wait status. */
static int run_child(struct fut_type *type, char *err, size_t len)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct fut_exec *ex;
		struct fut_handle h;
		intptr_t r = 0;

		dup2(p[1], 2);
		ex = test_exec(0);
		h = FUT_SPAWN(ex, type, false, aa_init);
		fut_exec_run(ex);
		fut_join_now(h, &r);
		_exit(r == 7 ? 0 : 1);
	}
	close(p[1]);
	while (got < (ssize_t)len - 1 && (n = read(p[0], err + got, len - 1 - got)) > 0)
		got += n;
	err[got] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	return status;
}

TEST(matching_descriptor_runs)
{
	char err[4096];
	int status = run_child(&aa_type, err, sizeof(err));

	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("stderr: %s", err);
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(other_structs_descriptor_aborts_naming_type_and_field)
{
	char err[4096];
	int status = run_child(&bb_type, err, sizeof(err));

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("stderr: %s", err);
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(err, "FUT_AWAIT(nap) in a future of type bb"))
		TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "slot 1 is 'io'")) TH_LOG("stderr: %s", err);
}

TEST(await_in_own_switch_aborts_naming_type_and_line)
{
	char err[4096], *at;
	int status = run_child(&sw_type, err, sizeof(err));
	long line;

	ASSERT_TRUE(WIFSIGNALED(status))
		TH_LOG("the body went on (exit %d), stderr: %s",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, err);
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	at = strstr(err, "await_check.c:");
	ASSERT_NE(NULL, at) TH_LOG("stderr: %s", err);
	line = strtol(at + strlen("await_check.c:"), NULL, 10);
	EXPECT_LT(SW_POLL_FIRST_LINE, line) TH_LOG("stderr: %s", err);
	EXPECT_GT(SW_POLL_LAST_LINE, line) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "a future of type aa resumed"))
		TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "switch statement")) TH_LOG("stderr: %s", err);
}

TEST_HARNESS_MAIN
