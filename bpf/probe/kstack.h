/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's THREAD_SIZE: bytes of kernel stack behind every task. */
#ifndef STACKLAB_KSTACK_H
#define STACKLAB_KSTACK_H

#define KSTACK_PROC_DIR	"/proc/stacklab"
/* x86-64 THREAD_SIZE without KASAN: 4 pages << 2 = 16 KiB. */
#define KSTACK_DEFAULT	16384

struct kstack_size {
	unsigned long bytes;
	const char *source;	/* "/proc/stacklab/tasks", ".../summary" or "default" */
};

/*
 * From the stacklab module when it is loaded (kstack_size of its tasks,
 * else kstack_size_total / threads of its summary), else KSTACK_DEFAULT.
 */
struct kstack_size kstack_size_get(void);

#endif
