// SPDX-License-Identifier: GPL-2.0
/*
 * stacklab-probe, kernel side: context switches, run-queue latency, thread
 * creation, stack reservation and first-touch faults, syscalls and io_uring
 * traffic of one target, aggregated in maps.  Only tp/ and raw_tp/ programs
 * (no kprobes, fentry or tp_btf); CO-RE so that one object loads on 6.1,
 * 6.12 and 6.18.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "stacklab-probe.h"

#define CLONE_THREAD	0x00010000
#define MAP_STACK	0x20000
#define TASK_RUNNING	0
#define TASK_DEAD	0x80
#define PF_EXITING	0x4	/* task->flags: in do_exit(), set before its tracepoint */
#define PF_PROT		0x1	/* page_fault_user error_code: page was present */
#define NR_IO_URING_ENTER 426	/* x86-64 */
#define MAX_ERRNO	4095
#define E2BIG		7	/* a full map refuses a new key with it */
#define GFP_MOVABLE	0x08	/* ___GFP_MOVABLE: the same bit on 6.1 to 6.18 */
/* User addresses end below this on x86-64 (4- and 5-level paging alike). */
#define USER_ADDR_END	(1ULL << 56)

/* What a thread's pending system call was, between enter and exit. */
enum call_kind { CALL_MMAP = 1, CALL_CLONE3, CALL_MUNMAP, CALL_MREMAP };

/* Filters, set by the loader before load. */
const volatile bool filter_by_comm;
const volatile char target_comm[TASK_COMM_LEN];
const volatile bool follow_children;
const volatile __u64 page_size = 4096;
/* Set when syscalls:sys_enter_io_uring_enter is missing: count from sys_enter. */
const volatile bool uring_enter_from_raw;

/* TGIDs followed (the target and, with follow_children, its descendants). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FOLLOWED);
	__type(key, __u32);
	__type(value, __u8);
} followed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} counters SEC(".maps");

/* mmap'd by the loader: it adds the threads found at attach. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct gauges);
} gauges SEC(".maps");

/*
 * Tasks counted in live_tasks, by tid: value is the task's start time, 0
 * when the loader added it (it only adds threads it saw after attach, so
 * their exit is seen).  Leaving the map is what decrements the gauge.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u64);
} live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct task_ts);
} task_ts SEC(".maps");

/* A syscall's arguments between sys_enter and sys_exit, by tid. */
struct pending_call {
	__u32 kind;		/* enum call_kind */
	__u32 pad;
	__u64 addr, len, new_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct pending_call);
} pending SEC(".maps");

/*
 * A first touch in a stack range whose page allocation is still to come,
 * by tid: the allocation's order tells a huge page from a small one.
 */
struct pending_touch {
	struct thread_id who;
	__u64 own;		/* in the thread's own stack */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct pending_touch);
} pending_fault SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_RANGES);
	__type(key, struct range_key);
	__type(value, struct range_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} stack_ranges SEC(".maps");

/* Every stored range, to find those an munmap or mremap removes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RANGE_LIST);
	__type(key, struct range_id);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} range_list SEC(".maps");

/* The thread each range is the stack of (clone3 gave it the range). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RANGE_LIST);
	__type(key, struct range_id);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} range_owner SEC(".maps");

/* Stack bytes touched, by the thread whose access faulted them in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, struct thread_id);
	__type(value, struct touch_bytes);
} touched_by_tid SEC(".maps");

/* User-space clone_args (uapi, fixed layout): no CO-RE relocation. */
struct clone_args_uapi {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
	__u64 stack, stack_size;
};

static __always_inline struct counters *cpu_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline bool tgid_is_target(__u32 tgid)
{
	return bpf_map_lookup_elem(&followed, &tgid) != NULL;
}

static __always_inline bool task_is_target(struct task_struct *t)
{
	if (filter_by_comm) {
		char comm[TASK_COMM_LEN];

		bpf_core_read(comm, sizeof(comm), &t->comm);
		return comm_matches(comm);
	}
	return tgid_is_target(BPF_CORE_READ(t, tgid));
}

static __always_inline bool current_is_target(void)
{
	if (filter_by_comm) {
		char comm[TASK_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		return comm_matches(comm);
	}
	return tgid_is_target(bpf_get_current_pid_tgid() >> 32);
}

/* floor(log2(v)), 0 for v <= 1, without loops or clz (BPF has neither). */
static __always_inline __u32 log2_floor(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1)
		r += 1;
	return r;
}

static __always_inline void hist_add(struct hist *h, __u64 v)
{
	__u32 slot = log2_floor(v);

	if (slot >= HIST_SLOTS)
		slot = HIST_SLOTS - 1;
	h->slots[slot]++;
	h->sum += v;
}

/*
 * A task's timestamps, made on first use; never made for an exiting task.
 * sched_process_exit deletes them, and the task still switches (preempted,
 * or sleeping in exit_files() or exit_notify()) and may be woken before its
 * last switch: an entry made then would outlive it (timed_threads).
 */
static __always_inline struct task_ts *task_ts_get(__u32 tid,
						   struct task_struct *t)
{
	static const struct task_ts zero;
	struct task_ts *ts = bpf_map_lookup_elem(&task_ts, &tid);

	struct counters *c;

	if (ts || (BPF_CORE_READ(t, flags) & PF_EXITING))
		return ts;
	if (bpf_map_update_elem(&task_ts, &tid, &zero, BPF_NOEXIST) == -E2BIG) {
		c = cpu_counters();
		if (c)
			c->task_ts_dropped++;
		return NULL;
	}
	return bpf_map_lookup_elem(&task_ts, &tid);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	/* prev is still current here: no probe read needed for it. */
	bool prev_target = current_is_target();
	bool next_target = task_is_target(next);
	struct counters *c;
	struct task_ts *ts;
	__u64 now;
	__u32 tid;

	/* Most switches on the machine are not the target's: leave at once. */
	if (!prev_target && !next_target)
		return 0;
	c = cpu_counters();
	if (!c)
		return 0;
	now = bpf_ktime_get_ns();
	if (prev_target) {
		/* The kernel's nvcsw rule: not preempted and not runnable. */
		bool voluntary = !preempt && prev_state != TASK_RUNNING;

		c->context_switches++;
		if (voluntary)
			c->voluntary++;
		else
			c->involuntary++;
		tid = (__u32)bpf_get_current_pid_tgid();
		/* A dead task's entry went at its exit: do not make a new one. */
		if (!(prev_state & TASK_DEAD) && (ts = task_ts_get(tid, prev))) {
			if (ts->oncpu_ts)
				hist_add(&c->oncpu_slice_ns, now - ts->oncpu_ts);
			ts->oncpu_ts = 0;
			ts->offcpu_ts = now;
			/* Preempted: it waits on the run queue from now on. */
			ts->runnable_ts = (preempt || prev_state == TASK_RUNNING) ?
					  now : 0;
		}
	}
	if (next_target) {
		tid = BPF_CORE_READ(next, pid);
		ts = task_ts_get(tid, next);
		if (!ts)
			return 0;
		if (ts->runnable_ts)
			hist_add(&c->runq_latency_ns, now - ts->runnable_ts);
		if (ts->offcpu_ts)
			c->offcpu_ns += now - ts->offcpu_ts;
		ts->runnable_ts = 0;
		ts->offcpu_ts = 0;
		ts->oncpu_ts = now;
	}
	return 0;
}

static __always_inline void mark_runnable(struct task_struct *p)
{
	struct task_ts *ts;

	if (!task_is_target(p))
		return;
	ts = task_ts_get(BPF_CORE_READ(p, pid), p);
	/* A wakeup of a task still on a CPU is not a wait to run. */
	if (ts && !ts->oncpu_ts && !ts->runnable_ts)
		ts->runnable_ts = bpf_ktime_get_ns();
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(on_sched_wakeup, struct task_struct *p)
{
	mark_runnable(p);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(on_sched_wakeup_new, struct task_struct *p)
{
	mark_runnable(p);
	return 0;
}

static __always_inline struct gauges *gauges_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gauges, &zero);
}

static __always_inline void range_forget_tgid(__u32 tgid);
static __always_inline void clone3_child_owns(__u32 child);

/* Runs in the parent, with the child fully set up. */
SEC("raw_tp/task_newtask")
int BPF_PROG(on_task_newtask, struct task_struct *task, unsigned long clone_flags)
{
	struct counters *c = cpu_counters();
	__u32 tid = BPF_CORE_READ(task, pid);
	__u64 start = BPF_CORE_READ(task, start_time);
	struct gauges *g;
	__s64 live_now;

	if (!c || !current_is_target())
		return 0;
	if (clone_flags & CLONE_THREAD) {
		c->threads_created++;
		clone3_child_owns(tid);
	} else {
		__u32 child = BPF_CORE_READ(task, tgid);
		__u8 one = 1;

		c->processes_created++;
		if (follow_children &&
		    bpf_map_update_elem(&followed, &child, &one, BPF_ANY))
			c->followed_dropped++;
	}
	/* Counted only if its exit can uncount it. */
	if (bpf_map_update_elem(&live, &tid, &start, BPF_NOEXIST)) {
		c->live_dropped++;
		return 0;
	}
	g = gauges_get();
	if (!g)
		return 0;
	live_now = __sync_add_and_fetch(&g->live_tasks, 1);
	/* Racy max: two CPUs can only under-report by one. */
	if (live_now > g->peak_tasks)
		g->peak_tasks = live_now;
	return 0;
}

/*
 * Runs in the exiting task, once per thread, whatever its name or process
 * now: a task leaves the live count by the rule it entered it.
 */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_sched_process_exit, struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid), tgid = BPF_CORE_READ(p, tgid);
	__u64 *start = bpf_map_lookup_elem(&live, &tid);
	struct counters *c = cpu_counters();
	struct gauges *g;

	bpf_map_delete_elem(&task_ts, &tid);
	bpf_map_delete_elem(&pending, &tid);
	bpf_map_delete_elem(&pending_fault, &tid);
	if (!c)
		return 0;
	/* signal->live has dropped to 0: the whole process is gone. */
	if (!BPF_CORE_READ(p, signal, live.counter) &&
	    bpf_map_delete_elem(&followed, &tgid) == 0)
		range_forget_tgid(tgid);
	if (!start || (*start && *start != BPF_CORE_READ(p, start_time)))
		return 0;
	/* Only one of two racing deleters succeeds: decrement once. */
	if (bpf_map_delete_elem(&live, &tid))
		return 0;
	c->threads_exited++;
	g = gauges_get();
	if (g)
		__sync_fetch_and_sub(&g->live_tasks, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	struct counters *c;

	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!current_is_target())
		return 0;
	/* A fault's allocation came before this syscall, or never. */
	bpf_map_delete_elem(&pending_fault, &tid);
	c = cpu_counters();
	if (!c)
		return 0;
	c->syscalls++;
	if (uring_enter_from_raw && id == NR_IO_URING_ENTER)
		c->uring_enter++;
	return 0;
}

SEC("tp/syscalls/sys_enter_io_uring_enter")
int on_io_uring_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct counters *c;

	if (!current_is_target())
		return 0;
	c = cpu_counters();
	if (c)
		c->uring_enter++;
	return 0;
}

static __always_inline int count_uring_submit(void)
{
	struct counters *c;

	if (!current_is_target())
		return 0;
	c = cpu_counters();
	if (c)
		c->uring_submitted++;
	return 0;
}

/* Named io_uring_submit_sqe up to 6.3, io_uring_submit_req since 6.4. */
SEC("raw_tp/io_uring_submit_req")
int BPF_PROG(on_io_uring_submit_req)
{
	return count_uring_submit();
}

SEC("raw_tp/io_uring_submit_sqe")
int BPF_PROG(on_io_uring_submit_sqe)
{
	return count_uring_submit();
}

/* Posted in the submitter's task context, or by its io-wq/sqpoll threads. */
SEC("raw_tp/io_uring_complete")
int BPF_PROG(on_io_uring_complete)
{
	struct counters *c;

	if (!current_is_target())
		return 0;
	c = cpu_counters();
	if (c)
		c->uring_completed++;
	return 0;
}

/* [start, start + len) as the largest aligned power-of-two blocks that tile it. */
struct block_walk {
	__u64 addr, end;
};

static __always_inline __u64 block_next(struct block_walk *w, struct range_key *key)
{
	__u64 rem = w->end - w->addr, fit = rem, align = w->addr & (~w->addr + 1);
	__u64 addr_be = bpf_cpu_to_be64(w->addr), size;

	/* fit: the highest power of two <= rem */
	fit |= fit >> 1; fit |= fit >> 2; fit |= fit >> 4;
	fit |= fit >> 8; fit |= fit >> 16; fit |= fit >> 32;
	fit -= fit >> 1;
	size = (align && align < fit) ? align : fit;
	key->prefixlen = 32 + 64 - log2_floor(size);
	__builtin_memcpy(key->addr_be, &addr_be, sizeof(addr_be));
	w->addr += size;
	return size;
}

static __always_inline void range_key_init(struct range_key *key, __u32 tgid)
{
	__u32 tgid_be = bpf_htonl(tgid);

	__builtin_memcpy(key->tgid_be, &tgid_be, sizeof(tgid_be));
}

/* A range, end exclusive, that ends past user space (or wraps) is refused. */
static __always_inline bool range_valid(__u64 start, __u64 len)
{
	return len && start < USER_ADDR_END && len <= USER_ADDR_END - start;
}

/*
 * One block of a range per bpf_loop() step.  The walk lives in a per-CPU
 * map value, not on the stack: the verifier then sees the same state at
 * every step and checks the step once.
 */
struct block_op {
	struct block_walk w;
	struct range_key key;
	struct range_val val;
	__u32 add;		/* add the blocks, or delete them */
	__u32 failed;		/* an add found the trie full */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct block_op);
} block_scratch SEC(".maps");

static long block_step(__u64 i, void *unused)
{
	__u32 zero = 0;
	struct block_op *op = bpf_map_lookup_elem(&block_scratch, &zero);

	if (!op || op->w.addr >= op->w.end)
		return 1;
	block_next(&op->w, &op->key);
	if (!op->add) {
		bpf_map_delete_elem(&stack_ranges, &op->key);
	} else if (bpf_map_update_elem(&stack_ranges, &op->key, &op->val, BPF_ANY)) {
		op->failed = 1;
		return 1;
	}
	return 0;
}

/* At most two blocks per address bit. */
#define MAX_BLOCKS 128

/* Walk [start, start + len) of tgid's blocks; false if an add failed. */
static __always_inline bool blocks_walk(__u32 tgid, __u64 start, __u64 len,
					bool add)
{
	__u32 zero = 0;
	struct block_op *op = bpf_map_lookup_elem(&block_scratch, &zero);

	if (!op)
		return false;
	op->w.addr = start;
	op->w.end = start + len;
	op->val.start = start;
	op->val.len = len;
	op->add = add;
	op->failed = 0;
	range_key_init(&op->key, tgid);
	bpf_loop(MAX_BLOCKS, block_step, NULL, 0);
	return !op->failed;
}

/* Store a range in the trie and the list; false when a map is full. */
static __always_inline bool range_add(__u32 tgid, __u64 start, __u64 len)
{
	struct range_id id = { .tgid = tgid, .start = start };

	if (!blocks_walk(tgid, start, len, true))
		return false;
	return bpf_map_update_elem(&range_list, &id, &len, BPF_ANY) == 0;
}

/* Remove a range stored by range_add() (the list entry is the caller's). */
static __always_inline void range_del_blocks(__u32 tgid, __u64 start, __u64 len)
{
	blocks_walk(tgid, start, len, false);
}

static __always_inline struct range_val *range_find(__u32 tgid, __u64 addr)
{
	struct range_key key = { .prefixlen = 96 };
	__u64 addr_be = bpf_cpu_to_be64(addr);

	range_key_init(&key, tgid);
	__builtin_memcpy(key.addr_be, &addr_be, sizeof(addr_be));
	return bpf_map_lookup_elem(&stack_ranges, &key);
}

static __always_inline bool range_has(__u32 tgid, __u64 addr)
{
	return range_find(tgid, addr) != NULL;
}

/* [start, end) of one process is no longer mapped. */
struct unmap_ctx {
	__u32 tgid;
	__u64 start, end;
	__u64 removed;		/* stack bytes inside [start, end) */
	bool dropped;		/* a remainder could not be stored again */
};

/*
 * Cut [start, end) out of one listed range: remove it, store again what
 * lies outside.  The list is walked with bpf_for_each_map_elem(): an
 * munmap costs a pass over every stored range, unless it removes exactly
 * one range (the common case: a thread stack freed whole).
 */
static long unmap_one(struct bpf_map *map, struct range_id *id, __u64 *lenp,
		      struct unmap_ctx *u)
{
	__u64 start = id->start, len = *lenp, end = start + len, lo, hi;
	struct range_id key = *id;

	if (key.tgid != u->tgid || end <= u->start || start >= u->end)
		return 0;
	lo = start > u->start ? start : u->start;
	hi = end < u->end ? end : u->end;
	u->removed += hi - lo;
	range_del_blocks(key.tgid, start, len);
	bpf_map_delete_elem(&range_list, &key);
	bpf_map_delete_elem(&range_owner, &key);
	if (start < lo && !range_add(key.tgid, start, lo - start))
		u->dropped = true;
	if (hi < end && !range_add(key.tgid, hi, end - hi))
		u->dropped = true;
	return 0;
}

static __always_inline __u64 range_unmap(__u32 tgid, __u64 start, __u64 len)
{
	struct unmap_ctx u = { .tgid = tgid, .start = start, .end = start + len };
	struct range_id id = { .tgid = tgid, .start = start };
	struct counters *c = cpu_counters();
	__u64 *exact = bpf_map_lookup_elem(&range_list, &id);

	if (exact && *exact == len)
		unmap_one(NULL, &id, exact, &u);
	else
		bpf_for_each_map_elem(&range_list, unmap_one, &u, 0);
	if (c && u.removed) {
		c->stack_munmaps++;
		c->stack_unmapped_bytes += u.removed;
	}
	if (c && u.dropped)
		c->ranges_dropped++;
	return u.removed;
}

/* The process is gone: its TGID may be reused by anyone. */
static __always_inline void range_forget_tgid(__u32 tgid)
{
	struct unmap_ctx u = { .tgid = tgid, .start = 0, .end = USER_ADDR_END };

	bpf_for_each_map_elem(&range_list, unmap_one, &u, 0);
}

static __always_inline void stack_reserved(__u32 tgid, __u64 start, __u64 len,
					   bool is_mmap)
{
	struct counters *c = cpu_counters();

	if (!c)
		return;
	if (!range_valid(start, len) || !range_add(tgid, start, len)) {
		c->ranges_dropped++;
		return;
	}
	if (is_mmap)
		c->stack_mmaps++;
	c->stack_reserved_bytes += len;
}

static __always_inline void pending_set(__u32 kind, __u64 addr, __u64 len,
					__u64 new_len)
{
	struct pending_call p = { .kind = kind, .addr = addr, .len = len,
				  .new_len = new_len };
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
}

/*
 * In the parent, before the child first runs: the stack clone3 was given
 * is the child's from now on.  Waiting for clone3's exit would charge the
 * child's first touches (it may run on another CPU first) as others'.
 * sys_exit_clone3 still records it for a range only made there.
 */
static __always_inline void clone3_child_owns(__u32 child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32;
	struct pending_call *p = bpf_map_lookup_elem(&pending, &tid);
	struct range_id id = { .tgid = tgid };
	struct range_val *r;

	if (!p || p->kind != CALL_CLONE3 || !range_valid(p->addr, p->len))
		return;
	r = range_find(tgid, p->addr);
	if (!r)
		return;
	id.start = r->start;
	bpf_map_update_elem(&range_owner, &id, &child, BPF_ANY);
}

/* The pending call of this kind, copied out and removed; false if none. */
static __always_inline bool pending_take(__u32 kind, struct pending_call *out)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_call *p = bpf_map_lookup_elem(&pending, &tid);

	if (!p)
		return false;
	*out = *p;
	bpf_map_delete_elem(&pending, &tid);
	return out->kind == kind;
}

static __always_inline __u64 page_round_up(__u64 len)
{
	return (len + page_size - 1) & ~(page_size - 1);
}

SEC("tp/syscalls/sys_enter_mmap")
int on_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = BPF_CORE_READ(ctx, args[3]);
	__u64 len = BPF_CORE_READ(ctx, args[1]);

	if (!(flags & MAP_STACK) || !len || !current_is_target())
		return 0;
	pending_set(CALL_MMAP, 0, page_round_up(len), 0);
	return 0;
}

SEC("tp/syscalls/sys_exit_mmap")
int on_exit_mmap(struct trace_event_raw_sys_exit *ctx)
{
	__u64 ret = BPF_CORE_READ(ctx, ret);
	struct pending_call p;

	if (!pending_take(CALL_MMAP, &p) || ret >= (__u64)-MAX_ERRNO)
		return 0;
	stack_reserved(bpf_get_current_pid_tgid() >> 32, ret, p.len, true);
	return 0;
}

/* A thread stack not from mmap(MAP_STACK): malloc'd, or reserved before attach. */
SEC("tp/syscalls/sys_enter_clone3")
int on_enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	struct clone_args_uapi *uargs = (void *)BPF_CORE_READ(ctx, args[0]);
	__u64 stack = 0, size = 0;

	if (!current_is_target())
		return 0;
	bpf_probe_read_user(&stack, sizeof(stack), &uargs->stack);
	bpf_probe_read_user(&size, sizeof(size), &uargs->stack_size);
	if (stack && size)
		pending_set(CALL_CLONE3, stack, size, 0);
	return 0;
}

/* Counted in the parent, once the call made a thread (ret: its TID). */
SEC("tp/syscalls/sys_exit_clone3")
int on_exit_clone3(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	long ret = BPF_CORE_READ(ctx, ret);
	struct pending_call p;

	struct range_id id = { .tgid = tgid };
	struct range_val *r;
	__u32 child = ret;

	if (ret <= 0 || !pending_take(CALL_CLONE3, &p) || !range_valid(p.addr, p.len))
		return 0;
	r = range_find(tgid, p.addr);
	if (!r || !range_has(tgid, p.addr + p.len - 1)) {
		stack_reserved(tgid, p.addr, p.len, false);
		r = range_find(tgid, p.addr);
	}
	/* The range (glibc's whole mapping, or this stack) is the child's. */
	if (r) {
		id.start = r->start;
		bpf_map_update_elem(&range_owner, &id, &child, BPF_ANY);
	}
	return 0;
}

SEC("tp/syscalls/sys_enter_munmap")
int on_enter_munmap(struct trace_event_raw_sys_enter *ctx)
{
	if (current_is_target())
		pending_set(CALL_MUNMAP, BPF_CORE_READ(ctx, args[0]),
			    page_round_up(BPF_CORE_READ(ctx, args[1])), 0);
	return 0;
}

SEC("tp/syscalls/sys_exit_munmap")
int on_exit_munmap(struct trace_event_raw_sys_exit *ctx)
{
	struct pending_call p;

	if (pending_take(CALL_MUNMAP, &p) && BPF_CORE_READ(ctx, ret) == 0 &&
	    range_valid(p.addr, p.len))
		range_unmap(bpf_get_current_pid_tgid() >> 32, p.addr, p.len);
	return 0;
}

SEC("tp/syscalls/sys_enter_mremap")
int on_enter_mremap(struct trace_event_raw_sys_enter *ctx)
{
	if (current_is_target())
		pending_set(CALL_MREMAP, BPF_CORE_READ(ctx, args[0]),
			    page_round_up(BPF_CORE_READ(ctx, args[1])),
			    page_round_up(BPF_CORE_READ(ctx, args[2])));
	return 0;
}

/*
 * The old range stops being stack; a stack moved or resized whole stays a
 * stack at its new place (its growth is not counted as reserved).
 */
SEC("tp/syscalls/sys_exit_mremap")
int on_exit_mremap(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 ret = BPF_CORE_READ(ctx, ret);
	struct range_id id = { .tgid = tgid };
	struct counters *c = cpu_counters();
	struct pending_call p;
	__u64 *len;
	bool whole;

	if (!pending_take(CALL_MREMAP, &p) || ret >= (__u64)-MAX_ERRNO ||
	    !range_valid(p.addr, p.len) || !range_valid(ret, p.new_len))
		return 0;
	id.start = p.addr;
	len = bpf_map_lookup_elem(&range_list, &id);
	whole = len && *len == p.len;
	range_unmap(tgid, p.addr, p.len);
	if (whole && !range_add(tgid, ret, p.new_len) && c)
		c->ranges_dropped++;
	return 0;
}

static __always_inline void charge_touch(struct thread_id *who, __u64 bytes,
					 bool own)
{
	struct counters *c = cpu_counters();
	struct touch_bytes *mine, first = {};

	if (!c)
		return;
	c->stack_touched_bytes += bytes;
	mine = bpf_map_lookup_elem(&touched_by_tid, who);
	if (mine) {
		if (own)
			__sync_fetch_and_add(&mine->own, bytes);
		else
			__sync_fetch_and_add(&mine->others, bytes);
		return;
	}
	if (own)
		first.own = bytes;
	else
		first.others = bytes;
	if (bpf_map_update_elem(&touched_by_tid, who, &first, BPF_NOEXIST) == -E2BIG)
		c->touched_dropped++;
}

/* Whether the range holding a fault is the faulting thread's own stack. */
static __always_inline bool range_is_own(__u32 tgid, struct range_val *r, __u32 tid)
{
	struct range_id id = { .tgid = tgid, .start = r->start };
	__u32 *owner = bpf_map_lookup_elem(&range_owner, &id);

	return owner && *owner == tid;
}

/*
 * A first touch of a page in a stack range, by the user or by the kernel
 * on the user's behalf (copy_to_user into a stack buffer).  Charged one
 * page now; the allocation that follows says whether it was a huge one.
 */
static __always_inline void stack_fault(unsigned long address,
					unsigned long error_code)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_touch t = { .who.tid = (__u32)pid_tgid };
	struct task_struct *task;
	struct range_val *r;
	struct counters *c;

	/* A fault on a present page (write to the zero page, COW) is not a first touch. */
	if (error_code & PF_PROT)
		return;
	if (!current_is_target())
		return;
	r = address < USER_ADDR_END ? range_find(pid_tgid >> 32, address) : NULL;
	if (!r) {
		bpf_map_delete_elem(&pending_fault, &t.who.tid);
		return;
	}
	c = cpu_counters();
	if (!c)
		return;
	task = (struct task_struct *)bpf_get_current_task();
	t.who.start_ns = BPF_CORE_READ(task, start_time);
	t.own = range_is_own(pid_tgid >> 32, r, t.who.tid);
	c->stack_faults++;
	charge_touch(&t.who, page_size, t.own);
	bpf_map_update_elem(&pending_fault, &t.who.tid, &t, BPF_ANY);
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(on_page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	stack_fault(address, error_code);
	return 0;
}

SEC("raw_tp/page_fault_kernel")
int BPF_PROG(on_page_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	stack_fault(address, error_code);
	return 0;
}

/*
 * The first movable allocation in the faulting thread after a first touch
 * is the page the fault maps (page tables are not movable): its order
 * tells a huge (or multi-size) page from a small one, and the rest of a
 * huge page is charged here.  A failed attempt (page NULL, the fault falls
 * back to a small page) leaves the touch pending.
 */
SEC("raw_tp/mm_page_alloc")
int BPF_PROG(on_mm_page_alloc, struct page *page, unsigned int order,
	     unsigned int gfp_flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_touch *who = bpf_map_lookup_elem(&pending_fault, &tid);
	struct pending_touch copy;
	struct counters *c;

	if (!who || !page || !(gfp_flags & GFP_MOVABLE))
		return 0;
	copy = *who;
	bpf_map_delete_elem(&pending_fault, &tid);
	if (!order || order > 20)
		return 0;
	c = cpu_counters();
	if (!c)
		return 0;
	c->stack_huge_faults++;
	charge_touch(&copy.who, ((1ULL << order) - 1) * page_size, copy.own);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
