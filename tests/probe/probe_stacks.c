// SPDX-License-Identifier: GPL-2.0
/*
 * Stack bytes that match what became resident: a failed clone3 reserves
 * nothing, an unmapped stack stops being one, a remapped one moves, a huge
 * page counts its size,
 * a kernel-made first touch (read() into the stack) counts, and two
 * threads with the same TID stay two rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

#define KIB 1024LL
#define MIB (1024 * KIB)

static void run_mode(struct __test_metadata *_metadata, struct probe_run *r,
		     const char *mode)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_stacks", mode, NULL };

	ASSERT_EQ(0, probe_run(r, args));
	ASSERT_EQ(0, r->status) TH_LOG("probe stderr: %s", r->err);
	ASSERT_NE(NULL, r->final) TH_LOG("no final report; stdout: %s", r->out);
	EXPECT_EQ(0, probe_final_int(r, "target_exit_code"));
	EXPECT_EQ(0, probe_final_int(r, "stack_ranges_dropped"));
	TH_LOG("%s: reserved %lld, touched %lld (%lld faults, %lld huge), unmapped %lld",
	       mode, probe_final_int(r, "stack_reserved_bytes"),
	       probe_final_int(r, "stack_touched_bytes"),
	       probe_final_int(r, "stack_faults"),
	       probe_final_int(r, "stack_huge_faults"),
	       probe_final_int(r, "stack_unmapped_bytes"));
}

/* The "resident N" line the workload printed (the probe passes it to stderr). */
static long long resident_of(const struct probe_run *r)
{
	const char *p = r->err ? strstr(r->err, "resident ") : NULL;

	return p ? atoll(p + 9) : -1;
}

TEST(failed_clone3_reserves_nothing)
{
	struct probe_run r;

	run_mode(_metadata, &r, "clone3-fail");
	EXPECT_EQ(0, probe_final_int(&r, "stack_reserved_bytes"));
	probe_free(&r);
}

TEST(clone3_stack_reserved_once)
{
	struct probe_run r;

	run_mode(_metadata, &r, "clone3-ok");
	EXPECT_EQ(256 * KIB, probe_final_int(&r, "stack_reserved_bytes"));
	EXPECT_EQ(1, probe_final_int(&r, "threads_created"));
	probe_free(&r);
}

TEST(unmapped_stack_is_not_a_stack)
{
	struct probe_run r;

	run_mode(_metadata, &r, "unmap");
	EXPECT_EQ(MIB, probe_final_int(&r, "stack_reserved_bytes"));
	EXPECT_EQ(MIB, probe_final_int(&r, "stack_unmapped_bytes"));
	EXPECT_EQ(0, probe_final_int(&r, "stack_touched_bytes"));
	probe_free(&r);
}

static void expect_touched_is_resident(struct __test_metadata *_metadata,
				       const char *mode)
{
	long long page = sysconf(_SC_PAGESIZE), resident, touched;
	struct probe_run r;

	run_mode(_metadata, &r, mode);
	resident = resident_of(&r);
	touched = probe_final_int(&r, "stack_touched_bytes");
	TH_LOG("%s: resident %lld, touched %lld", mode, resident, touched);
	ASSERT_LT(0, resident) TH_LOG("stderr: %s", r.err);
	EXPECT_GE(touched, resident - page);
	EXPECT_LE(touched, resident + page);
	probe_free(&r);
}

/* Moved and grown by mremap: the new place is the stack, the old is not. */
TEST(remapped_stack_moves)
{
	expect_touched_is_resident(_metadata, "remap");
}

TEST(huge_page_counts_its_size)
{
	expect_touched_is_resident(_metadata, "huge");
}

TEST(kernel_first_touch_counts)
{
	expect_touched_is_resident(_metadata, "kread");
}

TEST(reused_tid_is_another_thread)
{
	json_t *rows, *row;
	long long tid = -1, n_rows = 0;
	const char *p;
	size_t i;
	struct probe_run r;

	run_mode(_metadata, &r, "tidreuse");
	p = r.err ? strstr(r.err, "tids ") : NULL;
	ASSERT_NE(NULL, p) TH_LOG("stderr: %s", r.err);
	tid = atoll(p + 5);
	rows = json_object_get(r.final, "stack_touched_by_thread");
	ASSERT_TRUE(json_is_array(rows));
	json_array_foreach(rows, i, row) {
		if (json_integer_value(json_object_get(row, "tid")) != tid)
			continue;
		n_rows++;
		/* Its own 8 pages at least. */
		EXPECT_LE(8 * 4096, json_integer_value(json_object_get(row, "bytes")));
	}
	EXPECT_EQ(2, n_rows) TH_LOG("rows for tid %lld in %s", tid, r.out);
	probe_free(&r);
}

TEST_HARNESS_MAIN
