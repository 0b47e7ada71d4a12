// SPDX-License-Identifier: GPL-2.0
/*
 * Split (segmented) coroutine stacks from libgcc: __splitstack_makecontext
 * maps the first segment (at least 16 KiB on x86-64 glibc: libgcc rounds
 * up to MINSIGSTKSZ plus its header), __morestack maps the next ones when
 * a -fsplit-stack prologue finds its frame does not fit.  libgcc never
 * unmaps a segment when the frame that needed it returns: it keeps the
 * chain and reuses it for the next deep call, so a coroutine at rest
 * holds its high-water chain.  __splitstack_releasecontext unmaps the
 * chain when the coroutine ends.
 */
#include <errno.h>
#include <string.h>

#include "coro_internal.h"

/* The head of libgcc's segment header (generic-morestack.c). */
struct split_segment {
	struct split_segment *prev, *next;
	size_t size;		/* usable bytes, after this header */
};
#define SPLIT_HEADER_BYTES (7 * sizeof(void *))

static __thread uint64_t split_live, split_segments, split_bytes;

int coro_split_get(struct coro_stack *s, size_t size)
{
	/*
	 * 0: __morestack does not block signals (two sigprocmask calls) per
	 * split; the only signal handler running on these stacks is the
	 * SIGSEGV report, built without -fsplit-stack.
	 */
	int block_signals = 0;
	size_t got = 0;

	memset(s->split, 0, sizeof(s->split));
	s->base = __splitstack_makecontext(size, s->split, &got);
	if (!s->base)
		return -ENOMEM;
	__splitstack_block_signals_context(s->split, &block_signals, NULL);
	s->kind = CORO_STACK_SPLIT;
	s->size = got;
	s->mapped = 0;
	s->segments = 0;
	s->segment_bytes = 0;
	coro_split_note(s);
	split_live++;
	return 0;
}

/*
 * The whole chain, not just up to the current segment: the segments past
 * it are the ones libgcc kept after the frames that needed them returned.
 */
void coro_split_note(struct coro_stack *s)
{
	const struct split_segment *seg = s->split[CORO_SPLIT_SEGMENTS];
	uint32_t n = 0;
	size_t bytes = 0;

	for (; seg; seg = seg->next) {
		n++;
		bytes += seg->size + SPLIT_HEADER_BYTES;
	}
	split_segments += n - s->segments;
	split_bytes += bytes - s->segment_bytes;
	s->segments = n;
	s->segment_bytes = bytes;
}

void coro_split_stats(struct coro_stack_stats *st)
{
	st->live += split_live;
	st->split_segments = split_segments;
	st->split_bytes = split_bytes;
}

void coro_split_put(struct coro_stack *s)
{
	__splitstack_releasecontext(s->split);
	memset(s->split, 0, sizeof(s->split));
	split_segments -= s->segments;
	split_bytes -= s->segment_bytes;
	split_live--;
}
