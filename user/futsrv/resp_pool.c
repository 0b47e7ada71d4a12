// SPDX-License-Identifier: GPL-2.0
/* Per-executor response buffers, handed out while a response is in
 * flight; see resp_pool.h. */
#include <errno.h>
#include <stdlib.h>

#include "resp_pool.h"

/* Buffers are made a block at a time and kept until the pool ends. */
#define RESP_BLOCK 16

struct resp_block {
	struct resp_block *next;
	struct resp r[RESP_BLOCK];
};

#define STAT_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)


void resp_pool_destroy(struct resp_pool *p)
{
	while (p->blocks) {
		struct resp_block *b = p->blocks;

		p->blocks = b->next;
		free(b);
	}
	p->free = NULL;
}

static bool grow(struct resp_pool *p)
{
	struct resp_block *b;
	uint32_t n = RESP_BLOCK;

	if (p->made >= p->cap)
		return false;
	if (n > p->cap - p->made)
		n = p->cap - p->made;
	b = malloc(sizeof(*b));
	if (!b)
		return false;
	b->next = p->blocks;
	p->blocks = b;
	for (uint32_t i = 0; i < n; i++) {
		b->r[i].next = p->free;
		p->free = &b->r[i];
	}
	STAT_SET(p->made, p->made + n);
	return true;
}

/* The first block now, on the executor's thread, not on a request's path. */
void resp_pool_init(struct resp_pool *p, uint32_t cap)
{
	*p = (struct resp_pool){ .cap = cap };
	grow(p);
}

static void taken(struct resp_pool *p)
{
	STAT_SET(p->held, p->held + 1);
	if (p->held > p->peak_held)
		STAT_SET(p->peak_held, p->held);
}

struct resp *resp_pool_try(struct resp_pool *p)
{
	struct resp *r;

	/* Waiters first: a newcomer does not overtake them. */
	if (p->wait_head || (!p->free && !grow(p)))
		return NULL;
	r = p->free;
	p->free = r->next;
	taken(p);
	return r;
}

void resp_pool_put(struct resp_pool *p, struct resp *r)
{
	struct resp_get *g = p->wait_head;

	if (g) {
		/* Handed over: still held, by the waiter now. */
		p->wait_head = g->next;
		if (!p->wait_head)
			p->wait_tail = NULL;
		g->queued = false;
		*g->out = r;
		fut_wake(g->w);
		return;
	}
	r->next = p->free;
	p->free = r;
	STAT_SET(p->held, p->held - 1);
}

static intptr_t get_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct resp_get *g = (struct resp_get *)h;
	struct resp_pool *p = g->pool;

	if (*g->out)
		return 0;	/* taken at once, or handed over */
	if (g->queued)
		return FUT_PENDING;
	*g->out = resp_pool_try(p);
	if (*g->out)
		return 0;
	/* Nobody holds one to give back: waiting would be for ever. */
	if (!p->held)
		return -ENOMEM;
	g->w = fut_waker(task);
	g->next = NULL;
	g->queued = true;
	if (p->wait_tail)
		p->wait_tail->next = g;
	else
		p->wait_head = g;
	p->wait_tail = g;
	STAT_SET(p->waits, p->waits + 1);
	return FUT_PENDING;
}

/* Dropped while waiting (cancelled): leave the queue. */
static void get_drop(struct fut_hdr *h)
{
	struct resp_get *g = (struct resp_get *)h;
	struct resp_pool *p = g->pool;
	struct resp_get *prev = NULL;

	if (!g->queued)
		return;
	for (struct resp_get *q = p->wait_head; q; prev = q, q = q->next) {
		if (q != g)
			continue;
		if (prev)
			prev->next = g->next;
		else
			p->wait_head = g->next;
		if (p->wait_tail == g)
			p->wait_tail = prev;
		break;
	}
	g->queued = false;
}

struct fut_type resp_get_type = FUT_TYPE_DESC(resp_get, get_poll, get_drop);

void resp_get_init(struct resp_get *g, struct resp_pool *p, struct resp **out)
{
	g->pool = p;
	g->out = out;
}

void resp_pool_stats(const struct resp_pool *p, struct resp_pool_stats *st)
{
	st->made = __atomic_load_n(&p->made, __ATOMIC_RELAXED);
	st->held = __atomic_load_n(&p->held, __ATOMIC_RELAXED);
	st->peak_held = __atomic_load_n(&p->peak_held, __ATOMIC_RELAXED);
	st->waits = __atomic_load_n(&p->waits, __ATOMIC_RELAXED);
}
