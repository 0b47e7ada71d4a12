/* SPDX-License-Identifier: GPL-2.0 */
/* libfut profiler: per future type and slot counters, dumped as JSON. */
#ifndef LIBFUT_FUT_PROF_H
#define LIBFUT_FUT_PROF_H

#include <stddef.h>
#include <stdio.h>

#include "fut_core.h"

/* Merge every executor's counters (live and exited) and write the JSON
 * document described in libfut(3).  0 or -errno. */
int fut_prof_dump(const char *path);
int fut_prof_dump_file(FILE *f);
/* Dump to path at exit, and when sig arrives if sig != 0 (the handler
 * only sets a flag and wakes the executors; one of them dumps).  The
 * environment variable FUT_PROFILE=PATH does the same for exit. */
int fut_prof_enable(const char *path, int sig);

/* Time every branch from start to completion (two clock reads per await),
 * for the profile's branch_ns and box_alloc_ns.  On from fut_prof_enable()
 * and FUT_PROFILE=; turn it on before the tasks to be timed start. */
void fut_prof_timing(int on);

/* Bytes the allocator takes for an object of `bytes` bytes (any header
 * included by the caller): its slab class, or what the large-object path
 * takes.  A task takes fut_alloc_bytes(task_header_bytes + state_size), a
 * box fut_alloc_bytes(16 + state_size). */
size_t fut_alloc_bytes(size_t bytes);

/* One type's merged counters, for tests and tools. */
struct fut_prof_slot_sum {
	uint64_t enters, entered, boxed_allocs;
	uint64_t active, peak_active;
};
struct fut_prof_type_sum {
	uint64_t spawns, instances, live, peak_live;
};
/* 0, or -ENOENT when the type was never used. */
int fut_prof_type(const struct fut_type *type, struct fut_prof_type_sum *t,
		  struct fut_prof_slot_sum *slots, unsigned int nslots);

#endif
