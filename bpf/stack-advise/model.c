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
			 const struct sa_sym *leaf)
{
	for (size_t i = 0; i < r->nfuncs; i++)
		if (!strcmp(r->funcs[i].sym.function, owner->function) &&
		    !strcmp(r->funcs[i].sym.object, owner->object))
			return i;
	r->funcs[r->nfuncs].sym = *owner;
	if (strcmp(owner->function, leaf->function))
		snprintf(r->funcs[r->nfuncs].touched_in,
			 sizeof(r->funcs[r->nfuncs].touched_in), "%s", leaf->function);
	return r->nfuncs++;
}

static void stack_size(const struct sa_input *in, struct sa_result *r)
{
	struct sa_suggestion *g = &r->sug[r->nsug];
	uint64_t reserve = 0, n = 0, want;

	uint64_t depth = 0;

	/* pthread stacks only (the main thread's is the rlimit's): the
	 * largest reserve seen, and the deepest any of them went. */
	for (size_t i = 0; i < in->nthreads; i++) {
		const struct sa_thread *t = &in->threads[i].t;

		if (in->threads[i].tid == in->tgid)
			continue;
		if (t->reserve > reserve)
			reserve = t->reserve;
		if (t->top - t->lowest > depth)
			depth = t->top - t->lowest;
	}
	for (size_t i = 0; i < in->nthreads; i++)
		n += in->threads[i].tid != in->tgid && in->threads[i].t.reserve == reserve;
	want = depth + (depth / 2 > SA_STACK_MARGIN_MIN ? depth / 2 : SA_STACK_MARGIN_MIN);
	want = (want + SA_STACK_ROUND - 1) / SA_STACK_ROUND * SA_STACK_ROUND;
	if (!depth || want >= reserve)
		return;
	memset(g, 0, sizeof(*g));
	g->action = SA_STACK_SIZE;
	g->threads = n;
	g->threads_share = r->threads ? (double)n / r->threads : 0;
	g->stack_size = want;
	g->reserve_now = reserve;
	g->reserve_saved = (reserve - want) * n;
	g->max_depth = depth;
	r->nsug++;
}

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

	memset(r, 0, sizeof(*r));
	r->funcs = calloc(in->nsites ? in->nsites : 1, sizeof(*r->funcs));
	r->sug = calloc(in->nsites + 1, sizeof(*r->sug));
	if (!recs || !r->funcs || !r->sug) {
		free(recs);
		sa_result_free(r);
		return -ENOMEM;
	}
	r->threads = in->threads_total > in->nthreads ? in->threads_total : in->nthreads;
	for (size_t i = 0; i < in->nthreads; i++) {
		uint64_t d = in->threads[i].t.top - in->threads[i].t.lowest;

		if (d > r->max_depth)
			r->max_depth = d;
	}
	for (size_t i = 0; i < in->nsites; i++) {
		struct sa_sym owner, leaf;

		frame_owner(sz, &in->sites[i], &owner, &leaf);
		recs[i] = (struct owner_rec){ func_index(r, &owner, &leaf),
					      in->sites[i].k.tid, in->sites[i].v.pages };
	}
	qsort(recs, in->nsites, sizeof(*recs), by_func_tid);
	for (size_t i = 0; i < in->nsites; i++) {
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
		g->threads_share = r->threads ? (double)f->threads / r->threads : 0;
		g->pages_per_thread = f->threads ? (double)f->pages / f->threads : 0;
		g->resident_bytes = f->pages * in->page_size;
		g->action = g->threads_share <= SA_SEGMENT_MAX_SHARE ? SA_SEGMENT : SA_KEEP;
		g->bytes_released = g->action == SA_SEGMENT ? g->resident_bytes : 0;
	}
	stack_size(in, r);
	qsort(r->sug, r->nsug, sizeof(*r->sug), rank);
	return 0;
}

void sa_result_free(struct sa_result *r)
{
	free(r->funcs);
	free(r->sug);
	memset(r, 0, sizeof(*r));
}
