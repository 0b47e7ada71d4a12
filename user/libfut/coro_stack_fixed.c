// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed coroutine stacks: one mapping each, a PROT_NONE guard page at its
 * low end, pages committed on first touch as a thread stack's are.  A
 * finished coroutine's stack goes to this thread's cache, touched pages
 * and all (as glibc caches thread stacks): the next coroutine reuses them
 * without faulting.  coro_stack_trim() gives the cache back.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coro_internal.h"

/* Enough for bursts of connections; beyond it stacks are unmapped. */
#define FIXED_CACHE_MAX 64

static __thread struct {
	struct coro_stack stacks[FIXED_CACHE_MAX];
	unsigned int n;
	uint64_t live, mapped_bytes;
} cache;

static size_t page_size(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

int coro_fixed_get(struct coro_stack *s, size_t size)
{
	size_t page = page_size();
	char *m;

	size = (size + page - 1) & ~(page - 1);
	for (unsigned int i = cache.n; i-- > 0;) {
		if (cache.stacks[i].size != size)
			continue;
		*s = cache.stacks[i];
		cache.stacks[i] = cache.stacks[--cache.n];
		cache.live++;
		return 0;
	}
	m = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	if (mprotect(m, page, PROT_NONE) < 0) {
		munmap(m, size + page);
		return -ENOMEM;
	}
	memset(s, 0, sizeof(*s));
	s->kind = CORO_STACK_FIXED;
	s->base = m + page;
	s->size = size;
	s->mapped = size + page;
	cache.live++;
	cache.mapped_bytes += s->mapped;
	return 0;
}

static void unmap(struct coro_stack *s)
{
	munmap(s->base - (s->mapped - s->size), s->mapped);
	cache.mapped_bytes -= s->mapped;
}

void coro_fixed_put(struct coro_stack *s)
{
	cache.live--;
	if (cache.n < FIXED_CACHE_MAX) {
		memset(s->split, 0, sizeof(s->split));
		cache.stacks[cache.n++] = *s;
		return;
	}
	unmap(s);
}

void coro_stack_trim(void)
{
	while (cache.n)
		unmap(&cache.stacks[--cache.n]);
}

void coro_fixed_stats(struct coro_stack_stats *st)
{
	st->live += cache.live;
	st->cached = cache.n;
	st->mapped_bytes = cache.mapped_bytes;
}
