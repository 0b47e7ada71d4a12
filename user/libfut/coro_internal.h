/* SPDX-License-Identifier: GPL-2.0 */
/* libfut coroutine internals: stacks, the split-stack context, the guard
 * page report.  Not installed; fut_coro.h is the public API. */
#ifndef LIBFUT_CORO_INTERNAL_H
#define LIBFUT_CORO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fut_coro.h"

/* libgcc's split-stack context: ten words (generic-morestack.c), the
 * first its segment chain, the third where the stack pointer was. */
#define CORO_SPLIT_CTX_WORDS 10
#define CORO_SPLIT_SEGMENTS 0
#define CORO_SPLIT_CURRENT_STACK 2
typedef void *coro_split_ctx[CORO_SPLIT_CTX_WORDS];

/* libgcc's context API for -fsplit-stack code (no header declares it). */
void *__splitstack_makecontext(size_t stack_size, void *context[10],
			       size_t *size);
void __splitstack_getcontext(void *context[10]);
void __splitstack_setcontext(void *context[10]);
void __splitstack_releasecontext(void *context[10]);
void __splitstack_block_signals_context(void *context[10], int *new_value,
					int *old_value);

struct coro_stack {
	enum coro_stack_kind kind;
	char *base;		/* lowest usable byte (fixed: above the guard) */
	size_t size;		/* usable bytes of the (first) segment */
	size_t mapped;		/* fixed: the mapping, guard page included */
	/*
	 * What __splitstack_setcontext installs while the coroutine runs.
	 * Split: libgcc's segment chain.  Fixed: all zero, a stack guard of
	 * 0, so -fsplit-stack prologues never ask for a segment there and an
	 * overflow reaches the guard page.
	 */
	coro_split_ctx split;
	/* Split: the chain's length and mapped bytes when it last stopped. */
	uint32_t segments;
	size_t segment_bytes;
};

/* 0, or -ENOMEM.  size: usable bytes wanted (>= CORO_STACK_MIN). */
int coro_stack_get(struct coro_stack *s, enum coro_stack_kind kind,
		   size_t size);
/* Back to this thread's cache (fixed) or to the system (split). */
void coro_stack_put(struct coro_stack *s);

/* Fixed stacks, per thread (coro_stack_fixed.c). */
int coro_fixed_get(struct coro_stack *s, size_t size);
void coro_fixed_put(struct coro_stack *s);
void coro_fixed_stats(struct coro_stack_stats *st);

/* Split stacks (coro_stack_split.c). */
int coro_split_get(struct coro_stack *s, size_t size);
void coro_split_put(struct coro_stack *s);
/* After a switch out: count s's chain into this thread's figures. */
void coro_split_note(struct coro_stack *s);
void coro_split_stats(struct coro_stack_stats *st);

/*
 * A blocking-style call as the coroutine hands it to the executor
 * (coro_call.c builds it on the coroutine's stack, coro.c runs it).
 */
enum coro_op {
	CORO_OP_RECV,
	CORO_OP_SEND,
	CORO_OP_READ,
	CORO_OP_ACCEPT,
	CORO_OP_SHUTDOWN,
	CORO_OP_CLOSE,
	CORO_OP_SLEEP,
	CORO_OP_JOIN,
	CORO_OP_YIELD,
	CORO_OP_EXEC,
};

struct coro_call {
	enum coro_op op;
	int fd;
	int how;		/* shutdown */
	uint32_t len;
	void *buf;
	uint64_t ns;		/* timeout; read: the offset; sleep: the time */
	struct fut_handle join;
	coro_fn fn;		/* exec */
	void *arg;
	intptr_t result;
};

/*
 * coro.c's side of a call: suspends until the executor has run it.  A
 * pointer, so that gold does not see split code call code built without
 * -fsplit-stack (it would make the caller ask for a large segment).
 */
extern intptr_t (*const coro__call_out)(struct coro_call *k);

/*
 * The guard-page report (coro_guard.c): once per thread before the first
 * switch, an alternate signal stack and a SIGSEGV handler that names the
 * coroutine whose guard page was hit.  running: what the handler reads.
 */
struct coro_running {
	const char *name;
	const char *guard_lo, *guard_hi;	/* [lo, hi): fixed stacks only */
	size_t size;
};
extern __thread struct coro_running coro__running;
void coro_guard_thread_init(void);

#endif
