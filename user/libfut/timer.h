/* SPDX-License-Identifier: GPL-2.0 */
/* libfut timers: a min-heap of deadlines per executor, beside a few FIFO
 * lanes of one duration each (timer.c). */
#ifndef LIBFUT_TIMER_H
#define LIBFUT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "fut_core.h"

struct fut_exec;

/*
 * Timers added with one duration expire in the order they were added, so a
 * list ordered by adding is ordered by deadline: append, unlink and expire
 * are O(1), where the heap's delete sifts.  A connection's idle timeout,
 * re-added on every receive, lives in one.  A lane is a circular list
 * through its `end` (never a queued timer), so unlinking needs neither the
 * lane nor a branch.
 */
#define TIMER_LANES 4
struct timer_lane {
	uint64_t ns;
	struct fut_timer end;	/* end.lane_next: the first; end.lane_prev: the last */
};
struct timer_heap {
	struct fut_timer **v;
	uint32_t n, cap;
	struct timer_lane lanes[TIMER_LANES];
};

/* Where a timer not in a lane is (struct fut_timer's state). */
enum timer_state {
	TIMER_IDLE,	/* not queued, not fired */
	TIMER_HEAP,	/* at heap_idx in the heap */
	TIMER_FIRED,	/* expired and taken out; till added again */
};

/* Not queued and not fired: before the first add. */
static inline void timer_init(struct fut_timer *t)
{
	t->lane_next = NULL;
	t->state = TIMER_IDLE;
}

static inline bool timer_queued(const struct fut_timer *t)
{
	return t->lane_next || t->state == TIMER_HEAP;
}

static inline bool timer_fired(const struct fut_timer *t)
{
	return !t->lane_next && t->state == TIMER_FIRED;
}

/* Empty lanes: once, before the first add. */
void timer_heap_init(struct timer_heap *h);
/* t->deadline_ns set by the caller. */
void timer_add(struct fut_exec *ex, struct fut_timer *t);
/* Deadline ns from now (saturated), in a lane of that duration if one is
 * free or already has it, else in the heap. */
void timer_add_after(struct fut_exec *ex, struct fut_timer *t, uint64_t ns);
void timer_del(struct fut_exec *ex, struct fut_timer *t);
/* Fires expired timers; returns ns until the next one, or UINT64_MAX. */
uint64_t timer_run(struct fut_exec *ex);

/* A deadline ns after now, saturated: a huge timeout never wraps into
 * the past. */
static inline uint64_t deadline_after(uint64_t now, uint64_t ns)
{
	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

#endif
