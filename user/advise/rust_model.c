// SPDX-License-Identifier: GPL-2.0
/* Which value held across an await to move to the heap, per task type.
 *
 * A Rust future is moved whole into its task (tokio's Cell), so every byte
 * of its largest state is resident in every task, whichever state the task
 * is in.  Boxing a value held across an await shrinks each state that holds
 * it to a pointer, and so the machine, its parents that hold it inline and
 * the task; the tasks waiting there at once then hold a box as well.
 * Values are looked at from the task's root down through inline children:
 * a boxed child's bytes are not the task's, so nothing is said about them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rust_model.h"

#define RS_MAX_DEPTH 32
#define RS_PTR_BYTES 8		/* Pin<Box<T>> of a sized T, Box<[u8; N]> */

/* glibc: a chunk is the request plus its 8-byte header, rounded to 16,
 * at least 32; from 128 KiB (its default mmap threshold) it is its own
 * mapping, whole pages, 16 bytes of header. */
uint64_t rs_malloc_bytes(uint64_t n)
{
	if (n + 8 >= 128 * 1024)
		return (n + 16 + 4095) & ~(uint64_t)4095;
	n = (n + 8 + 15) & ~(uint64_t)15;
	return n < 32 ? 32 : n;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

static int same_held(const struct rs_held *a, const struct rs_held *b)
{
	/* Each await's __awaitee is its own value, at one offset for all. */
	return a->offset == b->offset && a->size == b->size && a->child == b->child &&
	       !strcmp(a->name, b->name) && !strcmp(a->type, b->type);
}

/* A state's bytes packed: its distinct values (one per offset) and the
 * discriminant.  rustc lays a state's values out after the largest ones
 * of other states (an awaitee can sit past a 256 KiB local it never
 * shares a state with), so a state's extent is not what it needs. */
static uint64_t packed(const struct rs_gen *g, const struct rs_state *s,
		       const struct rs_held *h, uint64_t delta)
{
	uint64_t sum = g->discr_size;
	int holds = 0;

	for (size_t k = 0; k < s->nheld; k++) {
		size_t j;

		for (j = 0; j < k && s->held[j].offset != s->held[k].offset; j++)
			;
		if (j == k)
			sum += s->held[k].size;
		holds |= same_held(&s->held[k], h);
	}
	return holds ? (sum > delta ? sum - delta : 0) : sum;
}

/* The bytes the machine loses when every state holding h shrinks by
 * delta: its largest packed state now less its largest after. */
static uint64_t shrinks(const struct rs_gen *g, const struct rs_held *h, uint64_t delta)
{
	uint64_t now = 0, after = 0;

	for (size_t i = 0; i < g->nstates; i++) {
		uint64_t a = packed(g, &g->states[i], h, 0), b = packed(g, &g->states[i], h, delta);

		now = a > now ? a : now;
		after = b > after ? b : after;
	}
	now = align_up(now, g->align);
	after = align_up(after, g->align);
	return now > after ? (now - after < g->size ? now - after : g->size) : 0;
}

struct path {
	int gen[RS_MAX_DEPTH];
	const struct rs_held *held[RS_MAX_DEPTH];	/* in gen[i]: holds gen[i + 1] */
	int n;
};

/* Bytes the root machine loses when h (in the path's last machine)
 * becomes a pointer. */
static uint64_t root_delta(const struct rs_prog *p, const struct path *pa, const struct rs_held *h)
{
	uint64_t delta = h->size > RS_PTR_BYTES ? h->size - RS_PTR_BYTES : 0;

	for (int i = pa->n - 1; i >= 0 && delta; i--) {
		const struct rs_gen *g = &p->gens[pa->gen[i]];
		const struct rs_held *at = i == pa->n - 1 ? h : pa->held[i];

		delta = shrinks(g, at, delta);
	}
	return delta;
}

struct walk {
	const struct rs_prog *p;
	const struct rs_census *c;
	struct rs_advice *a;
	int task, root;
	uint64_t task_bytes, live;
	int oom;
};

static uint64_t holding(const struct walk *w, int g, const struct rs_held *h)
{
	const struct rs_gen *gen = &w->p->gens[g];
	uint64_t n = 0;

	if (!w->c)
		return 0;
	for (size_t i = 0; i < gen->nstates; i++)
		for (size_t k = 0; k < gen->states[i].nheld; k++)
			if (same_held(&gen->states[i].held[k], h))
				n += w->c->state_live[g][i];
	return n;
}

static void fix_text(const struct rs_prog *p, const struct rs_held *h, int local,
		     char *out, size_t len)
{
	char sn[256];
	const char *what;

	if (local) {
		snprintf(out, len, "`%s` (%llu bytes) is held across the await: keep it on the "
			 "heap (`Box::new(..)`, `vec![..]`), the future then holds a pointer",
			 h->name, (unsigned long long)h->size);
		return;
	}
	what = h->child >= 0 ? rs_short_name(&p->gens[h->child], sn, sizeof(sn)) : h->type;
	if (h->child >= 0 && !strchr(what, '{'))
		snprintf(out, len, "`%s(..).await` -> `Box::pin(%s(..)).await`", what, what);
	else
		snprintf(out, len, "`<%s>.await` -> `Box::pin(<%s>).await`", what, what);
}

static int suggested(const struct rs_advice *a, int task, int gen, const struct rs_held *h)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->sug[i].task == task && a->sug[i].gen == gen &&
		    same_held(a->sug[i].held, h))
			return 1;
	return 0;
}

static int add(struct walk *w, struct path *pa, const struct rs_state *s,
	       const struct rs_held *h, int local)
{
	int g = pa->gen[pa->n - 1];
	struct rs_sug *sg, *v;
	uint64_t delta, box;

	delta = root_delta(w->p, pa, h);
	if (!delta)
		return 0;
	sg = &(struct rs_sug){ .task = w->task, .gen = g, .state = s, .held = h, .local = local };
	sg->now = rs_malloc_bytes(w->task_bytes);
	sg->after = rs_malloc_bytes(w->task_bytes - delta);
	box = rs_malloc_bytes(h->size);
	sg->box_bytes = box;
	sg->have_census = w->c != NULL;
	sg->live = w->live;
	sg->holding = holding(w, g, h);
	sg->occupancy = w->live ? (double)sg->holding / (double)w->live : 0;
	sg->saved_per_task = (int64_t)(sg->now - sg->after) - (int64_t)(sg->occupancy * box);
	sg->saved = (int64_t)(w->live * (sg->now - sg->after)) - (int64_t)(sg->holding * box);
	if (sg->occupancy >= RS_KEEP_OCCUPANCY || sg->saved_per_task <= 0)
		return 0;
	fix_text(w->p, h, local, sg->fix, sizeof(sg->fix));
	v = realloc(w->a->sug, (w->a->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	w->a->sug = v;
	v[w->a->n++] = *sg;
	return 1;
}

static void visit(struct walk *w, struct path *pa)
{
	const struct rs_gen *g = &w->p->gens[pa->gen[pa->n - 1]];

	for (size_t i = 0; i < g->nstates && !w->oom; i++) {
		const struct rs_state *s = &g->states[i];

		if (!s->suspend)
			continue;
		for (size_t k = 0; k < s->nheld && !w->oom; k++) {
			const struct rs_held *h = &s->held[k];
			int local = strncmp(h->name, "__", 2) != 0, r;

			if (h->size < RS_LARGE_BYTES || h->kind == RS_BOXED ||
			    suggested(w->a, w->task, pa->gen[pa->n - 1], h))
				continue;
			/* A local that is itself a future gets boxed like an
			 * awaited one. */
			if (h->kind == RS_INLINE)
				local = 0;
			r = add(w, pa, s, h, local);
			if (r < 0)
				w->oom = 1;
			/* Not worth boxing whole: maybe something inside is. */
			if (r == 0 && h->kind == RS_INLINE && h->child >= 0 && pa->n < RS_MAX_DEPTH) {
				pa->held[pa->n - 1] = h;
				pa->gen[pa->n++] = h->child;
				visit(w, pa);
				pa->n--;
			}
		}
	}
}

static int cmp_sug(const void *a, const void *b)
{
	const struct rs_sug *x = a, *y = b;

	if (x->saved_per_task != y->saved_per_task)
		return x->saved_per_task > y->saved_per_task ? -1 : 1;
	return 0;
}

int rs_advise(const struct rs_prog *p, const struct rs_census *c, struct rs_advice *a)
{
	struct walk w = { .p = p, .c = c, .a = a };
	struct path pa;

	memset(a, 0, sizeof(*a));
	/* Roots: tokio's task types; in a program without tokio tasks every
	 * machine no other holds inline, priced at its own size. */
	for (size_t t = 0; t < p->ntasks; t++) {
		size_t u;

		if (p->tasks[t].gen < 0 || (c && !c->task_live[t]))
			continue;
		/* Without a census one scheduler's cell speaks for the rest. */
		for (u = 0; !c && u < t && p->tasks[u].gen != p->tasks[t].gen; u++)
			;
		if (!c && u < t)
			continue;
		w.task = (int)t;
		w.task_bytes = p->tasks[t].size;
		w.live = c ? c->task_live[t] : 0;
		pa = (struct path){ .gen = { p->tasks[t].gen }, .n = 1 };
		visit(&w, &pa);
	}
	if (!p->ntasks)
		for (size_t g = 0; g < p->ngens; g++) {
			if (!p->gens[g].nstates || rs_is_inline_child(p, (int)g))
				continue;
			w.task = -1 - (int)g;
			w.task_bytes = p->gens[g].size;
			w.live = 0;
			pa = (struct path){ .gen = { (int)g }, .n = 1 };
			visit(&w, &pa);
		}
	if (w.oom) {
		rs_advice_free(a);
		return -1;
	}
	if (a->n)
		qsort(a->sug, a->n, sizeof(*a->sug), cmp_sug);
	return 0;
}

void rs_advice_free(struct rs_advice *a)
{
	free(a->sug);
	memset(a, 0, sizeof(*a));
}
