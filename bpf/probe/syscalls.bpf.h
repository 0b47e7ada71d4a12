/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: syscall and io_uring counts.
 */
#ifndef PROBE_SYSCALLS_BPF_H
#define PROBE_SYSCALLS_BPF_H

#define NR_IO_URING_ENTER 426	/* x86-64 */

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

#endif /* PROBE_SYSCALLS_BPF_H */
