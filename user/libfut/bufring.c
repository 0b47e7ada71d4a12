// SPDX-License-Identifier: GPL-2.0
/* The executor's provided-buffer ring (liburing 2.3: our own mmap and
 * io_uring_register_buf_ring), shared by its receivers.  Receivers that
 * got -ENOBUFS wait here and are woken when a buffer comes back. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define BGID 7

int bufring_setup(struct fut_exec *ex, unsigned int count, unsigned int size)
{
	struct bufring *b = &ex->bufs;
	struct io_uring_buf_reg reg;
	int ret;

	/* Ring entries must be a power of two. */
	while (count & (count - 1))
		count &= count - 1;
	memset(b, 0, sizeof(*b));
	b->bgid = -1;
	b->br_bytes = count * sizeof(struct io_uring_buf);
	b->br = mmap(NULL, b->br_bytes, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->br == MAP_FAILED) {
		b->br = NULL;
		return -ENOMEM;
	}
	/*
	 * Populated: the pool is the executor's fixed cost, committed at
	 * start, not memory that creeps in as buffers are first used (and
	 * no page fault lands in the receive path).
	 */
	b->mem = mmap(NULL, (size_t)count * size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (b->mem == MAP_FAILED) {
		b->mem = NULL;
		bufring_teardown(ex);
		return -ENOMEM;
	}
	b->count = count;
	b->size = size;
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (uint64_t)(uintptr_t)b->br;
	reg.ring_entries = count;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&ex->ring, &reg, 0);
	if (ret) {
		bufring_teardown(ex);
		return ret;
	}
	b->bgid = BGID;
	b->mask = io_uring_buf_ring_mask(count);
	io_uring_buf_ring_init(b->br);
	for (unsigned int i = 0; i < count; i++)
		io_uring_buf_ring_add(b->br, b->mem + (size_t)i * size, size,
				      i, b->mask, i);
	io_uring_buf_ring_advance(b->br, count);
	return 0;
}

void bufring_teardown(struct fut_exec *ex)
{
	struct bufring *b = &ex->bufs;

	if (b->bgid >= 0 && ex->ring_ok)
		io_uring_unregister_buf_ring(&ex->ring, b->bgid);
	if (b->br)
		munmap(b->br, b->br_bytes);
	if (b->mem)
		munmap(b->mem, (size_t)b->count * b->size);
	memset(b, 0, sizeof(*b));
	b->bgid = -1;
}

void bufring_put(struct fut_exec *ex, uint16_t bid)
{
	struct bufring *b = &ex->bufs;
	struct fut_recver *w;

	io_uring_buf_ring_add(b->br, b->mem + (size_t)bid * b->size, b->size,
			      bid, b->mask, 0);
	io_uring_buf_ring_advance(b->br, 1);
	b->out--;
	/* Receivers stopped by -ENOBUFS re-arm now. */
	while ((w = b->waiters)) {
		b->waiters = w->next_waiter;
		w->next_waiter = NULL;
		w->waiting_bufs = 0;
		if (w->op.task)
			task_wake(w->op.task);
	}
}
