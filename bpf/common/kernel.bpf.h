/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel ABI constants both BPF tools need.  vmlinux.h carries types, not
 * #defines, so each is written once here with the header it comes from.
 */
#ifndef STACKLAB_KERNEL_BPF_H
#define STACKLAB_KERNEL_BPF_H

#define CLONE_THREAD	0x00010000	/* uapi/linux/sched.h */
#define PF_PROT		0x1	/* x86 page-fault error code: the page was present */
#define E2BIG		7	/* a full map refuses a new key with it */
#define RLIMIT_STACK	3	/* uapi/asm-generic/resource.h */

#endif /* STACKLAB_KERNEL_BPF_H */
