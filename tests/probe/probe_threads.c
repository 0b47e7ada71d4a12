// SPDX-License-Identifier: GPL-2.0
/*
 * 100 threads with 256 KiB stacks, each touching 3 pages: the probe counts
 * the threads, the MAP_STACK bytes glibc reserved (256 KiB plus at most a
 * guard page each) and the first-touch faults in them (3 pages each, plus
 * the thread's control block and first frames: 300 to 500 pages).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

#define THREADS		100
#define STACK		(256LL * 1024)
#define PAGE		4096LL

/*
 * Each worker faulted in its own pages (own_bytes); the main thread, which
 * wrote every worker's control block, is charged for those as others'.
 */
static void expect_charges(struct __test_metadata *_metadata,
			   const struct probe_run *r)
{
	json_t *rows = json_object_get(r->final, "stack_touched_by_thread"), *row;
	const char *target = json_string_value(json_object_get(r->final, "target"));
	const char *pid = target ? strstr(target, "(pid ") : NULL;
	long long main_tid = pid ? atoll(pid + 5) : -1;
	int workers = 0;
	size_t i;

	ASSERT_TRUE(json_is_array(rows));
	json_array_foreach(rows, i, row) {
		long long tid = json_integer_value(json_object_get(row, "tid"));
		long long own = json_integer_value(json_object_get(row, "own_bytes"));
		long long others = json_integer_value(json_object_get(row, "others_bytes"));

		EXPECT_EQ(json_integer_value(json_object_get(row, "bytes")), own + others);
		if (tid == main_tid) {
			TH_LOG("main thread: own %lld, others %lld", own, others);
			EXPECT_LE(THREADS * PAGE, others);
			continue;
		}
		workers++;
		EXPECT_LE(2 * PAGE, own);
	}
	EXPECT_EQ(THREADS, workers);
}

TEST(thread_stacks)
{
	const char *args[] = { "--json", "--", "tests/probe/wl_threads", NULL };
	long long created, exited, reserved, touched;
	struct probe_run r;

	ASSERT_EQ(PAGE, sysconf(_SC_PAGESIZE));
	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err);
	ASSERT_NE(NULL, r.final) TH_LOG("no final report; stdout: %s", r.out);
	created = probe_final_int(&r, "threads_created");
	exited = probe_final_int(&r, "threads_exited");
	reserved = probe_final_int(&r, "stack_reserved_bytes");
	touched = probe_final_int(&r, "stack_touched_bytes");
	TH_LOG("threads created %lld exited %lld; stack reserved %lld bytes (%lld mmaps), touched %lld bytes = %lld pages; kstack peak %lld",
	       created, exited, reserved, probe_final_int(&r, "stack_mmaps"),
	       touched, touched / PAGE, probe_final_int(&r, "kstack_peak_bytes"));
	EXPECT_EQ(0, probe_final_int(&r, "target_exit_code"));
	EXPECT_EQ(THREADS, created);
	/* The workers and the main thread. */
	EXPECT_EQ(THREADS + 1, exited);
	EXPECT_GE(reserved, THREADS * STACK);
	EXPECT_LE(reserved, THREADS * (STACK + PAGE));
	EXPECT_GE(touched, 300 * PAGE);
	EXPECT_LE(touched, 500 * PAGE);
	EXPECT_EQ(0, probe_final_int(&r, "stack_ranges_dropped"));
	expect_charges(_metadata, &r);
	/* Peak: the main thread and every worker at once. */
	EXPECT_EQ((THREADS + 1) * probe_final_int(&r, "kstack_size"),
		  probe_final_int(&r, "kstack_peak_bytes"));
	probe_free(&r);
}

TEST_HARNESS_MAIN
