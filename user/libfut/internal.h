/* SPDX-License-Identifier: GPL-2.0 */
/* libfut internals shared by its source files; not installed. */
#ifndef LIBFUT_INTERNAL_H
#define LIBFUT_INTERNAL_H

#include <liburing.h>
#include <pthread.h>
#include <time.h>

#include "fut.h"

/* Single writer (the owning executor), relaxed readers (the dumper): plain
 * load/add/store, no lock prefix, and no data race. */
#define STAT_ADD(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define STAT_GET(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/* --- slab: size classes in self-aligned chunks, empty ones unmapped ----- */
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
 * range are dropped (MADV_DONTNEED) instead of written. */
void mem_zero(void *p, size_t n);
/* Bytes the slab holds from the system: chunks and large objects. */
size_t slab_bytes(const struct slab *s);
/* Unmap the empty chunks but one per class: call before going idle. */
void slab_trim(struct slab *s);

/* --- tasks ------------------------------------------------------------- */
enum {
	TASK_QUEUED = 1 << 0,
	TASK_DONE = 1 << 1,	/* finished, result kept for the joiner */
	TASK_CANCELLING = 1 << 2,
	TASK_DETACHED = 1 << 3,
	TASK_FINISHING = 1 << 4, /* returned, waiting for owed CQEs */
	TASK_CANCELLED = 1 << 5,
};

/* At most 64 bytes, followed by the root future's state. */
struct fut_task {
	struct fut_task *next;	/* run queue */
	struct fut_op *ops;	/* requests in flight */
	intptr_t result;
	struct fut_waker joiner;
	uint32_t idx;		/* slot in the executor's task table */
	uint16_t flags;
	uint16_t inflight;	/* CQEs owed to this task */
	uint8_t cls;		/* slab class */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct fut_task) <= 64, "task header over 64 bytes");
_Static_assert(sizeof(struct fut_task) % 16 == 0, "state alignment");

/* A box: 16 bytes (its slab class in the last one), then the child. */
#define BOX_HDR 16

static inline struct fut_hdr *task_state(struct fut_task *t)
{
	return (struct fut_hdr *)(t + 1);
}

/* The task whose root state fut_spawn_alloc returned. */
static inline struct fut_task *task_of_state(void *state)
{
	return (struct fut_task *)state - 1;
}

struct task_ent {
	struct fut_task *task;
	uint32_t gen;
	uint32_t next_free;
};

/* --- timers ---------------------------------------------------------------*/
struct timer_heap {
	struct fut_timer **v;
	uint32_t n, cap;
};
void timer_add(struct fut_exec *ex, struct fut_timer *t);
void timer_del(struct fut_exec *ex, struct fut_timer *t);
/* Fires expired timers; returns ns until the next one, or UINT64_MAX. */
uint64_t timer_run(struct fut_exec *ex);

/* --- profiler -------------------------------------------------------------*/
struct prof_slot {
	uint64_t enters, entered, boxed_allocs;
	uint64_t active, peak_active;	/* instances inside the slot */
	/* With timing on: sum of (completion - start) of every branch, kept
	 * as -start at entry and +end at completion; add active x now. */
	uint64_t branch_ns;
};
/* fut_prof_timing(): clock reads at every await only when asked for. */
extern bool prof_timing;
static inline uint64_t prof_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
struct prof_type {
	uint64_t spawns, instances, live, peak_live;
	uint32_t nslots;
	struct prof_slot slots[];
};
struct prof_exec {
	struct prof_type **t;	/* by type id - 1 */
	uint32_t n;
	struct prof_slot unprofiled;	/* scratch for types without counters */
};
struct prof_type *prof_type_slow(struct fut_exec *ex, struct fut_type *type);
void prof_exec_retire(struct fut_exec *ex);
void prof_check_signal(struct fut_exec *ex);

/* --- buffer ring ----------------------------------------------------------*/
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

/* --- the executor ---------------------------------------------------------*/
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

/* profiler counters of spawns, children and slots (task.c, child.c) */
static inline struct prof_type *prof_of(struct fut_exec *ex,
					struct fut_type *type)
{
	uint32_t id = __atomic_load_n(&type->id, __ATOMIC_ACQUIRE);

	if (id && id <= ex->prof.n && ex->prof.t[id - 1])
		return ex->prof.t[id - 1];
	return prof_type_slow(ex, type);
}

static inline void prof_born(struct prof_type *p)
{
	uint64_t live;

	if (!p)
		return; /* not profiled: type table full or ENOMEM */
	live = p->live + 1;

	STAT_ADD(p->instances, 1);
	__atomic_store_n(&p->live, live, __ATOMIC_RELAXED);
	if (live > p->peak_live)
		__atomic_store_n(&p->peak_live, live, __ATOMIC_RELAXED);
}

/* An instance of a child enters or leaves its parent's slot. */
static inline void prof_slot_enter(struct prof_slot *ps)
{
	uint64_t active = ps->active + 1;

	__atomic_store_n(&ps->active, active, __ATOMIC_RELAXED);
	if (prof_timing)
		STAT_ADD(ps->branch_ns, -prof_now_ns());
	if (active > ps->peak_active)
		__atomic_store_n(&ps->peak_active, active, __ATOMIC_RELAXED);
}

static inline void prof_slot_leave(struct fut_exec *ex, const struct fut_hdr *parent,
				   unsigned int slot)
{
	struct prof_type *p = prof_of(ex, (struct fut_type *)parent->type);

	if (!p)
		return;
	STAT_ADD(p->slots[slot].active, -1);
	if (prof_timing)
		STAT_ADD(p->slots[slot].branch_ns, prof_now_ns());
}

/* One instance of type less (drop or completion). */
static inline void prof_died(struct fut_exec *ex, const struct fut_type *type)
{
	struct prof_type *p = prof_of(ex, (struct fut_type *)type);

	if (p)
		STAT_ADD(p->live, -1);
}

/* reactor */
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
/* task.c */
void op_arm(struct fut_task *t, struct fut_op *op, unsigned int kind,
	    unsigned int ncqe);
/* Cancel an op in flight (its completions still arrive). */
void op_cancel(struct fut_exec *ex, struct fut_op *op);

/* op kinds: who handles the completion */
enum { OPK_IO, OPK_ACCEPT, OPK_RECV, OPK_NOTIFY, OPK_NR };
void io_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void accept_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void recv_complete(struct fut_op *op, int res, uint32_t cflags, int tag);
void notify_complete(struct fut_op *op, int res, uint32_t cflags, int tag);

/* A deadline ns after now, saturated: a huge timeout never wraps into
 * the past. */
static inline uint64_t deadline_after(uint64_t now, uint64_t ns)
{
	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

/* Room for n SQEs in a row (a request and its linked timeout). */
void ring_reserve(struct fut_exec *ex, unsigned int n);
/* Drain the CQ, overflow included, before the teardown. */
void ring_drain(struct fut_exec *ex);

/* task internals */
void task_wake(struct fut_task *t);
struct fut_task *task_get(struct fut_exec *ex, uint32_t idx, uint32_t gen);
/* Poll t once; true when its requests in flight are to be cancelled (it
 * returned, or cancelled itself, with requests still armed). */
bool task_run(struct fut_exec *ex, struct fut_task *t);
/* The task side of arming and completing a request (ring.c hands each
 * last CQE of an op to task_op_complete, and nothing else). */
void task_op_complete(struct fut_task *t, struct fut_op *op);
/* task_run, then the cancels it asks for (task_io.c). */
void task_step(struct fut_exec *ex, struct fut_task *t);
/* Wait until no request of t in [lo, lo + len) is owed a completion
 * (cancelling those still armed): the memory is about to be reused. */
void task_settle(struct fut_exec *ex, struct fut_task *t, const void *lo,
		 size_t len);

/* remote wakes: a MSG_RING CQE's user_data has REMOTE_UD and the task's
 * index; its res is the generation */
#define REMOTE_UD (1ull << 63)
void remote_setup(struct fut_exec *ex);
void remote_quiesce(struct fut_exec *ex);
void remote_teardown(struct fut_exec *ex);
void remote_deliver(struct fut_exec *ex, uint32_t idx, uint32_t gen);
void remote_drain(struct fut_exec *ex);

/* registry of executors (profiler merge, signals) */
int registry_add(struct fut_exec *ex);

#endif
