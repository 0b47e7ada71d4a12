/* SPDX-License-Identifier: GPL-2.0 */
/* libfut buffer ring: the provided buffers receives take (bufring.c). */
#ifndef LIBFUT_BUFRING_H
#define LIBFUT_BUFRING_H

#include <stddef.h>
#include <stdint.h>

struct fut_exec;
struct fut_recver;
struct fut_task;
struct io_uring_buf_ring;

struct bufring {
	struct io_uring_buf_ring *br;
	size_t br_bytes;
	char *mem;
	uint32_t count, size, mask;
	uint32_t out;		/* buffers the kernel handed us */
	uint32_t woken;		/* waiters woken that owe an arm */
	struct fut_recver *waiters, *waiters_tail;	/* FIFO */
	int bgid;
};
/* fut_recver.waiting_bufs: on the wait list, or taken off it by a
 * returned buffer and owing an arm. */
enum { BUFW_LISTED = 1, BUFW_WOKEN = 2 };
int bufring_setup(struct fut_exec *ex, unsigned int count, unsigned int size);
void bufring_teardown(struct fut_exec *ex);
void bufring_put(struct fut_exec *ex, uint16_t bid);
/* Wait for a buffer (r->op.task is woken), or stop waiting. */
void bufring_wait(struct fut_exec *ex, struct fut_recver *r,
		  struct fut_task *task);
void bufring_unwait(struct fut_exec *ex, struct fut_recver *r);
/* r arms a receive: a wake it was owed is used. */
void bufring_armed(struct fut_exec *ex, struct fut_recver *r);
/* Wake a waiter for each buffer free beyond those the woken will take:
 * after a submission, as an armed receive on a socket without data took
 * no buffer. */
void bufring_kick(struct fut_exec *ex);

#endif
