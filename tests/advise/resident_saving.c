// SPDX-License-Identifier: GPL-2.0
/*
 * A saving is what the process stops keeping resident: N tasks, alive at
 * once, each with a 256 KiB inline branch no task ever enters (its pages
 * never touched).  fut-advise on that profile must predict, from the
 * profile's RSS per task, a saving near the RSS difference the boxed build
 * of the same program measures, and say it counted resident bytes; the
 * allocation (N x 256 KiB) is not what boxing gives back.
 */
#include <jansson.h>

#include "kselftest_harness.h"
#include "libfut/fut.h"
#include "advise_test.h"

#define TASKS 2000
#define BIG_BYTES (256 * 1024)

struct big {
	struct fut_hdr hdr;
	char scratch[BIG_BYTES];
};
static intptr_t big_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct big *self = (void *)h;

	(void)task;
	memset(self->scratch, 1, sizeof(self->scratch));
	return 0;
}
static struct fut_type big_type = FUT_TYPE_DESC(big, big_poll, NULL);
static void big_init(struct big *b)
{
	(void)b;
}

/* The same future twice, the big branch inline in one and boxed in the other. */
#define HOLDER(MODE)								\
	struct holder_##MODE {							\
		struct fut_hdr hdr;						\
		int rare;							\
		intptr_t r;							\
		FUT_BRANCHES(HOLDER_##MODE##_BRANCHES);				\
	};									\
	static intptr_t holder_##MODE##_poll(struct fut_hdr *h, struct fut_task *task) \
	{									\
		struct holder_##MODE *self = (void *)h;				\
										\
		FUT_BEGIN;							\
		if (self->rare)							\
			FUT_AWAIT(heavy, self->r, big_init);			\
		FUT_AWAIT(nap, self->r, fut_sleep_init, 300 * 1000000ULL);	\
		return 0;							\
		FUT_END;							\
	}									\
	static struct fut_type holder_##MODE##_type =				\
		FUT_TYPE_DESC(holder_##MODE, holder_##MODE##_poll, NULL,	\
			      HOLDER_##MODE##_BRANCHES);			\
	static void holder_##MODE##_init(struct holder_##MODE *s)		\
	{									\
		s->rare = 0;							\
	}

#define HOLDER_inline_BRANCHES(B, U) U(B(inline, big, heavy) B(inline, fut_sleep, nap))
#define HOLDER_boxed_BRANCHES(B, U) U(B(boxed, big, heavy) B(inline, fut_sleep, nap))
HOLDER(inline)
HOLDER(boxed)

/*
 * In a fresh process (its RSS figures its own): TASKS holders of one mode
 * alive at once, then the profile to path.  0, or -1.
 */
static int profile_in_child(bool boxed, const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct fut_exec *ex = fut_exec_create(NULL);

		if (!ex)
			_exit(1);
		for (int i = 0; i < TASKS; i++)
			if (!(boxed ? FUT_SPAWN(ex, &holder_boxed_type, true, holder_boxed_init) :
			      FUT_SPAWN(ex, &holder_inline_type, true, holder_inline_init)).gen)
				_exit(1);
		if (fut_exec_run(ex) || fut_prof_dump(path))
			_exit(1);
		fut_exec_destroy(ex);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) ? -1 : 0;
}

/* A string field of o, "(none)" when absent. */
static const char *field(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "(none)";
}

/* RSS growth since the first executor, in the profile at path; -1 if none. */
static long long rss_growth(const char *path)
{
	json_t *root = json_load_file(path, 0, NULL);
	long long g = -1;

	if (root)
		g = json_integer_value(json_object_get(root, "rss_peak_bytes")) -
		    json_integer_value(json_object_get(root, "rss_start_bytes"));
	json_decref(root);
	return g;
}

TEST(saving_is_resident_bytes_not_the_state)
{
	char inl[] = "/tmp/advise-res-inline-XXXXXX", box[] = "/tmp/advise-res-boxed-XXXXXX";
	char args[128], *out, *err;
	long long grown_inline, grown_boxed, measured, predicted;
	json_t *root, *s;

	ASSERT_LE(0, mkstemp(inl));
	ASSERT_LE(0, mkstemp(box));
	ASSERT_EQ(0, profile_in_child(false, inl));
	ASSERT_EQ(0, profile_in_child(true, box));
	grown_inline = rss_growth(inl);
	grown_boxed = rss_growth(box);
	measured = grown_inline - grown_boxed;
	snprintf(args, sizeof(args), "%s --json", inl);
	ASSERT_EQ(0, run_advise(args, &out, &err)) TH_LOG("stderr: %s", err);
	root = json_loads(out, 0, NULL);
	ASSERT_NE(NULL, root) TH_LOG("output: %s", out);
	s = json_array_get(json_object_get(root, "suggestions"), 0);
	ASSERT_STREQ("box", field(s, "kind"));
	ASSERT_STREQ("heavy", field(s, "slot"));
	EXPECT_STREQ("resident", field(s, "saved_basis"));
	predicted = json_integer_value(json_object_get(s, "saved_at_peak"));
	TH_LOG("RSS growth: inline %lld, boxed %lld: boxing gave back %lld; predicted %lld; the slots' bytes %lld",
	       grown_inline, grown_boxed, measured, predicted, (long long)TASKS * BIG_BYTES);
	ASSERT_LT(0, measured);
	/* Near what boxing measurably gave back (within 25%)... */
	EXPECT_LE(llabs(predicted - measured), measured / 4);
	/* ... and nowhere near the never-touched slots' bytes. */
	EXPECT_LT(predicted, (long long)TASKS * BIG_BYTES / 4);
	json_decref(root);
	free(out);
	free(err);
	unlink(inl);
	unlink(box);
}

TEST_HARNESS_MAIN
