/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: which tasks are the target (the followed
 * TGIDs, or a comm) and the per-CPU counters every part adds to.
 */
#ifndef PROBE_FOLLOW_BPF_H
#define PROBE_FOLLOW_BPF_H

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

static __always_inline struct counters *cpu_counters(void)
{
	return map_first(&counters);
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

#endif /* PROBE_FOLLOW_BPF_H */
