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
#define PF_PROT		0x1	/* page_fault_user error_code: page was present */
#define NR_IO_URING_ENTER 426	/* x86-64 */
#define MAX_ERRNO	4095

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

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gauges);
} gauges SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct task_ts);
} task_ts SEC(".maps");

/* mmap(MAP_STACK) length between sys_enter and sys_exit, by tid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u64);
} pending_mmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_RANGES);
	__type(key, struct range_key);
	__type(value, struct range_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} stack_ranges SEC(".maps");

/* Stack bytes touched, by the tid that faulted them in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u64);
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

static __always_inline struct task_ts *task_ts_get(__u32 tid)
{
	static const struct task_ts zero;
	struct task_ts *ts = bpf_map_lookup_elem(&task_ts, &tid);

	if (ts)
		return ts;
	bpf_map_update_elem(&task_ts, &tid, &zero, BPF_NOEXIST);
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
		if (prev_state & TASK_DEAD) {
			/* Its last switch: nothing left to time. */
			bpf_map_delete_elem(&task_ts, &tid);
		} else if ((ts = task_ts_get(tid))) {
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
		ts = task_ts_get(tid);
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
	ts = task_ts_get(BPF_CORE_READ(p, pid));
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

/* Runs in the parent, with the child fully set up. */
SEC("raw_tp/task_newtask")
int BPF_PROG(on_task_newtask, struct task_struct *task, unsigned long clone_flags)
{
	struct counters *c = cpu_counters();
	__u32 zero = 0;
	struct gauges *g;
	__s64 live;

	if (!c || !current_is_target())
		return 0;
	if (clone_flags & CLONE_THREAD) {
		c->threads_created++;
	} else {
		__u32 child = BPF_CORE_READ(task, tgid);
		__u8 one = 1;

		c->processes_created++;
		if (follow_children)
			bpf_map_update_elem(&followed, &child, &one, BPF_ANY);
	}
	g = bpf_map_lookup_elem(&gauges, &zero);
	if (!g)
		return 0;
	live = __sync_add_and_fetch(&g->live_tasks, 1);
	/* Racy max: two CPUs can only under-report by one. */
	if (live > g->peak_tasks)
		g->peak_tasks = live;
	return 0;
}

/* Runs in the exiting task, once per thread. */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_sched_process_exit, struct task_struct *p)
{
	struct counters *c = cpu_counters();
	__u32 zero = 0;
	struct gauges *g;

	if (!c || !current_is_target())
		return 0;
	c->threads_exited++;
	g = bpf_map_lookup_elem(&gauges, &zero);
	if (g)
		__sync_fetch_and_sub(&g->live_tasks, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	struct counters *c;

	if (!current_is_target())
		return 0;
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

/*
 * Store [start, start + len) in the trie as the largest aligned
 * power-of-two blocks that tile it (at most two per address bit).
 */
static __always_inline bool range_add(__u32 tgid, __u64 start, __u64 len)
{
	struct range_val val = { .start = start, .len = len };
	struct range_key key = {};
	__u64 addr = start, end = start + len;
	__u32 tgid_be = bpf_htonl(tgid);

	__builtin_memcpy(key.tgid_be, &tgid_be, sizeof(tgid_be));
	for (int i = 0; i < 128 && addr < end; i++) {
		__u64 rem = end - addr, fit = rem, align = addr & (~addr + 1);
		__u64 addr_be = bpf_cpu_to_be64(addr), size;

		/* fit: the highest power of two <= rem */
		fit |= fit >> 1; fit |= fit >> 2; fit |= fit >> 4;
		fit |= fit >> 8; fit |= fit >> 16; fit |= fit >> 32;
		fit -= fit >> 1;
		size = (align && align < fit) ? align : fit;
		key.prefixlen = 32 + 64 - log2_floor(size);
		__builtin_memcpy(key.addr_be, &addr_be, sizeof(addr_be));
		if (bpf_map_update_elem(&stack_ranges, &key, &val, BPF_ANY))
			return false;
		addr += size;
	}
	return true;
}

static __always_inline bool range_has(__u32 tgid, __u64 addr)
{
	struct range_key key = { .prefixlen = 96 };
	__u64 addr_be = bpf_cpu_to_be64(addr);
	__u32 tgid_be = bpf_htonl(tgid);

	__builtin_memcpy(key.tgid_be, &tgid_be, sizeof(tgid_be));
	__builtin_memcpy(key.addr_be, &addr_be, sizeof(addr_be));
	return bpf_map_lookup_elem(&stack_ranges, &key) != NULL;
}

static __always_inline void stack_reserved(__u32 tgid, __u64 start, __u64 len,
					   bool is_mmap)
{
	struct counters *c = cpu_counters();

	if (!c)
		return;
	if (!range_add(tgid, start, len))
		c->ranges_dropped++;
	if (is_mmap)
		c->stack_mmaps++;
	c->stack_reserved_bytes += len;
}

SEC("tp/syscalls/sys_enter_mmap")
int on_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = BPF_CORE_READ(ctx, args[3]);
	__u64 len = BPF_CORE_READ(ctx, args[1]);
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!(flags & MAP_STACK) || !len || !current_is_target())
		return 0;
	len = (len + page_size - 1) & ~(page_size - 1);
	bpf_map_update_elem(&pending_mmap, &tid, &len, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_mmap")
int on_exit_mmap(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 *len = bpf_map_lookup_elem(&pending_mmap, &tid);
	__u64 ret = BPF_CORE_READ(ctx, ret), n;

	if (!len)
		return 0;
	n = *len;
	bpf_map_delete_elem(&pending_mmap, &tid);
	if (ret >= (__u64)-MAX_ERRNO)
		return 0;
	stack_reserved(pid_tgid >> 32, ret, n, true);
	return 0;
}

/* A thread stack not from mmap(MAP_STACK): malloc'd, or reserved before attach. */
SEC("tp/syscalls/sys_enter_clone3")
int on_enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	struct clone_args_uapi *uargs = (void *)BPF_CORE_READ(ctx, args[0]);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 stack = 0, size = 0;

	if (!current_is_target())
		return 0;
	bpf_probe_read_user(&stack, sizeof(stack), &uargs->stack);
	bpf_probe_read_user(&size, sizeof(size), &uargs->stack_size);
	if (!stack || !size)
		return 0;
	if (range_has(tgid, stack) && range_has(tgid, stack + size - 1))
		return 0;
	stack_reserved(tgid, stack, size, false);
	return 0;
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(on_page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	__u64 pid_tgid, *mine;
	struct counters *c;
	__u32 tid;

	/* A fault on a present page (write to the zero page, COW) is not a first touch. */
	if (error_code & PF_PROT)
		return 0;
	if (!current_is_target())
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	if (!range_has(pid_tgid >> 32, address))
		return 0;
	c = cpu_counters();
	if (!c)
		return 0;
	c->stack_faults++;
	c->stack_touched_bytes += page_size;
	tid = (__u32)pid_tgid;
	mine = bpf_map_lookup_elem(&touched_by_tid, &tid);
	if (mine) {
		__sync_fetch_and_add(mine, page_size);
	} else {
		__u64 bytes = page_size;

		bpf_map_update_elem(&touched_by_tid, &tid, &bytes, BPF_NOEXIST);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
