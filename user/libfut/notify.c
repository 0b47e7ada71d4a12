// SPDX-License-Identifier: GPL-2.0
/*
 * fut_notify: an auto-reset event with one waiter, the smallest libfut
 * primitive that stores a waker.  fut_notify_set from any task of the
 * same executor wakes the waiting task; its fut_notify_wait completes
 * and consumes the event.  A set with nobody waiting is kept for the next
 * wait.  A waiter dropped before the event (cancellation) leaves no waker
 * behind.
 */
#include "fut.h"

void fut_notify_init(struct fut_notify *n)
{
	n->has_waiter = false;
	n->set = false;
}

void fut_notify_set(struct fut_notify *n)
{
	n->set = true;
	if (n->has_waiter) {
		n->has_waiter = false;
		fut_wake(n->waiter);
	}
}

static intptr_t notify_wait_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct fut_notify_wait *self = (void *)h;
	struct fut_notify *n = self->n;

	if (n->set) {
		n->set = false;
		self->waiting = false;
		return 0;
	}
	n->waiter = fut_waker(task);
	n->has_waiter = true;
	self->waiting = true;
	return FUT_PENDING;
}

static void notify_wait_drop(struct fut_hdr *h)
{
	struct fut_notify_wait *self = (void *)h;

	if (self->waiting)
		self->n->has_waiter = false;
}

struct fut_type fut_notify_wait_type =
	FUT_TYPE_DESC(fut_notify_wait, notify_wait_poll, notify_wait_drop);

void fut_notify_wait_init(struct fut_notify_wait *w, struct fut_notify *n)
{
	w->n = n;
	w->waiting = false;
}
