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

	if (id && id <= ex->prof.n && ex->prof.t[id - 1])
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

static inline void prof_slot_leave(struct fut_exec *ex, const struct fut_hdr *parent,
				   unsigned int slot)
{
	struct prof_type *p = prof_of(ex, (struct fut_type *)parent->type);

	if (!p)
		return;
	STAT_ADD(p->slots[slot].active, -1);
	if (prof_timing)
		STAT_ADD(p->slots[slot].branch_ns, prof_now_ns());
}

/* One instance of type less (drop or completion). */
static inline void prof_died(struct fut_exec *ex, const struct fut_type *type)
{
	struct prof_type *p = prof_of(ex, (struct fut_type *)type);

	if (p)
		STAT_ADD(p->live, -1);
}

#endif
