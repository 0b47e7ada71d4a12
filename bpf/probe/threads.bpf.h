/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: thread lifecycle.  Threads and processes
 * created, the live-task gauge (entered and left by the same membership),
 * following child processes, and forgetting a process that is gone.
 */
#ifndef PROBE_THREADS_BPF_H
#define PROBE_THREADS_BPF_H

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

static __always_inline struct gauges *gauges_get(void)
{
	return map_first(&gauges);
}
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

#endif /* PROBE_THREADS_BPF_H */
