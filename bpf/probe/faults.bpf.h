/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: fault attribution.  A first touch of a page
 * in a stack range is charged to the thread whose access faulted it in, as
 * its own stack or another's; the page allocation that follows says how
 * big the page was.
 */
#ifndef PROBE_FAULTS_BPF_H
#define PROBE_FAULTS_BPF_H

#define GFP_MOVABLE	0x08	/* ___GFP_MOVABLE: the same bit on 6.1 to 6.18 */

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

/* Stack bytes touched, by the thread whose access faulted them in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, struct thread_id);
	__type(value, struct touch_bytes);
} touched_by_tid SEC(".maps");

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
	if (map_insert_full(&touched_by_tid, who, &first))
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

#endif /* PROBE_FAULTS_BPF_H */
