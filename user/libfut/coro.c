// SPDX-License-Identifier: GPL-2.0
/*
 * Coroutines as libfut tasks.  The task's root future is struct coro; its
 * poll switches to the coroutine's stack and back.  A blocking-style call
 * (coro_call.c) hands the executor a struct coro_call and switches to it;
 * the executor starts the libfut future in the coroutine's one child slot
 * and polls it in the coroutine's poll, on its own stack, as FUT_AWAIT
 * does, and switches back with the result.  So no libfut code runs on a
 * coroutine's stack: a split stack at rest holds only the body's frames.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coro_asan.h"
#include "coro_internal.h"
#include "exec.h"
#include "task.h"

/* Boost.Context's C-callable switch (libboost_context). */
typedef void *fcontext_t;
struct transfer_t {
	fcontext_t fctx;
	void *data;
};
struct transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(struct transfer_t));

enum coro_state { CORO_NEW, CORO_SUSPENDED, CORO_DONE };
/* One blocking call at a time: the branches share storage. */
#define CORO_BRANCHES(B, U) \
	U(B(inline, fut_io, io) B(inline, fut_sleep, sleep) B(inline, fut_join, join))

struct coro {
	struct fut_hdr hdr;
	struct fut_task *task;
	coro_fn fn;
	void *arg;
	intptr_t result;
	const char *name;
	uint8_t state;
	bool cancelled;
	fcontext_t ctx;		/* the coroutine's, while suspended */
	fcontext_t exec_ctx;	/* the executor's, while the coroutine runs */
	struct coro_call *call;	/* the call it waits in; NULL while running */
	bool call_begun;	/* its future is in the slot */
	coro_split_ctx exec_split;
	struct coro_stack stack;
	void *asan_exec_fake, *asan_coro_fake;
	const void *asan_exec_bottom;
	size_t asan_exec_size;
	FUT_BRANCHES(CORO_BRANCHES);
};

/* The coroutine this thread is running; NULL on the executor's stack. */
static __thread struct coro *current;
static __thread uint64_t switches;

static void set_running(struct coro *c)
{
	current = c;
	if (!c || c->stack.kind != CORO_STACK_FIXED) {
		coro__running.guard_lo = NULL;
		return;
	}
	coro__running.name = c->name;
	coro__running.size = c->stack.size;
	coro__running.guard_hi = c->stack.base;
	coro__running.guard_lo = c->stack.base - (c->stack.mapped - c->stack.size);
}

/* Executor side: run the coroutine until it suspends or ends. */
static void resume(struct coro *c)
{
	struct transfer_t t;

	set_running(c);
	__splitstack_getcontext(c->exec_split);
	__splitstack_setcontext(c->stack.split);
	coro_asan_start(&c->asan_exec_fake, c->stack.base, c->stack.size);
	t = jump_fcontext(c->ctx, c);
	/*
	 * Back on the executor's stack, still with the coroutine's segment
	 * context installed (nothing built with -fsplit-stack ran since):
	 * save it here, not on the coroutine's side, where it would take
	 * stack in the segment.  CURRENT_STACK is where the coroutine's
	 * stack pointer stopped.
	 */
	__splitstack_getcontext(c->stack.split);
	c->stack.split[CORO_SPLIT_CURRENT_STACK] = t.fctx;
	__splitstack_setcontext(c->exec_split);
	coro_asan_finish(c->asan_exec_fake, NULL, NULL);
	c->ctx = t.fctx;
	set_running(NULL);
	if (c->stack.kind == CORO_STACK_SPLIT)
		coro_split_note(&c->stack);
	switches += 2;
}

/* Coroutine side: back to the executor; returns when resumed. */
static void suspend(struct coro *c)
{
	struct transfer_t t;

	coro_asan_start(c->state == CORO_DONE ? NULL : &c->asan_coro_fake,
			c->asan_exec_bottom, c->asan_exec_size);
	t = jump_fcontext(c->exec_ctx, NULL);
	c->exec_ctx = t.fctx;
	coro_asan_finish(c->asan_coro_fake, &c->asan_exec_bottom,
			 &c->asan_exec_size);
}

static void entry(struct transfer_t t)
{
	struct coro *c = t.data;

	c->exec_ctx = t.fctx;
	coro_asan_finish(NULL, &c->asan_exec_bottom, &c->asan_exec_size);
	c->result = c->fn(c->arg);
	/* FUT_PENDING is not a result a task may have. */
	if (c->result == FUT_PENDING)
		c->result = -ERANGE;
	c->state = CORO_DONE;
	suspend(c);
	abort();	/* a finished coroutine is never resumed */
}

static void start(struct coro *c)
{
	c->ctx = make_fcontext(c->stack.base + c->stack.size, c->stack.size, entry);
	c->state = CORO_SUSPENDED;
	resume(c);
}

/* The child slot and future a call runs in. */
static unsigned int call_slot(const struct coro_call *k)
{
	return k->op == CORO_OP_SLEEP ? FUT_SLOT_INDEX(struct coro, sleep) :
	       k->op == CORO_OP_JOIN  ? FUT_SLOT_INDEX(struct coro, join) :
					FUT_SLOT_INDEX(struct coro, io);
}

static struct fut_hdr *call_child(struct coro *c, const struct coro_call *k)
{
	return k->op == CORO_OP_SLEEP ? &c->sleep.hdr :
	       k->op == CORO_OP_JOIN  ? &c->join.hdr :
					&c->io.hdr;
}

#define CORO_BEGIN(field, init, ...)                                          \
	init(fut__child_begin(c->task, &c->hdr,                               \
			      FUT_SLOT_INDEX(struct coro, field), &c->field,  \
			      false),                                         \
	     ##__VA_ARGS__)

/* Executor side: the call's future into its slot. */
static void call_begin(struct coro *c, const struct coro_call *k)
{
	switch (k->op) {
	case CORO_OP_RECV:
		CORO_BEGIN(io, fut_recv_init, k->fd, k->buf, k->len, 0, k->ns);
		break;
	case CORO_OP_SEND:
		CORO_BEGIN(io, fut_send_init, k->fd, k->buf, k->len, MSG_NOSIGNAL, k->ns);
		break;
	case CORO_OP_READ:
		CORO_BEGIN(io, fut_read_init, k->fd, k->buf, k->len, k->ns, 0);
		break;
	case CORO_OP_ACCEPT:
		CORO_BEGIN(io, fut_accept_init, k->fd, k->ns);
		break;
	case CORO_OP_SHUTDOWN:
		CORO_BEGIN(io, fut_shutdown_init, k->fd, k->how);
		break;
	case CORO_OP_CLOSE:
		CORO_BEGIN(io, fut_close_init, k->fd);
		break;
	case CORO_OP_SLEEP:
		CORO_BEGIN(sleep, fut_sleep_init, k->ns);
		break;
	case CORO_OP_JOIN:
		CORO_BEGIN(join, fut_join_init, k->join);
		break;
	case CORO_OP_YIELD:
	case CORO_OP_EXEC:
		break;
	}
}

/* Executor side: the call's future's result, or FUT_PENDING. */
static intptr_t call_poll_future(struct coro *c)
{
	struct coro_call *k = c->call;
	struct fut_hdr *child;
	intptr_t r;

	if (k->op == CORO_OP_YIELD) {
		if (c->call_begun)
			return 0;
		c->call_begun = true;
		fut_wake(fut_waker(c->task));
		return FUT_PENDING;
	}
	if (!c->call_begun) {
		call_begin(c, k);
		c->call_begun = true;
	}
	child = call_child(c, k);
	r = fut__child_poll(c->task, child);
	if (r != FUT_PENDING)
		fut__child_end(c->task, &c->hdr, call_slot(k), child, false);
	return r;
}

static void call_done(struct coro *c, intptr_t result)
{
	c->call->result = result;
	c->call = NULL;
	c->call_begun = false;
}

/* Executor side: true when the call is done (and its result given). */
static bool call_poll(struct coro *c)
{
	struct coro_call *k = c->call;
	intptr_t r;

	if (k->op == CORO_OP_EXEC) {
		call_done(c, k->fn(k->arg));
		return true;
	}
	r = call_poll_future(c);
	if (r == FUT_PENDING)
		return false;
	call_done(c, r);
	return true;
}

static intptr_t coro_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct coro *c = (void *)h;

	c->task = task;
	if (c->state == CORO_NEW)
		start(c);
	/* Run its calls here until one is pending or the body ends. */
	while (c->state != CORO_DONE) {
		if (!call_poll(c))
			return FUT_PENDING;
		resume(c);
	}
	coro_stack_put(&c->stack);
	return c->result;
}

/*
 * Cancelled: libfut awaited the IO in flight and dropped the child.  Run
 * the body to its end, every call failing with -ECANCELED, so that it
 * lets go of what it holds; then the stack goes.
 */
static void coro_drop(struct fut_hdr *h)
{
	struct coro *c = (void *)h;

	c->cancelled = true;
	if (c->call)	/* its future was in flight */
		call_done(c, -ECANCELED);
	if (c->state == CORO_NEW)
		start(c);
	while (c->state != CORO_DONE) {
		if (c->call)	/* coro_on_executor: still runs */
			call_poll(c);
		resume(c);
	}
	coro_stack_put(&c->stack);
}

static struct fut_type coro_type =
	FUT_TYPE_DESC(coro, coro_poll, coro_drop, CORO_BRANCHES);

int coro_spawn(struct fut_exec *ex, const struct coro_opts *opts, coro_fn fn,
	       void *arg, bool detached, struct fut_handle *h)
{
	size_t size = opts->stack_size;
	struct coro_stack stack;
	struct coro *c;
	int err;

	if (!size)
		size = opts->stack == CORO_STACK_SPLIT ? CORO_SPLIT_DEFAULT :
							 CORO_FIXED_DEFAULT;
	/* libgcc's first segment is at least 16 KiB anyway. */
	if (opts->stack == CORO_STACK_SPLIT && size < CORO_STACK_MIN)
		size = CORO_STACK_MIN;
	err = coro_stack_get(&stack, opts->stack, size);
	if (err)
		return err;
	c = fut_spawn_alloc(ex, &coro_type);
	if (!c) {
		coro_stack_put(&stack);
		return -ENOMEM;
	}
	coro_guard_thread_init();
	/* Set now, not at the first poll: a coroutine cancelled before it
	 * ran runs its body from the drop function, and is its task there
	 * too (coro_self, coro_on_executor). */
	c->task = task_of_state(c);
	c->stack = stack;
	c->fn = fn;
	c->arg = arg;
	c->name = opts->name ? opts->name : "coro";
	*h = fut_spawn_commit(c, detached);
	return 0;
}

/* --- the blocking-style calls ------------------------------------------- */

static struct coro *self_or_die(const char *what)
{
	if (!current) {
		fprintf(stderr, "libfut: %s called outside a coroutine\n", what);
		abort();
	}
	return current;
}

static const char *const call_names[] = {
	[CORO_OP_RECV] = "coro_recv",	  [CORO_OP_SEND] = "coro_send",
	[CORO_OP_READ] = "coro_read",	  [CORO_OP_ACCEPT] = "coro_accept",
	[CORO_OP_SHUTDOWN] = "coro_shutdown", [CORO_OP_CLOSE] = "coro_close",
	[CORO_OP_SLEEP] = "coro_sleep",	  [CORO_OP_JOIN] = "coro_join",
	[CORO_OP_YIELD] = "coro_yield",	  [CORO_OP_EXEC] = "coro_on_executor",
};

/*
 * Coroutine side, from coro_call.c through coro__call_out: hand the call
 * to the executor and wait for its result.  It runs on the coroutine's
 * stack below the frame of split code that did not ask for room for it
 * (the pointer hides it from gold), in the slack libgcc keeps below every
 * segment's guard: so it is kept small.
 */
static intptr_t call_out(struct coro_call *k)
{
	struct coro *c = self_or_die(call_names[k->op]);

	if (c->cancelled && k->op != CORO_OP_EXEC) {
		/* Nothing may be submitted, but the fd must still go. */
		if (k->op == CORO_OP_CLOSE)
			return close(k->fd) < 0 ? -errno : 0;
		return k->op == CORO_OP_YIELD ? 0 : -ECANCELED;
	}
	c->call = k;
	suspend(c);
	return k->result;
}

intptr_t (*const coro__call_out)(struct coro_call *k) = call_out;

bool coro_cancelled(void)
{
	return current && current->cancelled;
}

struct fut_handle coro_self(void)
{
	struct fut_handle h = { 0, 0 };
	struct fut_waker w;

	if (!current)
		return h;
	w = fut_waker(current->task);
	h.idx = w.idx;
	h.gen = w.gen;
	return h;
}

void coro_stack_stats(struct coro_stack_stats *st)
{
	memset(st, 0, sizeof(*st));
	coro_fixed_stats(st);
	coro_split_stats(st);
	st->switches = switches;
}
