/* SPDX-License-Identifier: GPL-2.0 */
/* libfut reactor: one io_uring per executor (ring.c), and the completers
 * of the op kinds. */
#ifndef LIBFUT_RING_H
#define LIBFUT_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <liburing.h>

#include "fut_core.h"
#include "fut_io.h"

int ring_setup(struct fut_exec *ex, const struct fut_exec_opts *o);
void ring_teardown(struct fut_exec *ex);
struct io_uring_sqe *ring_sqe(struct fut_exec *ex);
/*
 * Completions to reap, or work the kernel holds until we enter it: with
 * DEFER_TASKRUN (and COOP_TASKRUN) a completion another thread caused (a
 * MSG_RING message, an eventfd read woken by a write) is queued as task
 * work, not posted, and shows only as IORING_SQ_TASKRUN.
 */
bool ring_work_waiting(struct fut_exec *ex);
/* Submit and reap; wait up to wait_ns (0: do not block). */
int ring_poll(struct fut_exec *ex, uint64_t wait_ns);
/* Cancel an op in flight (its completions still arrive). */
void op_cancel(struct fut_exec *ex, struct fut_op *op);

/* op kinds: who handles the completion */
enum { OPK_IO, OPK_ACCEPT, OPK_RECV, OPK_NOTIFY, OPK_NR };
void io_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void accept_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void recv_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void notify_complete(struct fut_op *op, int res, uint32_t cflags, int tag);

/* Room for n SQEs in a row (a request and its linked timeout). */
void ring_reserve(struct fut_exec *ex, unsigned int n);
/* Drain the CQ, overflow included, before the teardown. */
void ring_drain(struct fut_exec *ex);

#endif
