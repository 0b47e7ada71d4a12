/* SPDX-License-Identifier: GPL-2.0 */
/* libfut profiler counting: spawns, children entering and leaving slots
 * (task.c, child.c). */
#ifndef LIBFUT_PROF_COUNT_H
#define LIBFUT_PROF_COUNT_H

#include <stdint.h>

#include "exec.h"
#include "prof.h"

static inline struct prof_type *prof_of(struct fut_exec *ex,
					struct fut_type *type)
{
	uint32_t id = __atomic_load_n(&type->id, __ATOMIC_ACQUIRE);

	/* id 0 (no id yet) wraps to the largest index: slow path. */
	if (id - 1 < ex->prof.n && ex->prof.t[id - 1])
		return ex->prof.t[id - 1];
	return prof_type_slow(ex, type);
}

static inline void prof_born(struct prof_type *p)
{
	uint64_t live;

	if (!p)
		return; /* not profiled: type table full or ENOMEM */
	live = p->live + 1;

	STAT_ADD(p->instances, 1);
	__atomic_store_n(&p->live, live, __ATOMIC_RELAXED);
	if (live > p->peak_live)
		__atomic_store_n(&p->peak_live, live, __ATOMIC_RELAXED);
}

/* An instance of a child enters or leaves its parent's slot. */
static inline void prof_slot_enter(struct prof_slot *ps)
{
	uint64_t active = ps->active + 1;

	__atomic_store_n(&ps->active, active, __ATOMIC_RELAXED);
	if (prof_timing)
		STAT_ADD(ps->branch_ns, -prof_now_ns());
	if (active > ps->peak_active)
		__atomic_store_n(&ps->peak_active, active, __ATOMIC_RELAXED);
}

static inline void prof_slot_leave(struct prof_slot *ps)
{
	STAT_ADD(ps->active, -1);
	if (prof_timing)
		STAT_ADD(ps->branch_ns, prof_now_ns());
}

/* The counters of the child type of slot ps of a profiled parent. */
static inline struct prof_type *prof_child(struct fut_exec *ex,
					   struct prof_slot *ps,
					   struct fut_type *child)
{
	if (!ps->child)
		ps->child = prof_of(ex, child);
	return ps->child;
}

/* One instance of a type less (drop or completion); p as prof_of's. */
static inline void prof_died(struct prof_type *p)
{
	if (p)
		STAT_ADD(p->live, -1);
}

#endif
