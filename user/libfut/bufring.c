// SPDX-License-Identifier: GPL-2.0
/* The executor's provided-buffer ring (liburing 2.3: our own mmap and
 * io_uring_register_buf_ring), shared by its receivers.  Receivers that
 * found no buffer wait here, one woken for each buffer that comes back. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "exec.h"
#include "bufring.h"
#include "task.h"

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

/*
 * The wait list is FIFO and each returned buffer wakes one waiter: waking
 * them all would make every waiter re-arm for one buffer, and all but one
 * end with -ENOBUFS and wait again (O(waiters) work and SQEs per buffer).
 * A woken waiter owes an arm; if it stops waiting instead (its timeout
 * fired, its future was dropped, it was released), bufring_unwait passes
 * the wake on so that the buffer is not left with nobody to take it.
 * An arm on a socket without data takes no buffer either: the wake is
 * passed on after the submission (bufring_kick from ring_poll), once a
 * receive that found data has taken its buffer.
 */
void bufring_wait(struct fut_exec *ex, struct fut_recver *r,
		  struct fut_task *task)
{
	struct bufring *b = &ex->bufs;

	r->op.task = task;
	if (r->waiting_bufs == BUFW_WOKEN) {
		/* Woken, but the buffer went elsewhere: keep its turn. */
		b->woken--;
		r->next_waiter = b->waiters;
		b->waiters = r;
		if (!b->waiters_tail)
			b->waiters_tail = r;
	} else {
		r->next_waiter = NULL;
		if (b->waiters_tail)
			b->waiters_tail->next_waiter = r;
		else
			b->waiters = r;
		b->waiters_tail = r;
	}
	r->waiting_bufs = BUFW_LISTED;
}

/* One waiter for each free buffer no woken waiter is about to take. */
static void wake_free(struct bufring *b)
{
	struct fut_recver *w;

	while ((w = b->waiters) && b->count - b->out > b->woken) {
		b->waiters = w->next_waiter;
		if (!b->waiters)
			b->waiters_tail = NULL;
		w->next_waiter = NULL;
		w->waiting_bufs = BUFW_WOKEN;
		b->woken++;
		if (w->op.task)
			task_wake(w->op.task);
	}
}

void bufring_kick(struct fut_exec *ex)
{
	if (ex->bufs.waiters)
		wake_free(&ex->bufs);
}

void bufring_armed(struct fut_exec *ex, struct fut_recver *r)
{
	if (r->waiting_bufs == BUFW_WOKEN)
		ex->bufs.woken--;
	r->waiting_bufs = 0;
}

void bufring_unwait(struct fut_exec *ex, struct fut_recver *r)
{
	struct bufring *b = &ex->bufs;
	struct fut_recver **pp, *prev = NULL;

	if (r->waiting_bufs == BUFW_WOKEN) {
		r->waiting_bufs = 0;
		b->woken--;
		wake_free(b);
		return;
	}
	if (r->waiting_bufs != BUFW_LISTED)
		return;
	/* Linear, but only when a wait ends without a buffer (rare). */
	for (pp = &b->waiters; *pp && *pp != r; pp = &(*pp)->next_waiter)
		prev = *pp;
	if (*pp) {
		*pp = r->next_waiter;
		if (b->waiters_tail == r)
			b->waiters_tail = prev;
	}
	r->next_waiter = NULL;
	r->waiting_bufs = 0;
}

void bufring_put(struct fut_exec *ex, uint16_t bid)
{
	struct bufring *b = &ex->bufs;

	io_uring_buf_ring_add(b->br, b->mem + (size_t)bid * b->size, b->size,
			      bid, b->mask, 0);
	io_uring_buf_ring_advance(b->br, 1);
	b->out--;
	wake_free(b);
}
