// SPDX-License-Identifier: GPL-2.0
/* A malformed or truncated profile gets a one-line error naming the
 * position; usage errors exit 2. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libfut/fut.h"
#include "advise_test.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

TEST(truncated_profile_names_position)
{
	char path[] = "/tmp/advise-trunc-XXXXXX", *out, *err;
	struct fut_exec *ex = fut_exec_create(NULL);
	long len;
	FILE *f;

	ASSERT_NE(NULL, ex);
	ASSERT_LE(0, mkstemp(path));
	ASSERT_EQ(0, fut_prof_dump(path));	/* a real profile, then cut it */
	fut_exec_destroy(ex);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fclose(f);
	ASSERT_EQ(0, truncate(path, len / 2));
	EXPECT_EQ(1, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(err, path));
	EXPECT_NE(NULL, strstr(err, "line ")) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "column ")) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "truncated"));
	free(out);
	free(err);
	unlink(path);
}

/* Before the first executor libfut knows no start RSS and writes -1. */
TEST(profile_before_any_executor_is_read)
{
	char path[] = "/tmp/advise-early-XXXXXX", *out, *err;

	ASSERT_LE(0, mkstemp(path));
	ASSERT_EQ(0, fut_prof_dump(path));
	EXPECT_EQ(0, run_advise(path, &out, &err)) TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(out, "0 future types")) TH_LOG("stdout: %s", out);
	unlink(path);
	free(out);
	free(err);
}

TEST(malformed_profile_names_line_and_column)
{
	char path[] = "/tmp/advise-bad-XXXXXX", *out, *err;

	ASSERT_LE(0, mkstemp(path));
	write_file(path, "{\n  \"libfut_profile\": 1,\n  \"types\": [ ,\n");
	EXPECT_EQ(1, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(err, "line 3, column 14")) TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	unlink(path);
}

TEST(wrong_field_names_its_path)
{
	char path[] = "/tmp/advise-field-XXXXXX", *out, *err;

	ASSERT_LE(0, mkstemp(path));
	write_file(path, "{\"libfut_profile\": 1, \"task_header_bytes\": 48, \"pointer_bytes\": 8,"
		   " \"executors\": 1, \"types\": [{\"name\": \"t\", \"state_size\": \"big\"}]}");
	EXPECT_EQ(1, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(err, "types[0]: \"state_size\"")) TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	unlink(path);
}

/* One type "t" of 65592 bytes, one slot; SLOT_FIELDS are spliced in. */
#define PROFILE_HEAD "{\"libfut_profile\": 1, \"task_header_bytes\": 48, \"pointer_bytes\": 8," \
	" \"executors\": 1, \"types\": [{\"name\": \"t\", \"state_size\": 65592," \
	" \"task_bytes\": 65640, \"spawns\": 10, \"instances\": 10, \"live\": 0," \
	" \"peak_live\": 10, \"slots\": [{\"name\": \"s\", \"index\": 0," \
	" \"offset\": 56, \"size\": 65536, \"mode\": \"inline\", \"child\": \"c\"," \
	" \"child_size\": 65536, \"enters\": 10, "
#define PROFILE_TAIL "}]}]}"

static void expect_field_error(struct __test_metadata *_metadata,
			       const char *fields, const char *want)
{
	char path[] = "/tmp/advise-range-XXXXXX", *out, *err, text[2048];

	ASSERT_LE(0, mkstemp(path));
	snprintf(text, sizeof(text), PROFILE_HEAD "%s" PROFILE_TAIL, fields);
	write_file(path, text);
	EXPECT_EQ(1, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(err, want)) TH_LOG("stderr: %s", err);
	EXPECT_EQ(NULL, strstr(out, "saved")) TH_LOG("stdout: %s", out);
	free(out);
	free(err);
	unlink(path);
}

/* Values near 2^63 would overflow the model's arithmetic: refused, the field named. */
TEST(huge_values_rejected_by_name)
{
	expect_field_error(_metadata, "\"entered\": 5, \"boxed_allocs\": 9223372036854775000",
			   "\"boxed_allocs\" is 9223372036854775000");
	expect_field_error(_metadata, "\"entered\": 5, \"boxed_allocs\": 0, \"peak_active\": 4611686018427387904",
			   "\"peak_active\"");
}

/*
 * A slot whose branches are still running: `branch_ns` sums each one's time
 * to the dump.  Its figure is fut-server's http_conn slot 0 with a million
 * connections idle for 12 minutes on average (bench-conns in the VM): past
 * 2^53, and a real profile.
 */
TEST(long_running_branches_read)
{
	char path[] = "/tmp/advise-idle-XXXXXX", *out, *err;

	ASSERT_LE(0, mkstemp(path));
	write_file(path, "{\"libfut_profile\": 1, \"task_header_bytes\": 48, \"pointer_bytes\": 8,"
		   " \"executors\": 1, \"types\": [{\"name\": \"conn\", \"state_size\": 64,"
		   " \"task_bytes\": 112, \"spawns\": 1000000, \"instances\": 1000000,"
		   " \"live\": 1000000, \"peak_live\": 1000000, \"slots\": [{\"name\": \"rx\","
		   " \"index\": 0, \"offset\": 56, \"size\": 8, \"mode\": \"boxed\","
		   " \"child\": \"recv\", \"child_size\": 4096, \"enters\": 1000000,"
		   " \"entered\": 1000000, \"boxed_allocs\": 1000000, \"active\": 1000000,"
		   " \"branch_ns\": 720871539405176210, \"box_alloc_ns\": 20.5}]}]}");
	EXPECT_EQ(0, run_advise(path, &out, &err)) TH_LOG("stderr: %s", err);
	EXPECT_EQ(NULL, strstr(err, "corrupt")) TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	unlink(path);
}

/* More than ten years a branch is still corrupt: 10 branches of 11 years. */
TEST(branch_time_beyond_its_branches_rejected)
{
	expect_field_error(_metadata, "\"entered\": 5, \"boxed_allocs\": 0, \"branch_ns\": 3471552000000000000",
			   "\"branch_ns\" is 3471552000000000000 over 10 \"enters\"");
}

TEST(impossible_values_rejected_by_name)
{
	/*
	 * Entered by more tasks than entered at all, or than there were.  The
	 * first leaked the slot's "mode" string (LSan, 7 bytes).
	 */
	expect_field_error(_metadata, "\"entered\": 11, \"boxed_allocs\": 0", "\"entered\" (11) is more than");
}

/* Below header + state, --breakdown's rounding row wrapped to 2^64 - 2048. */
TEST(alloc_below_header_and_state_refused)
{
	char path[] = "/tmp/advise-alloc-XXXXXX", *out, *err;

	ASSERT_LE(0, mkstemp(path));
	write_file(path, "{\"libfut_profile\": 1, \"task_header_bytes\": 48, \"pointer_bytes\": 8,"
		   " \"executors\": 1, \"types\": [{\"name\": \"t\", \"state_size\": 4000,"
		   " \"task_bytes\": 4048, \"alloc_bytes\": 2000, \"spawns\": 1,"
		   " \"instances\": 1, \"live\": 1, \"peak_live\": 1, \"slots\": []}]}");
	EXPECT_EQ(1, run_advise(path, &out, &err));
	EXPECT_NE(NULL, strstr(err, "types[0] (\"t\"): \"alloc_bytes\" (2000) is less than"))
		TH_LOG("stderr: %s", err);
	EXPECT_EQ(NULL, strstr(out, "18446744073709")) TH_LOG("stdout: %s", out);
	free(out);
	free(err);
	unlink(path);
}

/* A union that contains itself (damaged DWARF) overflowed the stack. */
TEST(self_referential_dwarf_refused)
{
	char path[] = "/tmp/advise-self-XXXXXX", args[256], *out, *err;

	ASSERT_LE(0, mkstemp(path));
	ASSERT_EQ(0, fut_prof_dump(path));
	snprintf(args, sizeof(args), "%s --binary tests/advise/self_union", path);
	EXPECT_EQ(1, run_advise(args, &out, &err));
	EXPECT_NE(NULL, strstr(err, "struct self_union nests anonymous unions or structs more than"))
		TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	unlink(path);
}

TEST(directory_and_fifo_refused)
{
	char dir[] = "/tmp/advise-dir-XXXXXX", fifo[64], *out, *err;

	ASSERT_NE(NULL, mkdtemp(dir));
	EXPECT_EQ(1, run_advise(dir, &out, &err));
	EXPECT_NE(NULL, strstr(err, "not a regular file (a directory)")) TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	/* Opening a FIFO blocks until a writer comes: refused before any open(). */
	EXPECT_EQ(1, run_advise(fifo, &out, &err));
	EXPECT_NE(NULL, strstr(err, "not a regular file (a FIFO)")) TH_LOG("stderr: %s", err);
	free(out);
	free(err);
	unlink(fifo);
	rmdir(dir);
}

TEST(usage_errors_exit_2)
{
	char *out, *err;

	EXPECT_EQ(2, run_advise("", &out, &err));
	EXPECT_NE(NULL, strstr(err, "no profile"));
	free(out);
	free(err);
	EXPECT_EQ(2, run_advise("--bogus x.json", &out, &err));
	free(out);
	free(err);
	EXPECT_EQ(2, run_advise("a.json b.json", &out, &err));
	free(out);
	free(err);
	EXPECT_EQ(0, run_advise("--help", &out, &err));
	EXPECT_NE(NULL, strstr(out, "usage: fut-advise PROFILE"));
	free(out);
	free(err);
	EXPECT_EQ(1, run_advise("/nonexistent/profile.json", &out, &err));
	EXPECT_NE(NULL, strstr(err, "/nonexistent/profile.json"));
	free(out);
	free(err);
}

TEST_HARNESS_MAIN
