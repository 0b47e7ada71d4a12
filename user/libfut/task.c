// SPDX-License-Identifier: GPL-2.0
/* Tasks: spawn, the gen-checked task table behind wakers and handles,
 * polling, the requests a task is owed, finishing, join and detach.
 * Below the ring: it takes completions from ring.c and calls nothing
 * there (task_io.c cancels a task's requests). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "prof.h"
#include "prof_count.h"
#include "slab.h"
#include "task.h"

static int tab_grow(struct fut_exec *ex)
{
	uint32_t cap = ex->tab_cap ? ex->tab_cap * 2 : 1024;
	struct task_ent *tab = realloc(ex->tab, cap * sizeof(*tab));

	if (!tab)
		return -1;
	for (uint32_t i = ex->tab_cap; i < cap; i++) {
		tab[i].task = NULL;
		tab[i].gen = 1;
		tab[i].next_free = i + 1 < cap ? i + 1 : UINT32_MAX;
	}
	ex->tab_free = ex->tab_cap;
	ex->tab = tab;
	ex->tab_cap = cap;
	return 0;
}

void *fut_spawn_alloc(struct fut_exec *ex, struct fut_type *type)
{
	struct prof_type *p;
	struct fut_task *t;
	uint8_t cls;
	uint32_t idx;

	/* One executor per thread: spawning on ex makes it this thread's. */
	if (ex)
		fut__tls_exec = ex;
	else
		ex = fut__tls_exec;
	/* NULL p: the type is not profiled, the task still runs. */
	p = prof_of(ex, type);
	if (ex->tab_free == UINT32_MAX && tab_grow(ex))
		return NULL;
	t = slab_alloc(&ex->tasks, sizeof(*t) + type->state_size, &cls);
	if (!t)
		return NULL;
	/* Zero: a large state is a fresh mapping, zero already and not
	 * written (its pages are committed as the future touches them). */
	if (cls != SLAB_NCLASS)
		memset(t, 0, sizeof(*t) + type->state_size);
	else if (ex->opt_flags & FUT_EXEC_COMMIT_STATES)
		for (size_t off = 0; off < sizeof(*t) + type->state_size; off += 4096)
			((volatile char *)t)[off] = 0;
	idx = ex->tab_free;
	ex->tab_free = ex->tab[idx].next_free;
	ex->tab[idx].task = t;
	t->idx = idx;
	t->cls = cls;
	task_state(t)->type = type;
	ex->tasks_live++;
	ex->tasks_running++;
	if (p)
		STAT_ADD(p->spawns, 1);
	prof_born(p);
	return task_state(t);
}

struct fut_handle fut_spawn_commit(void *state, bool detached)
{
	struct fut_task *t = task_of_state(state);
	struct fut_exec *ex = fut__tls_exec;

	if (detached)
		t->flags |= TASK_DETACHED;
	task_wake(t);
	return (struct fut_handle){ t->idx, ex->tab[t->idx].gen };
}

struct fut_task *task_get(struct fut_exec *ex, uint32_t idx, uint32_t gen)
{
	if (idx >= ex->tab_cap || ex->tab[idx].gen != gen)
		return NULL;
	return ex->tab[idx].task;
}

struct fut_waker fut_waker(struct fut_task *task)
{
	return (struct fut_waker){ task->idx, fut__tls_exec->tab[task->idx].gen };
}

void task_wake(struct fut_task *t)
{
	struct fut_exec *ex = fut__tls_exec;

	if (t->flags & (TASK_QUEUED | TASK_DONE))
		return;
	t->flags |= TASK_QUEUED;
	t->next = NULL;
	if (ex->rq_tail)
		ex->rq_tail->next = t;
	else
		ex->rq_head = t;
	ex->rq_tail = t;
}

void fut_wake(struct fut_waker w)
{
	struct fut_task *t = task_get(fut__tls_exec, w.idx, w.gen);

	if (t && !(t->flags & (TASK_CANCELLING | TASK_FINISHING)))
		task_wake(t);
}

static void task_free(struct fut_exec *ex, struct fut_task *t)
{
	struct task_ent *e = &ex->tab[t->idx];

	e->task = NULL;
	e->gen++;
	e->next_free = ex->tab_free;
	ex->tab_free = t->idx;
	ex->tasks_live--;
	slab_free(&ex->tasks, t, t->cls);
}

/* Drop a future that did not complete: its active child first. */
static void drop_chain(struct fut_exec *ex, struct fut_hdr *h)
{
	const struct fut_type *type = h->type;
	struct prof_type *p = prof_of(ex, (struct fut_type *)type);

	if (h->active) {
		const struct fut_slot *s = &type->slots[h->active - 1];
		void *field = (char *)h + s->offset;
		struct fut_hdr *child = s->boxed ? *(struct fut_hdr **)field
						 : (struct fut_hdr *)field;

		if (child) {
			drop_chain(ex, child);
			if (s->boxed) {
				/* The box starts BOX_HDR bytes before it. */
				slab_free(&ex->boxes, (char *)child - BOX_HDR,
					  ((uint8_t *)child)[-1]);
				ex->boxes_live--;
				*(void **)field = NULL;
			}
		}
		if (p)
			prof_slot_leave(&p->slots[h->active - 1]);
		h->active = 0;
	}
	if (type->drop)
		type->drop(h);
	prof_died(p);
}

static void rq_remove(struct fut_exec *ex, struct fut_task *t)
{
	struct fut_task *prev = NULL;

	for (struct fut_task *q = ex->rq_head; q; prev = q, q = q->next) {
		if (q != t)
			continue;
		if (prev)
			prev->next = t->next;
		else
			ex->rq_head = t->next;
		if (ex->rq_tail == t)
			ex->rq_tail = prev;
		break;
	}
	t->flags &= ~TASK_QUEUED;
}

/* The root future returned or was cancelled, and nothing is owed.  Not
 * on the run queue (task_run sees to it); DONE first, so that a wake
 * from a drop function cannot queue it again. */
static void task_finish(struct fut_exec *ex, struct fut_task *t)
{
	struct fut_task *joiner;
	uint16_t was = t->flags;

	if (was & TASK_QUEUED)
		rq_remove(ex, t);
	ex->tasks_running--;
	t->flags = (was & TASK_DETACHED) | TASK_DONE;
	if (was & TASK_CANCELLED) {
		drop_chain(ex, task_state(t));
		t->result = -ECANCELED;
	} else {
		prof_died(prof_of(ex, (struct fut_type *)task_state(t)->type));
	}
	if (t->flags & TASK_QUEUED)
		rq_remove(ex, t);
	if (t->flags & TASK_DETACHED) {
		task_free(ex, t);
		return;
	}
	joiner = task_get(ex, t->joiner.idx, t->joiner.gen);
	if (joiner && !(joiner->flags & (TASK_CANCELLING | TASK_FINISHING)))
		task_wake(joiner);
}

bool task_run(struct fut_exec *ex, struct fut_task *t)
{
	struct fut_hdr *h = task_state(t);
	intptr_t r;

	t->flags &= ~TASK_QUEUED;
	if (t->flags & (TASK_CANCELLING | TASK_FINISHING)) {
		if (!t->inflight)
			task_finish(ex, t);
		return false;
	}
	ex->polls++;
	r = h->type->poll(h, t);
	if (t->flags & TASK_CANCELLING) {
		/* It cancelled itself in this poll. */
		/* Requests armed after the cancel go too. */
		if (r == FUT_PENDING)
			return true;
		/* It completed all the same: its value stands, no drop. */
		t->flags &= ~(TASK_CANCELLING | TASK_CANCELLED);
	}
	if (r == FUT_PENDING)
		return false;
	t->result = r;
	/* Requests the future left behind are cancelled and awaited; a task
	 * that woke itself in this poll is on the run queue: either way the
	 * run loop finishes it (above) once nothing is owed. */
	t->flags |= TASK_FINISHING;
	if (t->inflight)
		return true;
	if (!(t->flags & TASK_QUEUED))
		task_finish(ex, t);
	return false;
}

/* The task side of arming a request: the op joins the task's list, its
 * CQEs are owed to the task (which is not finished before they arrive)
 * and to the ring (which is not torn down before they arrive). */
void op_arm(struct fut_task *t, struct fut_op *op, unsigned int kind,
	    unsigned int ncqe)
{
	op->task = t;
	op->kind = kind;
	op->pending = ncqe;
	op->res = 0;
	op->cflags = 0;
	op->next = t->ops;
	t->ops = op;
	t->inflight += ncqe;
	fut__tls_exec->cqes_pending += ncqe;
}

/* The reactor's one way into task state: a CQE that ends one of op's
 * requests arrived (its completer ran already).  A cancelling or
 * finishing task waits for all it is owed; the last CQE queues it to be
 * finished. */
void task_op_complete(struct fut_task *t, struct fut_op *op)
{
	if (--op->pending == 0) {
		struct fut_op **pp = &t->ops;

		while (*pp && *pp != op)
			pp = &(*pp)->next;
		if (*pp)
			*pp = op->next;
		op->next = NULL;
	}
	t->inflight--;
	if ((t->flags & (TASK_CANCELLING | TASK_FINISHING)) && !t->inflight)
		task_wake(t);
}

void fut_detach(struct fut_handle h)
{
	struct fut_exec *ex = fut__tls_exec;
	struct fut_task *t = task_get(ex, h.idx, h.gen);

	if (!t)
		return;
	if (t->flags & TASK_DONE)
		task_free(ex, t);
	else
		t->flags |= TASK_DETACHED;
}

void fut_task_set_result(struct fut_task *task, intptr_t result)
{
	task->result = result;
}

int fut_join_now(struct fut_handle h, intptr_t *result)
{
	struct fut_exec *ex = fut__tls_exec;
	struct fut_task *t = task_get(ex, h.idx, h.gen);

	if (!t)
		return -ESRCH;
	if (!(t->flags & TASK_DONE))
		return -EAGAIN;
	*result = t->result;
	task_free(ex, t);
	return 0;
}

/* An await site's first run in a type: the slot FUT_AWAIT found from the
 * state struct's branches must be that field in the type's descriptor;
 * they differ when the descriptor was made from another struct's list. */
void fut__await_check(const struct fut_type **seen, const struct fut_type *type,
		      unsigned int slot, const char *field, size_t offset,
		      bool boxed, const char *file, int line)
{
	const struct fut_slot *s = slot < type->nslots ? &type->slots[slot] : NULL;

	if (!s || strcmp(s->name, field) || s->offset != offset ||
	    s->boxed != boxed) {
		fprintf(stderr,
			"libfut: %s:%d: FUT_AWAIT(%s) in a future of type %s: "
			"the type's slot %u is %s%s%s (offset %u), the state's branch "
			"%s is at offset %zu, %s; make the type's descriptor with "
			"FUT_TYPE_DESC from the branch list of the state its poll "
			"function uses\n",
			file, line, field, type->name, slot,
			s ? "'" : "missing", s ? s->name : "", s ? "'" : "",
			s ? s->offset : 0, field, offset, boxed ? "boxed" : "inline");
		abort();
	}
	fut__await_site(type, slot, file, line);
	__atomic_store_n(seen, type, __ATOMIC_RELAXED);
}

/* FUT_BEGIN's default: no case for the resume point in its switch. */
void fut__resume_lost(const struct fut_type *type, uint32_t resume,
		      const char *file)
{
	fprintf(stderr,
		"libfut: %s:%u: a future of type %s resumed at a suspension point "
		"inside a switch statement of its own body: its case label "
		"belongs to that switch, so the resume cannot reach it; use if/else "
		"around FUT_AWAIT, FUT_YIELD and FUT_WAIT_UNTIL\n",
		file, resume >> 8, type->name);
	abort();
}

/* --- join ------------------------------------------------------------------ */

static intptr_t join_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_join *j = (struct fut_join *)h;
	struct fut_exec *ex = fut__tls_exec;
	struct fut_task *t = task_get(ex, j->h.idx, j->h.gen);
	intptr_t r;

	if (!t || (t->flags & TASK_DETACHED))
		return -ESRCH; /* a detached task's handle is stale */
	if (!(t->flags & TASK_DONE)) {
		struct fut_task *other = task_get(ex, t->joiner.idx,
						  t->joiner.gen);

		/* One joiner per task: a second one would wait forever. */
		if (other && other != task && !(other->flags & TASK_DONE))
			return -EBUSY;
		t->joiner = fut_waker(task);
		return FUT_PENDING;
	}
	r = t->result;
	task_free(ex, t);
	j->h.gen = 0;
	return r;
}

/* A joiner dropped (cancelled) lets the task free itself when done. */
static void join_drop(struct fut_hdr *h)
{
	fut_detach(((struct fut_join *)h)->h);
}

struct fut_type fut_join_type = FUT_TYPE_DESC(fut_join, join_poll, join_drop);

void fut_join_init(struct fut_join *j, struct fut_handle h)
{
	j->h = h;
}
