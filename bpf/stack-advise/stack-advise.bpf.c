// SPDX-License-Identifier: GPL-2.0
/*
 * stack-advise, kernel side: every first touch of a page of a followed
 * thread's stack, counted per (thread, faulting instruction) in a hash
 * map.  Nothing goes to user space per fault.  tp/ and raw_tp/ only, CO-RE.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "clone3.bpf.h"
#include "kernel.bpf.h"
#include "maps.bpf.h"
#include "stack-advise.h"

const volatile __u32 target_tgid;
const volatile __u64 page_size = 4096;

/* Stack ranges by tid: from clone3's arguments, or set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SA_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct sa_range);
} ranges SEC(".maps");

/* clone3's stack between sys_enter_clone3 and task_newtask, by parent tid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SA_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct sa_range);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SA_MAX_SITES);
	__type(key, struct sa_site_key);
	__type(value, struct sa_site);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SA_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct sa_thread);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sa_counters);
} counters SEC(".maps");

static __always_inline struct sa_counters *get_counters(void)
{
	return map_first(&counters);
}

static __always_inline bool current_is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tp/syscalls/sys_enter_clone3")
int on_enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sa_range r = {};
	__u64 stack, size;

	if (!current_is_target() || !clone3_stack(ctx, &stack, &size))
		return 0;
	r.start = stack;
	r.end = stack + size;
	bpf_map_update_elem(&pending, &tid, &r, BPF_ANY);
	return 0;
}

/* Runs in the parent, with the child set up. */
SEC("raw_tp/task_newtask")
int BPF_PROG(on_task_newtask, struct task_struct *task, unsigned long clone_flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), child;
	struct sa_counters *c = get_counters();
	struct sa_range *r;

	if (!current_is_target() || !(clone_flags & CLONE_THREAD))
		return 0;
	if (c)
		__sync_fetch_and_add(&c->threads_created, 1);
	r = bpf_map_lookup_elem(&pending, &tid);
	if (!r)
		return 0;
	child = BPF_CORE_READ(task, pid);
	bpf_map_update_elem(&ranges, &child, r, BPF_ANY);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

/* The main thread's stack: below mm->start_stack, as deep as RLIMIT_STACK. */
static __always_inline bool main_stack(struct sa_range *r)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 top = BPF_CORE_READ(task, mm, start_stack);
	__u64 lim = BPF_CORE_READ(task, signal, rlim[RLIMIT_STACK].rlim_cur);

	if (!top)
		return false;
	if (lim > (1ULL << 32))
		lim = 1ULL << 32;	/* unlimited: the kernel's own cap is lower */
	/* argv and the environment sit above start_stack, on the same pages. */
	r->end = (top + page_size) & ~(page_size - 1);
	r->start = r->end - lim;
	return true;
}

static __always_inline void count_thread(__u32 tid, const struct sa_range *r,
					 __u64 addr)
{
	struct sa_thread *t = bpf_map_lookup_elem(&threads, &tid);

	if (!t) {
		struct sa_thread n = { .top = r->end, .lowest = addr,
				       .reserve = r->end - r->start };

		bpf_get_current_comm(n.comm, sizeof(n.comm));
		bpf_map_update_elem(&threads, &tid, &n, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&threads, &tid);
		if (!t)
			return;
	}
	t->pages++;
	if (addr < t->lowest)
		t->lowest = addr;
}

static __always_inline void count_site(__u32 tid, __u64 ip, __u64 sp, __u64 addr,
				       struct sa_counters *c)
{
	struct sa_site_key key = { .tid = tid, .ip = ip };
	struct sa_site *s = bpf_map_lookup_elem(&sites, &key);
	__u64 above = addr > sp ? addr - sp : 0;

	if (!s) {
		static const struct sa_site zero;

		if (map_insert_full(&sites, &key, &zero)) {
			if (c)
				__sync_fetch_and_add(&c->sites_dropped, 1);
			return;
		}
		s = bpf_map_lookup_elem(&sites, &key);
		if (!s)
			return;
		bpf_probe_read_user(s->words, sizeof(s->words), (void *)sp);
	}
	s->pages++;
	if (above > s->max_above_sp)
		s->max_above_sp = above;
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(on_page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct sa_counters *c;
	struct sa_range mr, *r;

	if ((error_code & PF_PROT) || (pid_tgid >> 32) != target_tgid)
		return 0;
	r = bpf_map_lookup_elem(&ranges, &tid);
	if (!r && tid == target_tgid && main_stack(&mr))
		r = &mr;
	c = get_counters();
	if (!r) {
		if (c)
			__sync_fetch_and_add(&c->no_range, 1);
		return 0;
	}
	if (address < r->start || address >= r->end)
		return 0;
	if (c)
		__sync_fetch_and_add(&c->faults, 1);
	count_thread(tid, r, address);
	count_site(tid, BPF_CORE_READ(regs, ip), BPF_CORE_READ(regs, sp), address, c);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
