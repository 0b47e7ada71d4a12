// SPDX-License-Identifier: GPL-2.0
/* Size-class slabs: bump allocation from 256 KiB chunks, a free list per
 * class.  Objects above 32 KiB come from malloc (and go back to the OS).
 * Under ASan freed objects are poisoned, so use-after-free is caught. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_BYTES (256u << 10)

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

void slab_init(struct slab *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < SLAB_NCLASS; i++)
		s->cls[i].size = class_size[i];
}

void slab_destroy(struct slab *s)
{
	void *c = s->chunks;

	while (c) {
		void *next;

		UNPOISON(c, sizeof(void *));
		next = *(void **)c;
		munmap(c, CHUNK_BYTES);
		c = next;
	}
	s->chunks = NULL;
}

static int slab_refill(struct slab *s, struct slab_class *c)
{
	char *m = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	*(void **)m = s->chunks;
	s->chunks = m;
	/* The first 64 bytes link the chunk list; objects start after. */
	c->bump = m + 64;
	c->end = m + CHUNK_BYTES;
	POISON(c->bump, c->end - c->bump);
	return 0;
}

void *slab_alloc(struct slab *s, size_t size, uint8_t *cls_out)
{
	struct slab_class *c;
	void *p;

	if (size > SLAB_MAX) {
		p = aligned_alloc(64, (size + 63) & ~(size_t)63);
		if (p) {
			*cls_out = SLAB_NCLASS;
			s->large_live++;
		}
		return p;
	}
	c = &s->cls[class_of(size)];
	*cls_out = c - s->cls;
	if (c->free) {
		p = c->free;
		UNPOISON(p, c->size);
		c->free = *(void **)p;
	} else {
		if ((size_t)(c->end - c->bump) < c->size && slab_refill(s, c))
			return NULL;
		p = c->bump;
		c->bump += c->size;
		UNPOISON(p, c->size);
	}
	s->live++;
	return p;
}

void slab_free(struct slab *s, void *p, uint8_t cls)
{
	struct slab_class *c;

	if (cls == SLAB_NCLASS) {
		free(p);
		s->large_live--;
		return;
	}
	c = &s->cls[cls];
	*(void **)p = c->free;
	c->free = p;
	POISON((char *)p + sizeof(void *), c->size - sizeof(void *));
	s->live--;
}
