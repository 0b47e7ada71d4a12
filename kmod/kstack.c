// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel stack high-water mark.
 *
 * Kernel stacks are zeroed when allocated (fresh ones by THREADINFO_GFP's
 * __GFP_ZERO, reused cached ones by a memset), and the stack grows down
 * from the top, so the lowest non-zero word marks the deepest point the
 * thread has ever reached.  This is what the kernel's stack_not_used()
 * computes; it is not exported, so it is redone here.  The lowest word is
 * the STACK_END_MAGIC canary and is skipped.
 *
 * Memory safety.  The caller holds a reference on the task_struct, which
 * keeps task->stack readable but not the stack itself: when the thread
 * dies, put_task_stack() (not exported, and try_get_task_stack() cannot be
 * used without it) frees the stack while the task_struct lives on.  So:
 *  - task->stack is read once, under rcu_read_lock(), and the whole scan
 *    stays inside that read-side section without sleeping.  A freed stack
 *    either goes to a per-CPU cache, where it stays mapped (a new thread
 *    zeroes it before use), or is handed to call_rcu() before task->stack
 *    is cleared, so that its vfree() waits for a grace period.
 *  - A reader can still pick up the old pointer just after call_rcu(), and
 *    RCU does not wait for such a late reader.  Every access therefore goes
 *    through copy_from_kernel_nofault(): if the stack has been vfree()d and
 *    unmapped in that window, the read fails with -EFAULT instead of
 *    oopsing, and the thread (which is dying anyway) reports 0.
 * Nothing is ever written, so reading memory that has meanwhile been given
 * to another thread can only produce a wrong figure for a dead thread,
 * which the caller drops (it skips rows whose thread has exited).
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>

#include "stacklab.h"

/* Words read per copy_from_kernel_nofault() call. */
#define KSTACK_CHUNK_WORDS 64

/* Bytes of @task's kernel stack ever used; 0 if the stack is gone. */
unsigned long stacklab_kstack_used(struct task_struct *task)
{
	unsigned long chunk[KSTACK_CHUNK_WORDS];
	unsigned long used = 0, off, i;
	void *stack;

	rcu_read_lock();
	stack = READ_ONCE(task->stack);
	if (!stack)
		goto out;
	for (off = 0; off < THREAD_SIZE; off += sizeof(chunk)) {
		if (copy_from_kernel_nofault(chunk, stack + off, sizeof(chunk)))
			goto out;
		/* Word 0 of the stack is the end-of-stack canary. */
		for (i = off ? 0 : 1; i < KSTACK_CHUNK_WORDS; i++) {
			if (chunk[i]) {
				used = THREAD_SIZE - off - i * sizeof(long);
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return used;
}
