/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: the system calls that make and remove stack
 * ranges (mmap with MAP_STACK, clone3 with a stack, munmap, mremap), each
 * held from its sys_enter to its sys_exit so that only a call that
 * succeeded changes the table.
 */
#ifndef PROBE_STACK_CALLS_BPF_H
#define PROBE_STACK_CALLS_BPF_H

#define MAP_STACK	0x20000
#define MAX_ERRNO	4095

/* What a thread's pending system call was, between enter and exit. */
enum call_kind { CALL_MMAP = 1, CALL_CLONE3, CALL_MUNMAP, CALL_MREMAP };

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
	__u64 stack, size;

	if (!current_is_target())
		return 0;
	if (clone3_stack(ctx, &stack, &size))
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

#endif /* PROBE_STACK_CALLS_BPF_H */
