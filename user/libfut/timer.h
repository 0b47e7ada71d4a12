/* SPDX-License-Identifier: GPL-2.0 */
/* libfut timers: a min-heap of deadlines per executor (timer.c). */
#ifndef LIBFUT_TIMER_H
#define LIBFUT_TIMER_H

#include <stdint.h>

struct fut_exec;
struct fut_timer;

struct timer_heap {
	struct fut_timer **v;
	uint32_t n, cap;
};
void timer_add(struct fut_exec *ex, struct fut_timer *t);
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
