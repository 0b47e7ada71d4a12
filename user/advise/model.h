/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise's model: which slot to box, which box to hoist, which inline
 * slot to keep, with the predicted change.  user/advise/README.md. */
#ifndef ADVISE_MODEL_H
#define ADVISE_MODEL_H

#include "profile.h"

/* A slot is worth looking at from this many bytes on. */
#define ADVISE_LARGE_SLOT_BYTES 1024
/* Boxed allocations per entering task from which a box counts as in a loop. */
#define ADVISE_HOIST_ALLOCS 2.0
/* ... and hoisting pays only when the allocations are at least this share
 * of the time the branches take (start to completion): below it they are
 * lost in the work they serve, while an inline child costs every task its
 * bytes for the task's whole life. */
#define ADVISE_HOIST_ALLOC_SHARE 0.05
/* Keep inline when at least this share of tasks hold the slot at once. */
#define ADVISE_KEEP_OCCUPANCY 0.5

enum sug_kind { SUG_BOX, SUG_HOIST, SUG_KEEP };

/* What a saving counts: what a task keeps resident, or its allocation. */
enum saved_basis {
	SAVED_RESIDENT,		/* min(allocation, the profile's RSS per task) */
	SAVED_ALLOCATED,	/* the allocation: no RSS figure for this type */
};

enum occ_source {
	OCC_PEAK_ACTIVE,	/* the slot's own peak_active */
	OCC_CHILD_PEAK,		/* the child type's peak_live (one slot only) */
	OCC_ENTERED,		/* upper bound: every task that entered */
};

struct suggestion {
	enum sug_kind kind;
	const struct prof_type *type;
	const struct prof_slot *slot;
	double entered_share;		/* entered / parent instances */
	uint64_t peak_active;		/* instances of the slot alive at once */
	enum occ_source occ_source;
	double occupancy;		/* peak_active / parent peak_live */
	double allocs_per_task;		/* boxed allocs per parent instance now */
	double allocs_per_entering;	/* boxed allocs per task that entered */
	double allocs_per_task_after;
	double alloc_share;		/* box allocs' time / branch time, or -1 */
	uint64_t task_alloc, task_alloc_after;	/* one parent task, allocator-true */
	uint64_t box_alloc;		/* one box of the child */
	int64_t saved_per_task_issue;	/* (slot - pointer) * (1 - share) */
	int64_t held_per_task;		/* of task_alloc, what is resident (basis) */
	enum saved_basis saved_basis;
	int64_t saved_per_task;		/* held - after - occupancy * box */
	int64_t saved_at_peak;		/* at the profiled peak_live */
	int64_t measured_per_task;	/* from the rss fields, or PROF_UNKNOWN */
	int64_t predicted_per_task;	/* after the fix, at the peak, or PROF_UNKNOWN */
	int64_t predicted_idle_per_task; /* after the fix, no box alive */
	char fix_await[256], fix_slot[128];
	char why[320];
};

struct advice {
	struct suggestion *sug;
	size_t n;
};

int advise(const struct profile *p, struct advice *a);
void advice_free(struct advice *a);
const char *sug_kind_name(enum sug_kind k);
const char *occ_source_name(enum occ_source s);
const char *saved_basis_name(enum saved_basis b);

#endif
