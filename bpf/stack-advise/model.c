// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const char *sa_action_name(enum sa_action a)
{
	return a == SA_SEGMENT ? "segment" : a == SA_STACK_SIZE ? "stack size" : "keep";
}

/*
 * The function whose frame holds the pages a site touched: the faulting
 * function, unless its frame (from CFI, sp-relative) ends below the
 * farthest address it touched; then its caller, read from the stack words
 * kept at the first fault, and so on up.
 */
static void frame_owner(struct sa_symbolizer *sz, const struct sa_site_rec *s,
			struct sa_sym *owner, struct sa_sym *leaf)
{
	uint64_t pc = s->k.ip, off = 0;
	bool is_ret = false;

	sa_symbolize(sz, pc, leaf);
	for (int depth = 0; depth < 16; depth++) {
		int64_t n = sa_cfa_sp_offset(sz, pc - is_ret);
		uint64_t cfa, idx, ret;

		if (n < 8)
			break;
		cfa = off + (uint64_t)n;
		if (s->v.max_above_sp < cfa)
			break;		/* the touched pages are this frame's */
		idx = (cfa - 8) / 8;
		if (idx >= SA_STACK_WORDS)
			break;
		ret = s->v.words[idx];
		if (!ret || !sa_is_text(sz, ret))
			break;
		pc = ret;
		is_ret = true;
		off = cfa;
	}
	if (!is_ret)
		*owner = *leaf;
	else
		sa_symbolize(sz, pc - 1, owner);
}

struct owner_rec {
	size_t func;
	__u32 tid;
	uint64_t pages;
};

static int by_func_tid(const void *a, const void *b)
{
	const struct owner_rec *x = a, *y = b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static size_t func_index(struct sa_result *r, const struct sa_sym *owner,
			 const struct sa_sym *leaf, size_t cls)
{
	for (size_t i = 0; i < r->nfuncs; i++)
		if (r->funcs[i].cls == cls &&
		    !strcmp(r->funcs[i].sym.function, owner->function) &&
		    !strcmp(r->funcs[i].sym.object, owner->object))
			return i;
	r->funcs[r->nfuncs].sym = *owner;
	r->funcs[r->nfuncs].cls = cls;
	if (strcmp(owner->function, leaf->function))
		snprintf(r->funcs[r->nfuncs].touched_in,
			 sizeof(r->funcs[r->nfuncs].touched_in), "%s", leaf->function);
	return r->nfuncs++;
}

struct thread_order {
	char comm[SA_COMM_LEN];
	const char *routine;	/* "" for a class by name */
	bool main_thread;
	uint64_t reserve;
	size_t i;
};

static int by_class(const void *a, const void *b)
{
	const struct thread_order *x = a, *y = b;
	int c;

	if (x->main_thread != y->main_thread)
		return x->main_thread ? 1 : -1;
	c = strcmp(x->routine, y->routine);
	if (c)
		return c;
	/* The name tells threads apart only when their routine is unknown. */
	c = x->routine[0] ? 0 : strncmp(x->comm, y->comm, SA_COMM_LEN);
	if (c)
		return c;
	return x->reserve < y->reserve ? -1 : x->reserve > y->reserve;
}

/*
 * A thread whose routine could not be read (it exited before the report)
 * takes the routine of its namesakes of the same reserve, when they all
 * have one: a pool whose threads come and go stays one class.
 */
static const char *routine_of(const struct sa_input *in, size_t i)
{
	const struct sa_thread_rec *t = &in->threads[i];
	const char *found = NULL;

	if (t->routine[0] || t->tid == in->tgid)
		return t->routine;
	for (size_t j = 0; j < in->nthreads; j++) {
		const struct sa_thread_rec *u = &in->threads[j];
		uint64_t d = u->t.reserve > t->t.reserve ? u->t.reserve - t->t.reserve :
			     t->t.reserve - u->t.reserve;

		if (!u->routine[0] || d > in->page_size ||
		    strncmp(u->t.comm, t->t.comm, SA_COMM_LEN))
			continue;
		if (found && strcmp(found, u->routine))
			return "";	/* namesakes in two routines: by name */
		found = u->routine;
	}
	return found ? found : "";
}

int sa_classify(const struct sa_input *in, struct sa_result *r, size_t *cls)
{
	size_t n = in->nthreads;
	struct thread_order *o = calloc(n ? n : 1, sizeof(*o));

	free(r->classes);
	r->nclasses = 0;
	r->classes = calloc(n ? n : 1, sizeof(*r->classes));
	if (!o || !r->classes) {
		free(o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(o[i].comm, in->threads[i].t.comm, SA_COMM_LEN);
		o[i].comm[SA_COMM_LEN - 1] = '\0';
		o[i].main_thread = in->threads[i].tid == in->tgid;
		o[i].routine = o[i].main_thread ? "" : routine_of(in, i);
		o[i].reserve = in->threads[i].t.reserve;
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), by_class);
	for (size_t k = 0; k < n; k++) {
		const struct sa_thread *t = &in->threads[o[k].i].t;
		struct sa_class *c = r->nclasses ? &r->classes[r->nclasses - 1] : NULL;

		/* Sorted by reserve: within a page of the class's smallest. */
		if (!c || c->main_thread != o[k].main_thread ||
		    strcmp(c->routine, o[k].routine) ||
		    (!c->routine[0] && strncmp(c->name, o[k].comm, SA_COMM_LEN)) ||
		    o[k].reserve - c->reserve_min > in->page_size) {
			c = &r->classes[r->nclasses++];
			memcpy(c->name, o[k].comm, SA_COMM_LEN);
			snprintf(c->routine, sizeof(c->routine), "%s", o[k].routine);
			c->main_thread = o[k].main_thread;
			c->reserve_min = o[k].reserve;
		}
		c->reserve_max = o[k].reserve;
		c->threads += t->pages != 0;
		c->threads_all++;
		if (in->threads[o[k].i].at_attach) {
			c->attach_threads++;
			c->attach_resident += in->threads[o[k].i].resident_at_attach;
		}
		if (t->top - t->lowest > c->max_depth)
			c->max_depth = t->top - t->lowest;
		cls[o[k].i] = (size_t)(c - r->classes);
	}
	free(o);
	return 0;
}

/*
 * Per class of pthreads (the main thread's stack is the rlimit's): the
 * deepest stack any of them went, plus a margin, against their reserve.
 */
static void stack_size(const struct sa_input *in, const size_t *cls, struct sa_result *r)
{
	for (size_t k = 0; k < r->nclasses; k++) {
		const struct sa_class *c = &r->classes[k];
		struct sa_suggestion *g = &r->sug[r->nsug];
		uint64_t depth = c->max_depth, want, saved = 0;

		if (c->main_thread || !depth)
			continue;
		want = depth + (depth / 2 > SA_STACK_MARGIN_MIN ? depth / 2 : SA_STACK_MARGIN_MIN);
		want = (want + SA_STACK_ROUND - 1) / SA_STACK_ROUND * SA_STACK_ROUND;
		if (want >= c->reserve_min)
			continue;
		for (size_t i = 0; i < in->nthreads; i++)
			if (cls[i] == k)
				saved += in->threads[i].t.reserve - want;
		memset(g, 0, sizeof(*g));
		g->action = SA_STACK_SIZE;
		g->cls = k;
		g->threads = c->threads_all;
		g->threads_share = 1;
		g->stack_size = want;
		g->reserve_now = c->reserve_max;
		g->reserve_saved = saved;
		/* want is above the deepest page touched: every page stays. */
		g->rss_saved = 0;
		g->max_depth = depth;
		r->nsug++;
	}
}

static __u32 tid_of(const void *p)
{
	return *(const __u32 *)p;
}

static int by_tid(const void *a, const void *b)
{
	return tid_of(a) < tid_of(b) ? -1 : tid_of(a) > tid_of(b);
}

struct tid_class {
	__u32 tid;
	size_t cls;
};

static int rank(const void *a, const void *b)
{
	const struct sa_suggestion *x = a, *y = b;

	if (x->action != y->action)
		return (int)x->action - (int)y->action;
	if (x->bytes_released != y->bytes_released)
		return x->bytes_released < y->bytes_released ? 1 : -1;
	return x->resident_bytes < y->resident_bytes ? 1 :
	       x->resident_bytes > y->resident_bytes ? -1 : 0;
}

int sa_model(const struct sa_input *in, struct sa_symbolizer *sz,
	     struct sa_result *r)
{
	struct owner_rec *recs = calloc(in->nsites ? in->nsites : 1, sizeof(*recs));
	size_t *cls = calloc(in->nthreads ? in->nthreads : 1, sizeof(*cls));
	struct tid_class *tc = calloc(in->nthreads ? in->nthreads : 1, sizeof(*tc));
	size_t nrecs = 0;

	memset(r, 0, sizeof(*r));
	r->funcs = calloc(in->nsites ? in->nsites : 1, sizeof(*r->funcs));
	r->sug = calloc(in->nsites + in->nthreads + 1, sizeof(*r->sug));
	if (!recs || !cls || !tc || !r->funcs || !r->sug || sa_classify(in, r, cls)) {
		free(recs);
		free(cls);
		free(tc);
		sa_result_free(r);
		return -ENOMEM;
	}
	for (size_t i = 0; i < in->nthreads; i++)
		tc[i] = (struct tid_class){ in->threads[i].tid, cls[i] };
	qsort(tc, in->nthreads, sizeof(*tc), by_tid);
	r->threads = in->threads_total > in->nthreads ? in->threads_total : in->nthreads;
	for (size_t i = 0; i < in->nthreads; i++) {
		uint64_t d = in->threads[i].t.top - in->threads[i].t.lowest;

		if (d > r->max_depth)
			r->max_depth = d;
	}
	for (size_t i = 0; i < in->nsites; i++) {
		const struct tid_class *t = bsearch(&in->sites[i].k.tid, tc, in->nthreads,
						    sizeof(*tc), by_tid);
		struct sa_sym owner, leaf;

		if (!t)
			continue;	/* its thread was not recorded: no class */
		frame_owner(sz, &in->sites[i], &owner, &leaf);
		recs[nrecs++] = (struct owner_rec){ func_index(r, &owner, &leaf, t->cls),
						    in->sites[i].k.tid, in->sites[i].v.pages };
	}
	free(tc);
	qsort(recs, nrecs, sizeof(*recs), by_func_tid);
	for (size_t i = 0; i < nrecs; i++) {
		struct sa_func *f = &r->funcs[recs[i].func];

		f->pages += recs[i].pages;
		if (!i || recs[i - 1].func != recs[i].func || recs[i - 1].tid != recs[i].tid)
			f->threads++;
	}
	free(recs);
	for (size_t i = 0; i < r->nfuncs; i++) {
		const struct sa_func *f = &r->funcs[i];
		struct sa_suggestion *g = &r->sug[r->nsug];

		/* In the table, but no deep frame, or no name to act on. */
		if (!f->sym.named || !f->threads ||
		    (double)f->pages / f->threads < SA_DEEP_MIN_PAGES)
			continue;
		r->nsug++;

		g->func = f;
		g->threads = f->threads;
		g->cls = f->cls;
		g->threads_share = (double)f->threads / r->classes[f->cls].threads;
		g->pages_per_thread = f->threads ? (double)f->pages / f->threads : 0;
		g->resident_bytes = f->pages * in->page_size;
		g->action = g->threads_share <= SA_SEGMENT_MAX_SHARE ? SA_SEGMENT : SA_KEEP;
		g->bytes_released = g->action == SA_SEGMENT ? g->resident_bytes : 0;
	}
	stack_size(in, cls, r);
	free(cls);
	qsort(r->sug, r->nsug, sizeof(*r->sug), rank);
	return 0;
}

void sa_result_free(struct sa_result *r)
{
	free(r->classes);
	free(r->funcs);
	free(r->sug);
	memset(r, 0, sizeof(*r));
}
