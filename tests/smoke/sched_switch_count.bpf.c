// SPDX-License-Identifier: GPL-2.0
/* Smoke test: count the target process's switches off the CPU. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

__u64 switches_out;

SEC("tp/sched/sched_switch")
int count_switch_out(struct trace_event_raw_sched_switch *ctx)
{
	/* At sched_switch, current is still the task leaving the CPU. */
	if (bpf_get_current_pid_tgid() >> 32 == target_tgid)
		__sync_fetch_and_add(&switches_out, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
