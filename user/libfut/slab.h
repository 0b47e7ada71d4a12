/* SPDX-License-Identifier: GPL-2.0 */
/* libfut slab: size classes in self-aligned chunks, empty ones unmapped
 * (slab.c). */
#ifndef LIBFUT_SLAB_H
#define LIBFUT_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SLAB_NCLASS 37
#define SLAB_MAX 32768u
struct slab_chunk;
struct slab_class {
	struct slab_chunk *avail;	/* chunks with room, most recent first */
	struct slab_chunk *empty;	/* empty chunks, reused first */
	uint32_t nempty;
	uint32_t size;			/* object bytes */
	uint32_t chunk_bytes;		/* a power of two; chunks align to it */
	uint32_t per_chunk;		/* objects a chunk holds */
};
struct slab {
	struct slab_class cls[SLAB_NCLASS];
	struct slab_chunk *chunks;	/* every mapped chunk */
	uint64_t live;
	uint64_t large_live;
	uint64_t mapped_bytes;		/* chunks mapped */
	uint64_t large_bytes;		/* large objects' mappings */
	uint64_t extra_empty;		/* empty chunks beyond one per class */
};
void slab_init(struct slab *s);
void slab_destroy(struct slab *s);
/* cls_out: class index, or SLAB_NCLASS for a large object mapped on its
 * own (fresh, so zero). */
void *slab_alloc(struct slab *s, size_t size, uint8_t *cls_out);
void slab_free(struct slab *s, void *p, uint8_t cls);
size_t slab_class_size(size_t size);
/* Zero n bytes of slab or large-object memory; whole pages of a large
 * range are dropped (MADV_DONTNEED) instead of written.  Inline: it
 * zeroes every inline child, a few dozen bytes as a rule. */
#define MEM_ZERO_DROP_MIN (16 * 4096u)
void mem_zero_drop(void *p, size_t n);
static inline void mem_zero(void *p, size_t n)
{
	if (n < MEM_ZERO_DROP_MIN)
		memset(p, 0, n);
	else
		mem_zero_drop(p, n);
}
/* Bytes the slab holds from the system: chunks and large objects. */
size_t slab_bytes(const struct slab *s);
/* Unmap the empty chunks but one per class: call before going idle. */
void slab_trim(struct slab *s);

#endif
