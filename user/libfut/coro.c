// SPDX-License-Identifier: GPL-2.0
/*
 * Coroutines as libfut tasks.  The task's root future is struct coro; its
 * poll switches to the coroutine's stack and back.  Each blocking-style
 * call starts a libfut future in the coroutine's one child slot and polls
 * it there, on the coroutine's stack, switching back to the executor for
 * as long as it is pending -- what FUT_AWAIT does in a poll function.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coro_asan.h"
#include "coro_internal.h"

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
	coro_asan_finish(c->asan_exec_fake, NULL, NULL);
	c->ctx = t.fctx;
	set_running(NULL);
	switches += 2;
}

/* Coroutine side: back to the executor; returns when resumed. */
static void suspend(struct coro *c)
{
	struct transfer_t t;

	__splitstack_getcontext(c->stack.split);
	__splitstack_setcontext(c->exec_split);
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

static intptr_t coro_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct coro *c = (void *)h;

	c->task = task;
	if (c->state == CORO_NEW)
		start(c);
	else
		resume(c);
	if (c->state != CORO_DONE)
		return FUT_PENDING;
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
	if (c->state == CORO_NEW)
		start(c);
	while (c->state != CORO_DONE)
		resume(c);
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

/* Poll the child in slot until it completes; suspend while it is pending. */
static intptr_t await_child(struct coro *c, unsigned int slot,
			    struct fut_hdr *child)
{
	for (;;) {
		intptr_t r = fut__child_poll(c->task, child);

		if (r != FUT_PENDING) {
			fut__child_end(c->task, &c->hdr, slot, child, false);
			return r;
		}
		suspend(c);
		if (c->cancelled)
			return -ECANCELED;	/* libfut dropped the child */
	}
}

#define CORO_AWAIT(what, field, init, ...)                                    \
	({                                                                    \
		struct coro *c_ = self_or_die(what);                          \
		intptr_t r_ = -ECANCELED;                                     \
		unsigned int slot_ = FUT_SLOT_INDEX(struct coro, field);      \
		if (!c_->cancelled) {                                         \
			init(fut__child_begin(c_->task, &c_->hdr, slot_,      \
					      &c_->field, false),             \
			     ##__VA_ARGS__);                                  \
			r_ = await_child(c_, slot_, &c_->field.hdr);          \
		}                                                             \
		r_;                                                           \
	})

intptr_t coro_recv(int fd, void *buf, uint32_t len, uint64_t timeout_ns)
{
	return CORO_AWAIT("coro_recv", io, fut_recv_init, fd, buf, len,
			  0, timeout_ns);
}

intptr_t coro_send(int fd, const void *buf, uint32_t len, uint64_t timeout_ns)
{
	return CORO_AWAIT("coro_send", io, fut_send_init, fd, buf, len,
			  MSG_NOSIGNAL, timeout_ns);
}

intptr_t coro_read(int fd, void *buf, uint32_t len, uint64_t off)
{
	return CORO_AWAIT("coro_read", io, fut_read_init, fd, buf, len,
			  off, 0);
}

intptr_t coro_accept(int fd, uint64_t timeout_ns)
{
	return CORO_AWAIT("coro_accept", io, fut_accept_init, fd,
			  timeout_ns);
}

intptr_t coro_shutdown(int fd, int how)
{
	return CORO_AWAIT("coro_shutdown", io, fut_shutdown_init, fd,
			  how);
}

intptr_t coro_close(int fd)
{
	struct coro *c = self_or_die("coro_close");

	/* Cancelled: nothing may be submitted, but the fd must still go. */
	if (c->cancelled)
		return close(fd) < 0 ? -errno : 0;
	return CORO_AWAIT("coro_close", io, fut_close_init, fd);
}

intptr_t coro_sleep(uint64_t ns)
{
	return CORO_AWAIT("coro_sleep", sleep, fut_sleep_init, ns);
}

intptr_t coro_join(struct fut_handle h)
{
	return CORO_AWAIT("coro_join", join, fut_join_init, h);
}

void coro_yield(void)
{
	struct coro *c = self_or_die("coro_yield");

	if (c->cancelled)
		return;
	fut_wake(fut_waker(c->task));
	suspend(c);
}

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
	st->live += coro_split_live();
	st->switches = switches;
}
