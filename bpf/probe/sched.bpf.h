/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: scheduling.  Context switches (the kernel's
 * nvcsw/nivcsw rule), time off a CPU, run-queue latency and on-CPU slices,
 * from per-thread timestamps.
 */
#ifndef PROBE_SCHED_BPF_H
#define PROBE_SCHED_BPF_H

#define TASK_RUNNING	0
#define TASK_DEAD	0x80
#define PF_EXITING	0x4	/* task->flags: in do_exit(), set before its tracepoint */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct task_ts);
} task_ts SEC(".maps");
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
	if (map_insert_full(&task_ts, &tid, &zero)) {
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
		if (ts->offcpu_ts) {
			c->offcpu_ns += now - ts->offcpu_ts;
			if (!ts->offcpu_counted) {
				ts->offcpu_counted = 1;
				c->offcpu_threads++;
			}
		}
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

#endif /* PROBE_SCHED_BPF_H */
