/* SPDX-License-Identifier: GPL-2.0 */
/* libfut executor: the per-thread state every layer works on (exec.c). */
#ifndef LIBFUT_EXEC_H
#define LIBFUT_EXEC_H

#include <liburing.h>
#include <pthread.h>
#include <stdint.h>

#include "fut_core.h"
#include "fut_io.h"
#include "bufring.h"
#include "prof.h"
#include "slab.h"
#include "timer.h"

struct fut_task;
struct task_ent;

struct fut_exec {
	struct fut_task *rq_head, *rq_tail;
	struct task_ent *tab;
	uint32_t tab_cap, tab_free;
	uint64_t tasks_live;	/* allocated, incl. finished and unjoined */
	uint64_t tasks_running;	/* not finished yet */
	uint64_t boxes_live;
	uint64_t polls;
	struct slab tasks, boxes;
	struct prof_exec prof;

	struct io_uring ring;
	unsigned int features;
	unsigned int opt_flags;
	uint64_t cqes_pending;
	uint64_t cq_overflows;
	uint32_t sqes_queued;
	struct bufring bufs;

	struct timer_heap timers;
	uint64_t now_ns;

	int notify_fd;		/* eventfd: stop and profiler-dump requests */
	uint64_t notify_val;
	struct fut_op notify_op;
	int stop;
	int *ext_stop;		/* the runtime's stop flag */
	int slot;		/* in the registry */
	uint64_t fail_boxes;	/* test hook: box allocations left to fail */
	int ring_ok;

	/* remote wakes without MSG_RING (remote.c), from any thread */
	pthread_mutex_t remote_lock;
	struct fut_waker *remote_q;
	uint32_t remote_n, remote_cap;
	uint32_t blocking_live;	/* helper jobs that may still wake us */
	uint32_t remote_inflight; /* MSG_RING wakes sent, not yet reaped */
	uint64_t remote_by_ring, remote_by_queue;
};

extern __thread struct fut_exec *fut__tls_exec;

#endif
