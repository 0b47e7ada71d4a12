// SPDX-License-Identifier: GPL-2.0
/* The model (user/advise/README.md, "THE MODEL"): per slot, what one task
 * pays for it now, what it would pay after the one-word change, and how
 * many instances of the slot are alive at once (occupancy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

const char *sug_kind_name(enum sug_kind k)
{
	return k == SUG_BOX ? "box" : k == SUG_HOIST ? "hoist" : "keep";
}

const char *occ_source_name(enum occ_source s)
{
	switch (s) {
	case OCC_PEAK_ACTIVE: return "slot peak_active";
	case OCC_CHILD_PEAK: return "child type's peak_live (profile has no peak_active)";
	default: return "entered share, an upper bound (profile has no peak_active)";
	}
}

const char *saved_basis_name(enum saved_basis b)
{
	return b == SAVED_RESIDENT ? "resident" : "allocated";
}

/* How many slots of the whole profile hold this child type. */
static unsigned int slots_with_child(const struct profile *p, const char *child)
{
	unsigned int n = 0;

	for (size_t i = 0; i < p->ntypes; i++)
		for (size_t j = 0; j < p->types[i].nslots; j++)
			n += !strcmp(p->types[i].slots[j].child, child);
	return n;
}

static void occupancy(const struct profile *p, const struct prof_type *t,
		      const struct prof_slot *s, struct suggestion *g)
{
	const struct prof_type *child = profile_type(p, s->child);

	if (s->peak_active != PROF_UNKNOWN) {
		g->peak_active = s->peak_active;
		g->occ_source = OCC_PEAK_ACTIVE;
	} else if (child && slots_with_child(p, s->child) == 1) {
		g->peak_active = child->peak_live;
		g->occ_source = OCC_CHILD_PEAK;
	} else {
		g->peak_active = (uint64_t)(g->entered_share * t->peak_live + 0.5);
		g->occ_source = OCC_ENTERED;
	}
	if (g->peak_active > t->peak_live)
		g->peak_active = t->peak_live;
	g->occupancy = t->peak_live ? (double)g->peak_active / t->peak_live : 0;
}

/* The parent's state once the slot holds `field` bytes.  Slots at the
 * same offset share a union: the union is as large as its largest member,
 * before (the slot as it is) and after (the slot as `field`), and only that
 * difference changes the state. */
static uint64_t state_with_field(const struct prof_type *t,
				 const struct prof_slot *s, uint64_t field)
{
	uint64_t others = 0, before, after, st;

	for (size_t j = 0; j < t->nslots; j++) {
		const struct prof_slot *o = &t->slots[j];

		if (o != s && o->offset == s->offset && o->size > others)
			others = o->size;
	}
	before = s->size > others ? s->size : others;
	after = field > others ? field : others;
	st = t->state_size - before + after;	/* before <= state_size: checked on load */
	return (st + 7) & ~(uint64_t)7;	/* the state's alignment */
}

/* Allocator-true bytes of one instance of t holding a state of st bytes:
 * a task for a root type, its bytes inside the parent otherwise. */
static uint64_t instance_bytes(const struct profile *p, const struct prof_type *t,
			       uint64_t st)
{
	if (!t->spawns)
		return st;
	return advise_alloc_bytes(p->task_header_bytes + st);
}

static uint64_t instance_bytes_now(const struct prof_type *t)
{
	if (!t->spawns)
		return t->state_size;
	return t->alloc_bytes != PROF_UNKNOWN ? (uint64_t)t->alloc_bytes : t->task_bytes;
}

/* Measured bytes per task of the dominant root type: the process's RSS
 * growth from the first executor to its high-water mark, over its peak. */
static int64_t measured_per_task(const struct profile *p, const struct prof_type *t)
{
	if (p->rss_start_bytes == PROF_UNKNOWN || p->rss_peak_bytes == PROF_UNKNOWN ||
	    !t->spawns || !t->peak_live || p->rss_peak_bytes < p->rss_start_bytes)
		return PROF_UNKNOWN;
	for (size_t i = 0; i < p->ntypes; i++)
		if (p->types[i].spawns && p->types[i].peak_live > t->peak_live)
			return PROF_UNKNOWN;	/* not the type that dominates */
	return (p->rss_peak_bytes - p->rss_start_bytes) / (int64_t)t->peak_live;
}

static void common(const struct profile *p, const struct prof_type *t,
		   const struct prof_slot *s, struct suggestion *g)
{
	const struct prof_type *child = profile_type(p, s->child);
	uint64_t box_obj = child && !child->spawns ? child->state_size : s->child_size;

	g->type = t;
	g->slot = s;
	g->entered_share = t->instances ? (double)s->entered / t->instances : 0;
	occupancy(p, t, s, g);
	g->allocs_per_task = t->instances ? (double)s->boxed_allocs / t->instances : 0;
	g->allocs_per_entering = s->entered ? (double)s->boxed_allocs / s->entered : 0;
	g->task_alloc = instance_bytes_now(t);
	g->box_alloc = s->box_alloc_bytes != PROF_UNKNOWN ?
		(uint64_t)s->box_alloc_bytes : advise_alloc_bytes(box_obj);
	g->measured_per_task = measured_per_task(p, t);
	g->alloc_share = s->branch_ns > 0 && s->box_alloc_ns > 0 ?
		s->box_alloc_ns * (double)s->boxed_allocs / (double)s->branch_ns : -1;
	g->predicted_per_task = PROF_UNKNOWN;
	g->predicted_idle_per_task = PROF_UNKNOWN;
}

static void suggest_box(const struct profile *p, struct suggestion *g)
{
	const struct prof_type *t = g->type;
	const struct prof_slot *s = g->slot;
	uint64_t after = state_with_field(t, s, p->pointer_bytes);
	double box_bytes = g->occupancy * g->box_alloc;

	g->task_alloc_after = instance_bytes(p, t, after);
	g->saved_per_task_issue = (int64_t)((s->size - p->pointer_bytes) *
					    (1.0 - g->entered_share));
	/*
	 * A task saves what it stops keeping resident: its allocation, but
	 * never more than the profile measured per task (the untouched pages
	 * of a large inline state never were resident).  Without an RSS
	 * figure for this type, the allocation (an upper bound).
	 */
	g->held_per_task = (int64_t)g->task_alloc;
	g->saved_basis = SAVED_ALLOCATED;
	if (g->measured_per_task != PROF_UNKNOWN) {
		g->saved_basis = SAVED_RESIDENT;
		if (g->measured_per_task < g->held_per_task)
			g->held_per_task = g->measured_per_task;
		g->predicted_idle_per_task = g->measured_per_task - g->held_per_task +
					     (int64_t)g->task_alloc_after;
		g->predicted_per_task = g->predicted_idle_per_task + (int64_t)box_bytes;
	}
	g->saved_per_task = g->held_per_task - (int64_t)g->task_alloc_after -
			    (int64_t)box_bytes;
	g->saved_at_peak = (int64_t)t->peak_live *
			   (g->held_per_task - (int64_t)g->task_alloc_after) -
			   (int64_t)g->peak_active * (int64_t)g->box_alloc;
	g->allocs_per_task_after = t->instances ? (double)s->enters / t->instances : 0;

	if (g->occupancy >= ADVISE_KEEP_OCCUPANCY || g->saved_at_peak <= 0) {
		g->kind = SUG_KEEP;
		snprintf(g->why, sizeof(g->why),
			 "%.0f%% of %s tasks hold %s at once: boxing would save nothing at the peak (%+lld bytes) and add %.2f allocations per task",
			 100 * g->occupancy, t->name, s->name,
			 (long long)g->saved_at_peak, g->allocs_per_task_after);
		snprintf(g->fix_await, sizeof(g->fix_await), "none: keep B(inline, %s, %s)",
			 s->child, s->name);
		g->fix_slot[0] = 0;
		return;
	}
	g->kind = SUG_BOX;
	snprintf(g->why, sizeof(g->why),
		 "%llu of %llu bytes of every %s task are slot %s, which %.1f%% of tasks ever entered and %.2f%% hold at once",
		 (unsigned long long)s->size, (unsigned long long)t->state_size,
		 t->name, s->name, 100 * g->entered_share, 100 * g->occupancy);
	snprintf(g->fix_await, sizeof(g->fix_await),
		 "B(inline, %s, %s) -> B(boxed, %s, %s) in %s's branch list",
		 s->child, s->name, s->child, s->name, t->name);
	snprintf(g->fix_slot, sizeof(g->fix_slot),
		 "FUT_AWAIT(%s, ...) stays as it is: it takes the mode from the list",
		 s->name);
}

static void suggest_hoist(const struct profile *p, struct suggestion *g)
{
	const struct prof_type *t = g->type;
	const struct prof_slot *s = g->slot;
	uint64_t after = state_with_field(t, s, s->child_size);

	g->kind = SUG_HOIST;
	/* Inline: every task carries the child; no box is allocated. */
	g->task_alloc_after = instance_bytes(p, t, after);
	/* Every task enters the child in the loop: all of it is resident. */
	g->held_per_task = (int64_t)g->task_alloc;
	g->saved_basis = SAVED_ALLOCATED;
	g->saved_per_task_issue = 0;
	g->saved_per_task = (int64_t)g->task_alloc + (int64_t)(g->occupancy * g->box_alloc) -
			    (int64_t)g->task_alloc_after;
	g->saved_at_peak = (int64_t)t->peak_live *
			   ((int64_t)g->task_alloc - (int64_t)g->task_alloc_after) +
			   (int64_t)g->peak_active * (int64_t)g->box_alloc;
	g->allocs_per_task_after = 0;
	if (g->measured_per_task != PROF_UNKNOWN) {
		g->predicted_per_task = g->measured_per_task - g->saved_per_task;
		g->predicted_idle_per_task = g->predicted_per_task;
	}
	snprintf(g->why, sizeof(g->why),
		 "slot %s of %s is boxed and allocated %.1f times per task that enters it (%llu allocations for %llu tasks), and the allocations take %.1f%% of the branch's time (%.0f ns each): a hot split",
		 s->name, t->name, g->allocs_per_entering,
		 (unsigned long long)s->boxed_allocs, (unsigned long long)s->entered,
		 100 * g->alloc_share, s->box_alloc_ns);
	snprintf(g->fix_await, sizeof(g->fix_await),
		 "B(boxed, %s, %s) -> B(inline, %s, %s) in %s's branch list, or move the loop into %s (one box per task)",
		 s->child, s->name, s->child, s->name, t->name, s->child);
	snprintf(g->fix_slot, sizeof(g->fix_slot),
		 "FUT_AWAIT(%s, ...) stays as it is: it takes the mode from the list",
		 s->name);
}

static int rank(const void *a, const void *b)
{
	const struct suggestion *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->kind == SUG_HOIST) {
		uint64_t ex = x->slot->boxed_allocs - x->slot->entered;
		uint64_t ey = y->slot->boxed_allocs - y->slot->entered;

		return ex < ey ? 1 : ex > ey ? -1 : 0;
	}
	if (x->kind == SUG_KEEP)
		return x->slot->size < y->slot->size ? 1 : x->slot->size > y->slot->size ? -1 : 0;
	return x->saved_at_peak < y->saved_at_peak ? 1 :
	       x->saved_at_peak > y->saved_at_peak ? -1 : 0;
}

int advise(const struct profile *p, struct advice *a)
{
	size_t cap = 0;

	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < p->ntypes; i++)
		cap += p->types[i].nslots;
	a->sug = calloc(cap ? cap : 1, sizeof(*a->sug));
	if (!a->sug)
		return -1;
	for (size_t i = 0; i < p->ntypes; i++) {
		const struct prof_type *t = &p->types[i];

		if (!t->instances)
			continue;	/* never ran: nothing measured */
		for (size_t j = 0; j < t->nslots; j++) {
			const struct prof_slot *s = &t->slots[j];
			struct suggestion *g = &a->sug[a->n];

			if (s->boxed) {
				if (!s->entered || (double)s->boxed_allocs / s->entered <
						   ADVISE_HOIST_ALLOCS)
					continue;
				common(p, t, s, g);
				/* Many boxes per task are not a hot split by
				 * themselves: their cost must show. */
				if (g->alloc_share < ADVISE_HOIST_ALLOC_SHARE)
					continue;
				suggest_hoist(p, g);
			} else {
				if (s->size < ADVISE_LARGE_SLOT_BYTES ||
				    state_with_field(t, s, p->pointer_bytes) >= t->state_size)
					continue;
				common(p, t, s, g);
				suggest_box(p, g);
			}
			a->n++;
		}
	}
	qsort(a->sug, a->n, sizeof(*a->sug), rank);
	return 0;
}

void advice_free(struct advice *a)
{
	free(a->sug);
	memset(a, 0, sizeof(*a));
}
