// SPDX-License-Identifier: GPL-2.0
/* A future's children: entering and leaving a slot of its parent, inline
 * in the parent's state or boxed in a slab object of their own, counted
 * by the profiler. */
#include <stdbool.h>
#include <string.h>

#include "exec.h"
#include "prof.h"
#include "prof_count.h"
#include "slab.h"
#include "task.h"

void *fut__child_begin(struct fut_task *task, struct fut_hdr *parent,
		       unsigned int slot, void *field, bool boxed)
{
	struct fut_exec *ex = fut__tls_exec;
	const struct fut_slot *s = &parent->type->slots[slot];
	struct prof_type *pp = prof_of(ex, (struct fut_type *)parent->type);
	struct prof_slot *ps = pp ? &pp->slots[slot] : &ex->prof.unprofiled;
	struct fut_type *ct = s->child;
	struct prof_type *cp;
	struct fut_hdr *child;

	STAT_ADD(ps->enters, 1);
	prof_slot_enter(ps);
	if (slot < 16 && !(parent->entered & (1u << slot))) {
		parent->entered |= 1u << slot;
		STAT_ADD(ps->entered, 1);
	}
	if (boxed) {
		uint8_t cls;
		/* One byte before the box keeps its class. */
		char *m = NULL;

		if (!ex->fail_boxes)
			m = slab_alloc(&ex->boxes, BOX_HDR + ct->state_size, &cls);
		else
			ex->fail_boxes--;
		if (!m) {
			/* The await completes with -ENOMEM: the parent decides. */
			*(struct fut_hdr **)field = NULL;
			parent->active = slot + 1;
			return NULL;
		}
		m[BOX_HDR - 1] = cls;
		child = (struct fut_hdr *)(m + BOX_HDR);
		*(struct fut_hdr **)field = child;
		ex->boxes_live++;
		STAT_ADD(ps->boxed_allocs, 1);
		if (cls != SLAB_NCLASS)
			memset(child, 0, ct->state_size);
	} else {
		child = field;
		/* A request of the slot's last child may still be owed. */
		task_settle(ex, task, field, s->size);
		mem_zero(child, ct->state_size);
	}
	child->type = ct;
	parent->active = slot + 1;
	cp = pp ? prof_child(ex, ps, ct) : prof_of(ex, ct);
	prof_born(cp);
	return child;
}

void fut__child_end(struct fut_task *task, struct fut_hdr *parent,
		    unsigned int slot, void *field, bool boxed)
{
	struct fut_exec *ex = fut__tls_exec;
	struct fut_type *ct = parent->type->slots[slot].child;
	struct prof_type *pp = prof_of(ex, (struct fut_type *)parent->type);

	parent->active = 0;
	if (pp)
		prof_slot_leave(&pp->slots[slot]);
	if (boxed && !*(void **)field)
		return; /* its box could not be allocated */
	prof_died(pp ? prof_child(ex, &pp->slots[slot], ct) : prof_of(ex, ct));
	if (boxed) {
		char *m = (char *)*(void **)field - BOX_HDR;

		/* A receiver released in the child may still be owed a CQE. */
		task_settle(ex, task, m, BOX_HDR + ct->state_size);
		slab_free(&ex->boxes, m, (uint8_t)m[BOX_HDR - 1]);
		ex->boxes_live--;
		*(void **)field = NULL;
	}
}
