// SPDX-License-Identifier: GPL-2.0
/*
 * Size-class slabs that give memory back.  Each chunk serves one class:
 * it is aligned to its own size, so an object's chunk is its address
 * rounded down, and it keeps its own free list and live count.  A class
 * allocates from its list of chunks with room.  A chunk whose last object
 * is freed waits on the class's empty list, reused first; when the
 * executor is about to block, slab_trim unmaps all but one per class (a
 * burst of frees and spawns does not pay page faults, a spare absorbs an
 * alloc/free cycle at a chunk boundary without a syscall).  Objects above
 * 32 KiB are mapped on their own (and unmapped when freed: no allocator
 * keeps them).  Under ASan
 * freed objects are poisoned, so use-after-free is caught.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "slab.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Small chunks return memory at a finer grain; classes above 4 KiB take
 * larger ones so that a chunk still holds at least 7 objects. */
#define CHUNK_SMALL (64u << 10)
#define CHUNK_LARGE (256u << 10)
#define CHUNK_HDR 64	/* objects start here, 64-byte aligned */
#define LARGE_ALIGN 64
#define PAGE 4096u

struct slab_chunk {
	struct slab_chunk *next, *prev;		/* the class's chunks with room */
	struct slab_chunk *all_next, *all_prev;	/* every chunk, for destroy */
	void *free;				/* freed objects */
	char *bump;				/* never-used tail */
	uint32_t live;
	uint32_t cls;
};
_Static_assert(sizeof(struct slab_chunk) <= CHUNK_HDR, "chunk header");

/* 16-byte steps to 128, then four classes per power of two. */
static const uint32_t class_size[SLAB_NCLASS] = {
	16, 32, 48, 64, 80, 96, 112, 128,
	160, 192, 224, 256, 320, 384, 448, 512,
	640, 768, 896, 1024, 1280, 1536, 1792, 2048,
	2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
	10240, 12288, 16384, 24576, 32768,
};

static unsigned int class_of(size_t size)
{
	unsigned int lo = 0, hi = SLAB_NCLASS - 1;

	if (size <= 128)
		return size ? (size - 1) / 16 : 0;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (class_size[mid] >= size)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

size_t slab_class_size(size_t size)
{
	return size > SLAB_MAX ? size : class_size[class_of(size)];
}

/* What a large object takes: its header and the object, in whole pages
 * (it is mapped on its own). */
static size_t large_bytes(size_t size)
{
	return (size + LARGE_ALIGN + PAGE - 1) & ~(size_t)(PAGE - 1);
}

size_t fut_alloc_bytes(size_t bytes)
{
	return bytes > SLAB_MAX ? large_bytes(bytes) : class_size[class_of(bytes)];
}

void slab_init(struct slab *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < SLAB_NCLASS; i++) {
		struct slab_class *c = &s->cls[i];

		c->size = class_size[i];
		c->chunk_bytes = c->size > 4096 ? CHUNK_LARGE : CHUNK_SMALL;
		c->per_chunk = (c->chunk_bytes - CHUNK_HDR) / c->size;
	}
}

static void chunk_unmap(struct slab *s, struct slab_class *c,
			struct slab_chunk *ch)
{
	if (ch->all_prev)
		ch->all_prev->all_next = ch->all_next;
	else
		s->chunks = ch->all_next;
	if (ch->all_next)
		ch->all_next->all_prev = ch->all_prev;
	s->mapped_bytes -= c->chunk_bytes;
	UNPOISON(ch, c->chunk_bytes);
	munmap(ch, c->chunk_bytes);
}

void slab_destroy(struct slab *s)
{
	struct slab_chunk *ch, *next;

	for (ch = s->chunks; ch; ch = next) {
		next = ch->all_next;
		chunk_unmap(s, &s->cls[ch->cls], ch);
	}
	for (unsigned int i = 0; i < SLAB_NCLASS; i++)
		s->cls[i].avail = s->cls[i].empty = NULL;
}

/* A chunk aligned to its size: map twice as much, trim both ends. */
static struct slab_chunk *chunk_map(struct slab *s, struct slab_class *c)
{
	size_t cb = c->chunk_bytes;
	char *m = mmap(NULL, 2 * cb, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;
	struct slab_chunk *ch;

	if (m == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)m + cb - 1) & ~(uintptr_t)(cb - 1));
	if (a > m)
		munmap(m, a - m);
	munmap(a + cb, m + cb - a);
	ch = (struct slab_chunk *)a;
	ch->bump = a + CHUNK_HDR;
	ch->cls = c - s->cls;
	ch->all_next = s->chunks;
	if (s->chunks)
		s->chunks->all_prev = ch;
	s->chunks = ch;
	s->mapped_bytes += cb;
	POISON(ch->bump, cb - CHUNK_HDR);
	return ch;
}

static void avail_push(struct slab_class *c, struct slab_chunk *ch)
{
	ch->prev = NULL;
	ch->next = c->avail;
	if (c->avail)
		c->avail->prev = ch;
	c->avail = ch;
}

static void avail_del(struct slab_class *c, struct slab_chunk *ch)
{
	if (ch->prev)
		ch->prev->next = ch->next;
	else
		c->avail = ch->next;
	if (ch->next)
		ch->next->prev = ch->prev;
}

/* Empty chunks wait on their class's list (linked by next) until the
 * executor goes idle; all but one per class then go back (slab_trim). */
static struct slab_chunk *chunk_get(struct slab *s, struct slab_class *c)
{
	struct slab_chunk *ch = c->empty;

	if (ch) {
		c->empty = ch->next;
		if (--c->nempty)
			s->extra_empty--;
	} else if (!(ch = chunk_map(s, c))) {
		return NULL;
	}
	avail_push(c, ch);
	return ch;
}

void slab_trim(struct slab *s)
{
	if (!s->extra_empty)
		return;
	for (unsigned int i = 0; i < SLAB_NCLASS; i++) {
		struct slab_class *c = &s->cls[i];

		while (c->nempty > 1) {
			struct slab_chunk *ch = c->empty;

			c->empty = ch->next;
			c->nempty--;
			chunk_unmap(s, c, ch);
		}
	}
	s->extra_empty = 0;
}

/* A large object is its own mapping: 64 bytes that keep its mapped size,
 * then the object.  Fresh from mmap it is zero; munmap gives it back. */
static void *large_alloc(struct slab *s, size_t size, uint8_t *cls_out)
{
	size_t bytes = large_bytes(size);
	char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	*(size_t *)m = bytes;
	*cls_out = SLAB_NCLASS;
	s->large_live++;
	s->large_bytes += bytes;
	return m + LARGE_ALIGN;
}

static void large_free(struct slab *s, void *p)
{
	char *m = (char *)p - LARGE_ALIGN;
	size_t bytes = *(size_t *)m;

	s->large_bytes -= bytes;
	s->large_live--;
	munmap(m, bytes);
}

void mem_zero_drop(void *p, size_t n)
{
	char *lo = (char *)(((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	char *hi = (char *)(((uintptr_t)p + n) & ~(uintptr_t)(PAGE - 1));

	if (madvise(lo, hi - lo, MADV_DONTNEED)) {
		memset(p, 0, n);
		return;
	}
	/* The whole pages read as zero again and go back to the system. */
	memset(p, 0, lo - (char *)p);
	memset(hi, 0, (char *)p + n - hi);
}

void *slab_alloc(struct slab *s, size_t size, uint8_t *cls_out)
{
	struct slab_class *c;
	struct slab_chunk *ch;
	unsigned int k;
	void *p;

	if (size > SLAB_MAX)
		return large_alloc(s, size, cls_out);
	k = class_of(size);
	c = &s->cls[k];
	*cls_out = k;
	ch = c->avail;
	if (!ch && !(ch = chunk_get(s, c)))
		return NULL;
	p = ch->free;
	if (p) {
		UNPOISON(p, c->size);
		ch->free = *(void **)p;
	} else {
		/* An empty free list in a chunk with room: the tail has room. */
		p = ch->bump;
		ch->bump += c->size;
		UNPOISON(p, c->size);
	}
	if (++ch->live == c->per_chunk)
		avail_del(c, ch);
	s->live++;
	return p;
}

void slab_free(struct slab *s, void *p, uint8_t cls)
{
	struct slab_class *c;
	struct slab_chunk *ch;

	if (cls == SLAB_NCLASS) {
		large_free(s, p);
		return;
	}
	c = &s->cls[cls];
	ch = (struct slab_chunk *)((uintptr_t)p & ~(uintptr_t)(c->chunk_bytes - 1));
	*(void **)p = ch->free;
	ch->free = p;
	/* All of it, the free-list link too: a write through a stale pointer
	 * (a run-queue link, say) is caught. */
	POISON(p, c->size);
	s->live--;
	if (ch->live-- == c->per_chunk)
		avail_push(c, ch);
	if (ch->live)
		return;
	/* Empty: kept for reuse until slab_trim. */
	avail_del(c, ch);
	ch->next = c->empty;
	c->empty = ch;
	if (c->nempty++)
		s->extra_empty++;
}

size_t slab_bytes(const struct slab *s)
{
	return s->mapped_bytes + s->large_bytes;
}
