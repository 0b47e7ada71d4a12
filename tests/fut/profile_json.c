// SPDX-License-Identifier: GPL-2.0
/* The profile: JSON with the documented keys, written on demand, on a
 * signal (from the executor loop, also while a task keeps yielding) and
 * at exit. */
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "futtest.h"

struct big {
	struct fut_hdr hdr;
	char scratch[1000];
};
static intptr_t big_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct big *self = (void *)h;

	(void)task;
	self->scratch[0] = 1;
	return 0;
}
static struct fut_type big_type = FUT_TYPE_DESC(big, big_poll, NULL);
static void big_init(struct big *b)
{
	(void)b;
}

#define OWNER_BRANCHES(B, U) \
	U(B(boxed, big, rare_branch) B(inline, fut_sleep, nap))
struct owner {
	struct fut_hdr hdr;
	int rare, raise_sig;
	intptr_t r;
	FUT_BRANCHES(OWNER_BRANCHES);
};
static intptr_t owner_poll(struct fut_hdr *h, struct fut_task *task);
static struct fut_type owner_type = FUT_TYPE_DESC(owner, owner_poll, NULL, OWNER_BRANCHES);

static intptr_t owner_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct owner *self = (void *)h;

	FUT_BEGIN;
	if (self->rare)
		FUT_AWAIT(rare_branch, self->r, big_init);
	if (self->raise_sig) {
		raise(self->raise_sig);
		/* Let the executor see the signal's wake-up. */
		FUT_AWAIT(nap, self->r, fut_sleep_init, 20000000);
	}
	return 0;
	FUT_END;
}

static void owner_init(struct owner *s, int rare, int sig)
{
	s->rare = rare;
	s->raise_sig = sig;
}

static json_t *find_type(json_t *root, const char *name)
{
	json_t *types = json_object_get(root, "types"), *t;
	size_t i;

	json_array_foreach(types, i, t)
		if (!strcmp(json_string_value(json_object_get(t, "name")), name))
			return t;
	return NULL;
}

static void run_owners(struct fut_exec *ex, int n, int sig)
{
	for (int i = 0; i < n; i++)
		FUT_SPAWN(ex, &owner_type, true, owner_init, i % 10 == 0, 0);
	if (sig)
		FUT_SPAWN(ex, &owner_type, true, owner_init, 0, sig);
}

TEST(dump_has_the_documented_schema)
{
	char path[] = "/tmp/futprof-XXXXXX";
	struct fut_exec *ex = test_exec(0);
	json_t *root, *t, *s;
	json_error_t err;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_NE(NULL, ex);
	run_owners(ex, 100, 0);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_prof_dump(path));
	root = json_load_file(path, 0, &err);
	ASSERT_NE(NULL, root) TH_LOG("%s:%d: %s", path, err.line, err.text);
	EXPECT_EQ(1, json_integer_value(json_object_get(root, "libfut_profile")));
	EXPECT_EQ(getpid(), json_integer_value(json_object_get(root, "pid")));
	EXPECT_LE(1, json_integer_value(json_object_get(root, "executors")));
	EXPECT_EQ(48, json_integer_value(json_object_get(root, "task_header_bytes")));
	t = find_type(root, "owner");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(sizeof(struct owner), json_integer_value(json_object_get(t, "state_size")));
	EXPECT_EQ(100, json_integer_value(json_object_get(t, "spawns")));
	EXPECT_EQ(100, json_integer_value(json_object_get(t, "instances")));
	EXPECT_EQ(0, json_integer_value(json_object_get(t, "live")));
	EXPECT_EQ(100, json_integer_value(json_object_get(t, "peak_live")));
	EXPECT_LE(sizeof(struct owner) + 48, json_integer_value(json_object_get(t, "task_bytes")));
	EXPECT_EQ(fut_alloc_bytes(48 + sizeof(struct owner)),
		  json_integer_value(json_object_get(t, "alloc_bytes")));
	EXPECT_LE(48 + sizeof(struct owner), json_integer_value(json_object_get(t, "alloc_bytes")));
	EXPECT_LT(0, json_integer_value(json_object_get(root, "rss_start_bytes")));
	EXPECT_LT(0, json_integer_value(json_object_get(root, "rss_bytes")));
	EXPECT_LE(json_integer_value(json_object_get(root, "rss_bytes")),
		  json_integer_value(json_object_get(root, "rss_peak_bytes")));
	s = json_array_get(json_object_get(t, "slots"), 0);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("rare_branch", json_string_value(json_object_get(s, "name")));
	EXPECT_STREQ("boxed", json_string_value(json_object_get(s, "mode")));
	EXPECT_STREQ("big", json_string_value(json_object_get(s, "child")));
	EXPECT_EQ(sizeof(struct big), json_integer_value(json_object_get(s, "child_size")));
	EXPECT_EQ(sizeof(void *), json_integer_value(json_object_get(s, "size")));
	EXPECT_EQ(10, json_integer_value(json_object_get(s, "enters")));
	EXPECT_EQ(10, json_integer_value(json_object_get(s, "entered")));
	EXPECT_EQ(10, json_integer_value(json_object_get(s, "boxed_allocs")));
	EXPECT_EQ(0.1, json_real_value(json_object_get(s, "entered_share")));
	EXPECT_EQ(1.0, json_real_value(json_object_get(s, "allocs_per_task")));
	/* big completes in the poll that starts it: one inside at a time. */
	EXPECT_EQ(0, json_integer_value(json_object_get(s, "active")));
	EXPECT_EQ(1, json_integer_value(json_object_get(s, "peak_active")));
	EXPECT_EQ(fut_alloc_bytes(16 + sizeof(struct big)),
		  json_integer_value(json_object_get(s, "box_alloc_bytes")));
	s = json_array_get(json_object_get(t, "slots"), 1);
	EXPECT_STREQ("inline", json_string_value(json_object_get(s, "mode")));
	EXPECT_EQ(0, json_integer_value(json_object_get(s, "entered")));
	EXPECT_EQ(0, json_integer_value(json_object_get(s, "peak_active")));
	/* Priced for an inline slot too: what boxing it would take. */
	EXPECT_EQ(fut_alloc_bytes(16 + sizeof(struct fut_sleep)),
		  json_integer_value(json_object_get(s, "box_alloc_bytes")));
	EXPECT_NE(NULL, json_object_get(s, "active"));
	t = find_type(root, "big");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, json_integer_value(json_object_get(t, "spawns")));
	EXPECT_EQ(10, json_integer_value(json_object_get(t, "instances")));
	json_decref(root);
	fut_exec_destroy(ex);
	unlink(path);
}

/* Dumps the profile from inside the executor while the sleepers are
 * suspended in their slot. */
struct dumper {
	struct fut_hdr hdr;
	const char *path;
};
static intptr_t dumper_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct dumper *self = (void *)h;

	(void)task;
	return fut_prof_dump(self->path);
}
static struct fut_type dumper_type = FUT_TYPE_DESC(dumper, dumper_poll, NULL);
static void dumper_init(struct dumper *d, const char *path)
{
	d->path = path;
}

TEST(active_counts_instances_inside_a_slot_at_dump)
{
	char path[] = "/tmp/futprof-active-XXXXXX";
	struct fut_exec *ex = test_exec(0);
	json_t *root, *s;
	json_error_t err;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_NE(NULL, ex);
	/* 6 owners nap 20 ms in slot 1 after raising SIGWINCH (ignored by
	 * default; the nap only comes with a signal). */
	for (int i = 0; i < 6; i++)
		FUT_SPAWN(ex, &owner_type, true, owner_init, 0, SIGWINCH);
	FUT_SPAWN(ex, &dumper_type, true, dumper_init, path);
	ASSERT_EQ(0, fut_exec_run(ex));
	root = json_load_file(path, 0, &err);
	ASSERT_NE(NULL, root) TH_LOG("%s:%d: %s", path, err.line, err.text);
	s = json_array_get(json_object_get(find_type(root, "owner"), "slots"), 1);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("nap", json_string_value(json_object_get(s, "name")));
	EXPECT_EQ(6, json_integer_value(json_object_get(s, "active")));
	EXPECT_EQ(6, json_integer_value(json_object_get(s, "peak_active")));
	json_decref(root);
	fut_exec_destroy(ex);
	unlink(path);
}

TEST(dump_on_signal_from_the_executor_loop)
{
	char path[] = "/tmp/futprof-sig-XXXXXX";
	struct fut_exec *ex = test_exec(0);
	json_error_t err;
	json_t *root;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	unlink(path);
	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, fut_prof_enable(path, SIGUSR1));
	run_owners(ex, 10, SIGUSR1);
	ASSERT_EQ(0, fut_exec_run(ex));
	root = json_load_file(path, 0, &err);
	ASSERT_NE(NULL, root) TH_LOG("no profile written on SIGUSR1: %s", err.text);
	EXPECT_NE(NULL, find_type(root, "owner"));
	json_decref(root);
	fut_exec_destroy(ex);
	unlink(path);
}

/* Raises the signal, then yields until the profile is there, at most two
 * run budgets of the executor (1024 polls each) after the signal.  A nap
 * first: the executor's eventfd read is in the kernel by then (a read
 * submitted after the write would complete at once). */
#define SPIN_DUMP_BRANCHES(B, U) B(inline, fut_sleep, nap)
struct spin_dump {
	struct fut_hdr hdr;
	const char *path;
	long polls;
	intptr_t r;
	FUT_BRANCHES(SPIN_DUMP_BRANCHES);
};
static intptr_t spin_dump_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct spin_dump *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000000);
	raise(SIGUSR1);	/* the handler's eventfd write is done on return */
	while (access(self->path, F_OK)) {
		if (++self->polls > 2 * 1024 + 2)
			return -1;
		FUT_YIELD();
	}
	return 0;
	FUT_END;
}
static struct fut_type spin_dump_type =
	FUT_TYPE_DESC(spin_dump, spin_dump_poll, NULL, SPIN_DUMP_BRANCHES);
static void spin_dump_init(struct spin_dump *s, const char *path)
{
	s->path = path;
}

TEST(dump_on_signal_while_a_task_yields)
{
	char path[] = "/tmp/futprof-spin-XXXXXX";
	struct fut_exec *ex = test_exec(0);
	struct fut_handle h;
	intptr_t r = 1;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	unlink(path);
	ASSERT_NE(NULL, ex);
	ASSERT_EQ(0, fut_prof_enable(path, SIGUSR1));
	h = FUT_SPAWN(ex, &spin_dump_type, false, spin_dump_init, path);
	ASSERT_EQ(0, fut_exec_run(ex));
	ASSERT_EQ(0, fut_join_now(h, &r));
	EXPECT_EQ(0, r) TH_LOG("no profile after %d polls of a yielding task", 2 * 1024 + 2);
	fut_exec_destroy(ex);
	unlink(path);
}

TEST(dump_at_exit_with_FUT_PROFILE)
{
	char path[] = "/tmp/futprof-exit-XXXXXX";
	json_error_t err;
	json_t *root;
	int fd = mkstemp(path), status;
	pid_t pid;

	ASSERT_LE(0, fd);
	close(fd);
	unlink(path);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct fut_exec *ex;

		setenv("FUT_PROFILE", path, 1);
		ex = test_exec(0);
		if (!ex)
			_exit(1);
		run_owners(ex, 5, 0);
		fut_exec_run(ex);
		fut_exec_destroy(ex);	/* counters survive their executor */
		exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	root = json_load_file(path, 0, &err);
	ASSERT_NE(NULL, root) TH_LOG("no profile at exit: %s", err.text);
	EXPECT_EQ(5, json_integer_value(json_object_get(find_type(root, "owner"), "spawns")));
	json_decref(root);
	unlink(path);
}

TEST_HARNESS_MAIN
