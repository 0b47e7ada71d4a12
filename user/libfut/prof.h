/* SPDX-License-Identifier: GPL-2.0 */
/* libfut profiler internals: per type and slot counters, the registry of
 * executors (prof.c). */
#ifndef LIBFUT_PROF_H
#define LIBFUT_PROF_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct fut_exec;
struct fut_type;

/* Single writer (the owning executor), relaxed readers (the dumper): plain
 * load/add/store, no lock prefix, and no data race. */
#define STAT_ADD(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define STAT_GET(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

struct prof_slot {
	uint64_t enters, entered, boxed_allocs;
	uint64_t active, peak_active;	/* instances inside the slot */
	/* With timing on: sum of (completion - start) of every branch, kept
	 * as -start at entry and +end at completion; add active x now. */
	uint64_t branch_ns;
	/* The child type's counters on this executor, found once (first
	 * entry) instead of by the type's id at every entry and exit. */
	struct prof_type *child;
};
/* fut_prof_timing(): clock reads at every await only when asked for. */
extern bool prof_timing;
static inline uint64_t prof_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
struct prof_type {
	uint64_t spawns, instances, live, peak_live;
	uint32_t nslots;
	struct prof_slot slots[];
};
struct prof_exec {
	struct prof_type **t;	/* by type id - 1 */
	uint32_t n;
	struct prof_slot unprofiled;	/* scratch for types without counters */
};
struct prof_type *prof_type_slow(struct fut_exec *ex, struct fut_type *type);
void prof_exec_retire(struct fut_exec *ex);
void prof_check_signal(struct fut_exec *ex);


/* registry of executors (profiler merge, signals) */
int registry_add(struct fut_exec *ex);

#endif
