// SPDX-License-Identifier: GPL-2.0
/*
 * Where a thread's own user stack ends, inside the mapping that holds its
 * stack pointer.  The kernel merges adjacent anonymous mappings with equal
 * flags, so that mapping can hold other memory too: a buffer mapped right
 * above a glibc stack, or the stacks a program maps side by side for
 * pthread_attr_setstack().  What belongs to the thread:
 *
 *  - the top: glibc (and musl) keep the thread's control block, which the
 *    thread pointer (fsbase on x86-64) points at, at the very top of every
 *    thread stack, its own or a program-given one; the page holding it is
 *    the stack's last.  A thread pointer outside the mapping, or below the
 *    stack pointer (the main thread's TLS, Go's), says nothing.
 *  - the bottom: a guard page (a PROT_NONE mapping right below, which
 *    glibc puts under the stacks it allocates), or the top of another
 *    thread's stack of the same process lying below this one's stack
 *    pointer in the same mapping (stacks side by side).
 *  - the main thread's [stack] (VM_GROWSDOWN) is never merged: all of it.
 *
 * When the top is not known the mapping's end stands in for it; when the
 * bottom is not known, the mapping's start or, in a mapping bigger than
 * the thread's stack limit (RLIMIT_STACK, at most 1 GiB; a Go or JVM heap
 * holding stacks), that far below the top, so that the page-table walk
 * stays bounded.  Either way the row says so (ustack_exact 0).  Called
 * under the mmap read lock.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>

#include "stacklab.h"

/* @task's thread pointer, or 0 where this architecture keeps none here. */
static unsigned long thread_pointer(struct task_struct *task)
{
#ifdef CONFIG_X86_64
	/* Saved at its last switch out; a thread rarely changes it. */
	return READ_ONCE(task->thread.fsbase);
#else
	return 0;
#endif
}

/* The top of the stack whose control block @tp points at. */
static unsigned long stack_top_of(unsigned long tp)
{
	return PAGE_ALIGN(tp + 1);
}

static bool guard_below(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev;

	if (vma->vm_start < PAGE_SIZE)
		return false;
	prev = find_vma(mm, vma->vm_start - 1);
	return prev && prev != vma && prev->vm_end == vma->vm_start &&
	       !(prev->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

/* The highest stack top of a sibling thread in (vma start, sp], or 0. */
static unsigned long sibling_top_below(struct task_struct *task,
				       struct vm_area_struct *vma,
				       unsigned long sp)
{
	unsigned long best = 0, top, tp;
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(task, t) {
		if (t == task)
			continue;
		tp = thread_pointer(t);
		if (tp < vma->vm_start || tp >= sp)
			continue;
		top = stack_top_of(tp);
		if (top <= sp && top > best)
			best = top;
	}
	rcu_read_unlock();
	return best;
}

/* No more than the thread's stack limit below @hi, and never above @sp. */
static unsigned long guess_bottom(struct task_struct *task,
				  struct vm_area_struct *vma, unsigned long sp,
				  unsigned long hi)
{
	unsigned long limit = min_t(unsigned long,
				    task_rlimit(task, RLIMIT_STACK), SZ_1G);
	unsigned long lo = vma->vm_start;

	if (hi - lo > limit)
		lo = PAGE_ALIGN_DOWN(hi - limit);
	return min(lo, sp & PAGE_MASK);
}

void stacklab_ustack_bounds(struct task_struct *task, struct vm_area_struct *vma,
			    unsigned long sp, struct stacklab_ustack_bounds *b)
{
	unsigned long tp = thread_pointer(task), below;
	bool top_known = false, bottom_known = false;

	b->lo = vma->vm_start;
	b->hi = vma->vm_end;
	if (vma->vm_flags & VM_GROWSDOWN) {
		b->exact = true;
		return;
	}
	if (tp > sp && tp < vma->vm_end) {
		b->hi = min(stack_top_of(tp), vma->vm_end);
		top_known = true;
	}
	below = sibling_top_below(task, vma, sp);
	if (below) {
		b->lo = below;
		bottom_known = true;
	} else {
		bottom_known = guard_below(vma->vm_mm, vma);
	}
	if (!bottom_known)
		b->lo = guess_bottom(task, vma, sp, b->hi);
	b->exact = top_known && bottom_known;
}
