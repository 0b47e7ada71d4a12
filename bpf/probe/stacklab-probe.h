/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by stacklab-probe.bpf.c (kernel side) and its loader.
 * Only fixed-size types: the same layout on both sides.
 */
#ifndef STACKLAB_PROBE_H
#define STACKLAB_PROBE_H

#define TASK_COMM_LEN	16
/* log2 slots: slot i counts values in [2^i, 2^(i+1)), slot 0 also 0. */
#define HIST_SLOTS	40

/* Sizes of the maps: enough for a server with tens of thousands of threads. */
#define MAX_FOLLOWED	8192
#define MAX_TASKS	65536
#define MAX_RANGES	262144
/* Stack ranges themselves (the trie holds up to 128 blocks for each). */
#define MAX_RANGE_LIST	65536

struct hist {
	__u64 slots[HIST_SLOTS];
	__u64 sum;		/* of every recorded value, for the mean */
};

/*
 * Event counters, one copy per CPU (summed by the loader): every hot path
 * adds to its own CPU's copy without atomics.
 */
struct counters {
	__u64 context_switches;	/* a target thread left the CPU */
	__u64 voluntary;	/* ... because it blocked */
	__u64 involuntary;	/* ... because it was preempted or yielded */
	__u64 offcpu_ns;	/* time target threads spent off the CPU, summed */
	__u64 offcpu_threads;	/* threads with an off-CPU stretch in offcpu_ns */
	__u64 syscalls;
	__u64 uring_submitted;	/* io_uring requests submitted (SQEs) */
	__u64 uring_completed;	/* io_uring completions posted (CQEs) */
	__u64 uring_enter;	/* io_uring_enter(2) calls */
	__u64 threads_created;	/* new tasks with CLONE_THREAD */
	__u64 processes_created;	/* new child processes (followed too) */
	__u64 threads_exited;	/* every task exit, threads and processes */
	__u64 stack_mmaps;	/* mmap(MAP_STACK) calls that succeeded */
	__u64 stack_reserved_bytes;	/* their lengths + clone3 stacks outside them */
	__u64 stack_faults;	/* first-touch faults inside a known stack */
	__u64 stack_touched_bytes;	/* stack_faults x page size */
	__u64 ranges_dropped;	/* stack ranges the map had no room for, or wrapping */
	__u64 stack_munmaps;	/* munmap/mremap calls that removed stack bytes */
	__u64 stack_unmapped_bytes;	/* stack bytes those calls removed */
	__u64 stack_huge_faults;	/* first touches that mapped a huge page */
	__u64 followed_dropped;	/* child processes the followed map had no room for */
	__u64 live_dropped;	/* new tasks the live-task map had no room for */
	__u64 task_ts_dropped;	/* threads the timestamp map had no room for */
	__u64 touched_dropped;	/* threads the touched-bytes map had no room for */
	struct hist runq_latency_ns;	/* wakeup (or preemption) to running */
	struct hist oncpu_slice_ns;	/* switch in to switch out */
};

/*
 * Live task gauges: one shared copy, updated with atomics (task creation
 * and exit are rare next to switches); mmap'd by the loader, which adds
 * the threads the target already had at attach time.  live_tasks counts
 * the entries of the live-task map: a task enters it when a target
 * creates it (or the loader finds it at attach) and leaves it at its own
 * exit, whatever it became in between.
 */
struct gauges {
	__s64 live_tasks;
	__s64 peak_tasks;
};

/*
 * One thread's lifetime: a TID with the task's start time (CLOCK_MONOTONIC
 * ns), so that a reused TID is another key.
 */
struct thread_id {
	__u32 tid;
	__u32 pad;
	__u64 start_ns;
};

/*
 * Stack bytes a thread faulted in: in its own stack (the range clone3 gave
 * it), and in other stacks (a creator writing a new thread's control
 * block, or a range whose thread is not known).
 */
struct touch_bytes {
	__u64 own;
	__u64 others;
};

/* Per-thread timestamps, keyed by tid; removed at the thread's exit. */
struct task_ts {
	__u64 oncpu_ts;		/* when it last got the CPU */
	__u64 offcpu_ts;	/* when it last left the CPU */
	__u64 runnable_ts;	/* when it was last woken or preempted; 0 once running */
	__u64 offcpu_counted;	/* 1 once counted in offcpu_threads */
};

/*
 * Key of the stack-range trie: tgid then address, both big-endian so that
 * a prefix of the key is a prefix of the number.  A range is stored as the
 * aligned power-of-two blocks that tile it.
 */
struct range_key {
	__u32 prefixlen;	/* 32 (tgid) + the block's significant address bits */
	__u8 tgid_be[4];
	__u8 addr_be[8];
};

struct range_val {
	__u64 start;		/* the whole range the block belongs to */
	__u64 len;
};

/* Key of the list of ranges (to find those an munmap removes). */
struct range_id {
	__u32 tgid;
	__u32 pad;
	__u64 start;
};

#endif
