// SPDX-License-Identifier: GPL-2.0
/*
 * The table speaks human units (ms, s, KiB, MiB) and says how stack pages
 * are charged to threads; JSON keeps the raw integers.
 */
#include <regex.h>
#include <string.h>

#include "kselftest_harness.h"
#include "probe_run.h"

/* Whether some line of text matches the extended regex re. */
static int has_line(const char *text, const char *re)
{
	regex_t rx;
	int found;

	if (!text || regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB))
		return 0;
	found = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return found;
}

TEST(human_units)
{
	const char *args[] = { "--", "tests/probe/wl_threads", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	/* A sum over threads, said so, with the mean per thread. */
	EXPECT_TRUE(has_line(r.out, "^  offcpu +[0-9.]+ (ns|us|ms|s) \\(sum over [0-9]+ threads; mean [0-9.]+ (ns|us|ms|s) per thread\\)$"))
		TH_LOG("%s", r.out);
	EXPECT_TRUE(has_line(r.out, "^  kstack_size +[0-9.]+ KiB ")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_line(r.out, "^  stack_reserved +[0-9.]+ MiB$")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_line(r.out, "mean [0-9.]+ (ns|us|ms|s)$")) TH_LOG("%s", r.out);
	/* No raw nanosecond rows left. */
	EXPECT_FALSE(has_line(r.out, "^  offcpu_ns ")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_line(r.out, "charged to the thread whose")) TH_LOG("%s", r.out);
	EXPECT_TRUE(has_line(r.out, "^    tid [0-9]+ +[0-9.]+ KiB +\\(own [0-9.]+ (B|KiB), others [0-9.]+ (B|KiB)\\)$"))
		TH_LOG("%s", r.out);
	probe_free(&r);
}

TEST(json_stays_raw)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_threads", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_NE(NULL, r.final);
	EXPECT_TRUE(json_is_integer(json_object_get(r.final, "offcpu_ns")));
	EXPECT_TRUE(json_is_integer(json_object_get(r.final, "stack_reserved_bytes")));
	EXPECT_TRUE(json_is_integer(json_object_get(r.final, "kstack_size")));
	probe_free(&r);
}

TEST_HARNESS_MAIN
