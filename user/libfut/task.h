/* SPDX-License-Identifier: GPL-2.0 */
/* libfut tasks: the header before a root future's state, the task table,
 * and the task side of requests (task.c, task_io.c). */
#ifndef LIBFUT_TASK_H
#define LIBFUT_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fut_core.h"
#include "fut_io.h"

enum {
	TASK_QUEUED = 1 << 0,
	TASK_DONE = 1 << 1,	/* finished, result kept for the joiner */
	TASK_CANCELLING = 1 << 2,
	TASK_DETACHED = 1 << 3,
	TASK_FINISHING = 1 << 4, /* returned, waiting for owed CQEs */
	TASK_CANCELLED = 1 << 5,
};

/* At most 64 bytes, followed by the root future's state. */
struct fut_task {
	struct fut_task *next;	/* run queue */
	struct fut_op *ops;	/* requests in flight */
	intptr_t result;
	struct fut_waker joiner;
	uint32_t idx;		/* slot in the executor's task table */
	uint16_t flags;
	uint16_t inflight;	/* CQEs owed to this task */
	uint8_t cls;		/* slab class */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct fut_task) <= 64, "task header over 64 bytes");
_Static_assert(sizeof(struct fut_task) % 16 == 0, "state alignment");

/* A box: 16 bytes (its slab class in the last one), then the child. */
#define BOX_HDR 16

static inline struct fut_hdr *task_state(struct fut_task *t)
{
	return (struct fut_hdr *)(t + 1);
}

/* The task whose root state fut_spawn_alloc returned. */
static inline struct fut_task *task_of_state(void *state)
{
	return (struct fut_task *)state - 1;
}

struct task_ent {
	struct fut_task *task;
	uint32_t gen;
	uint32_t next_free;
};

struct fut_exec;

/* The task side of arming a request; the reactor hands its completions
 * back through task_op_complete. */
void op_arm(struct fut_task *t, struct fut_op *op, unsigned int kind,
	    unsigned int ncqe);
void task_wake(struct fut_task *t);
struct fut_task *task_get(struct fut_exec *ex, uint32_t idx, uint32_t gen);
/* Poll t once; true when its requests in flight are to be cancelled (it
 * returned, or cancelled itself, with requests still armed). */
bool task_run(struct fut_exec *ex, struct fut_task *t);
/* A CQE that ends one of op's requests: ring.c's only call into task
 * state. */
void task_op_complete(struct fut_task *t, struct fut_op *op);
/* task_run, then the cancels it asks for (task_io.c). */
void task_step(struct fut_exec *ex, struct fut_task *t);
/* A request of t in flight whose op lies in [lo, lo + len), or NULL. */
static inline struct fut_op *op_within(const struct fut_task *t,
				       const void *lo, size_t len)
{
	for (struct fut_op *op = t->ops; op; op = op->next)
		if ((const char *)op >= (const char *)lo &&
		    (const char *)op < (const char *)lo + len)
			return op;
	return NULL;
}
void task_settle_owed(struct fut_exec *ex, struct fut_task *t,
		      const void *lo, size_t len);
/* Wait until no request of t in [lo, lo + len) is owed a completion
 * (cancelling those still armed): the memory is about to be reused.
 * Inline: at every await, and nothing is owed there almost always. */
static inline void task_settle(struct fut_exec *ex, struct fut_task *t,
			       const void *lo, size_t len)
{
	if (op_within(t, lo, len))
		task_settle_owed(ex, t, lo, len);
}

#endif
