/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stack a clone3() call gives the new thread, read at
 * sys_enter_clone3: both tools start a thread's stack range from it.
 */
#ifndef STACKLAB_CLONE3_BPF_H
#define STACKLAB_CLONE3_BPF_H

/* User-space clone_args (uapi, fixed layout): no CO-RE relocation. */
struct clone_args_uapi {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
	__u64 stack, stack_size;
};

/*
 * [*stack, *stack + *size) from the call's arguments; false when the call
 * gives no stack (a fork, or a thread on the parent's stack).
 */
static __always_inline bool clone3_stack(struct trace_event_raw_sys_enter *ctx,
					 __u64 *stack, __u64 *size)
{
	struct clone_args_uapi *uargs = (void *)BPF_CORE_READ(ctx, args[0]);

	*stack = 0;
	*size = 0;
	bpf_probe_read_user(stack, sizeof(*stack), &uargs->stack);
	bpf_probe_read_user(size, sizeof(*size), &uargs->stack_size);
	return *stack && *size;
}

#endif /* STACKLAB_CLONE3_BPF_H */
