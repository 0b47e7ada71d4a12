// SPDX-License-Identifier: GPL-2.0
/* Timers: a binary min-heap of deadlines per executor, and FIFO lanes for
 * timers of one duration (timer.h).  The executor's wait is bounded by the
 * earliest one: no kernel timer per sleeper. */
#include <stdlib.h>
#include <time.h>

#include "exec.h"
#include "task.h"
#include "timer.h"

uint64_t fut_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

void timer_heap_init(struct timer_heap *h)
{
	for (struct timer_lane *l = h->lanes; l < h->lanes + TIMER_LANES; l++)
		l->end.lane_next = l->end.lane_prev = &l->end;
}

static bool lane_empty(const struct timer_lane *l)
{
	return l->end.lane_next == &l->end;
}

static void heap_set(struct timer_heap *h, uint32_t i, struct fut_timer *t)
{
	h->v[i] = t;
	t->heap_idx = i;
}

static void sift_up(struct timer_heap *h, uint32_t i)
{
	struct fut_timer *t = h->v[i];

	while (i) {
		uint32_t p = (i - 1) / 2;

		if (h->v[p]->deadline_ns <= t->deadline_ns)
			break;
		heap_set(h, i, h->v[p]);
		i = p;
	}
	heap_set(h, i, t);
}

static void sift_down(struct timer_heap *h, uint32_t i)
{
	struct fut_timer *t = h->v[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n &&
		    h->v[c + 1]->deadline_ns < h->v[c]->deadline_ns)
			c++;
		if (h->v[c]->deadline_ns >= t->deadline_ns)
			break;
		heap_set(h, i, h->v[c]);
		i = c;
	}
	heap_set(h, i, t);
}

void timer_add(struct fut_exec *ex, struct fut_timer *t)
{
	struct timer_heap *h = &ex->timers;

	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 64;
		struct fut_timer **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			abort(); /* cannot report ENOMEM from an await */
		h->v = v;
		h->cap = cap;
	}
	t->lane_next = NULL;
	t->state = TIMER_HEAP;
	h->v[h->n] = t;
	t->heap_idx = h->n++;
	sift_up(h, t->heap_idx);
}

static void lane_unlink(struct fut_timer *t)
{
	/* Not in it (stale links): nothing to take out. */
	if (t->lane_prev->lane_next != t)
		return;
	t->lane_prev->lane_next = t->lane_next;
	t->lane_next->lane_prev = t->lane_prev;
	timer_init(t);
}

void timer_add_after(struct fut_exec *ex, struct fut_timer *t, uint64_t ns)
{
	struct timer_heap *h = &ex->timers;
	struct timer_lane *l, *free_lane = NULL;

	t->deadline_ns = deadline_after(fut_now_ns(), ns);
	for (l = h->lanes; l < h->lanes + TIMER_LANES; l++) {
		if (!lane_empty(l) && l->ns == ns)
			break;
		if (lane_empty(l) && !free_lane)
			free_lane = l;
	}
	if (l == h->lanes + TIMER_LANES) {
		l = free_lane;
		if (!l) {
			timer_add(ex, t);
			return;
		}
		l->ns = ns;
	} else if (l->end.lane_prev->deadline_ns > t->deadline_ns) {
		/* Out of order (a saturated deadline before it): the heap. */
		timer_add(ex, t);
		return;
	}
	t->lane_next = &l->end;
	t->lane_prev = l->end.lane_prev;
	l->end.lane_prev->lane_next = t;
	l->end.lane_prev = t;
}

void timer_del(struct fut_exec *ex, struct fut_timer *t)
{
	struct timer_heap *h = &ex->timers;
	uint32_t i;

	if (t->lane_next) {
		lane_unlink(t);
		return;
	}
	if (t->state != TIMER_HEAP)
		return;
	i = t->heap_idx;
	if (i >= h->n || h->v[i] != t)
		return;
	t->state = TIMER_IDLE;
	if (i == --h->n)
		return;
	heap_set(h, i, h->v[h->n]);
	sift_down(h, i);
	sift_up(h, h->v[i]->heap_idx);
}

/* The earliest timer, heap or lane; NULL when none is queued. */
static struct fut_timer *timer_first(struct timer_heap *h)
{
	struct fut_timer *first = h->n ? h->v[0] : NULL;
	uint32_t i;

	for (i = 0; i < TIMER_LANES; i++) {
		const struct timer_lane *l = &h->lanes[i];
		struct fut_timer *t = l->end.lane_next;

		if (t != &l->end && (!first || t->deadline_ns < first->deadline_ns))
			first = t;
	}
	return first;
}

uint64_t timer_run(struct fut_exec *ex)
{
	struct timer_heap *h = &ex->timers;
	struct fut_timer *t = timer_first(h);

	if (!t)
		return UINT64_MAX;
	ex->now_ns = fut_now_ns();
	while (t && t->deadline_ns <= ex->now_ns) {
		timer_del(ex, t);
		t->state = TIMER_FIRED;
		task_wake(t->task);
		t = timer_first(h);
	}
	return t ? t->deadline_ns - ex->now_ns : UINT64_MAX;
}

/* --- fut_sleep ------------------------------------------------------------- */

static intptr_t sleep_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_sleep *s = (struct fut_sleep *)h;

	if (timer_fired(&s->t))
		return 0;
	if (!timer_queued(&s->t)) {
		s->t.task = task;
		timer_add_after(fut__tls_exec, &s->t, s->ns);
	}
	return FUT_PENDING;
}

static void sleep_drop(struct fut_hdr *h)
{
	timer_del(fut__tls_exec, &((struct fut_sleep *)h)->t);
}

struct fut_type fut_sleep_type = FUT_TYPE_DESC(fut_sleep, sleep_poll,
							sleep_drop);

void fut_sleep_init(struct fut_sleep *s, uint64_t ns)
{
	s->ns = ns;
	timer_init(&s->t);
}
