// SPDX-License-Identifier: GPL-2.0
/*
 * User stack of one thread: its own stack inside the mapping that holds
 * its saved user stack pointer (ubounds.c), how much of that stack is
 * resident, and how deep the thread is into it.
 *
 * The stack pointer is the one saved in the thread's pt_regs at its last
 * entry into the kernel: exact for a thread blocked in a system call, as
 * of its last interrupt for one running in user space.  pt_regs live at
 * the top of the kernel stack, so they are read like the stack itself
 * (see kstack.c): under RCU, through copy_from_kernel_nofault().
 *
 * The mm is pinned by the access check (access.c), with the stack pointer
 * read there, and the mapping looked up under the mmap read lock, which
 * also keeps the page tables of that mapping from being freed.  Resident
 * pages are counted from the page tables alone: nothing is faulted in, and
 * neither RSS nor fault counters move.  The walk covers the thread's own
 * stack only, never the rest of a big mapping, and gives the lock up
 * between two PMDs when a writer waits for it (as smaps_rollup does), so
 * that a reader never holds up mmap() or a page fault that needs the write
 * lock for longer than one PMD's walk.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

#include "stacklab.h"

/* The user stack pointer saved at @task's last kernel entry, or 0. */
unsigned long stacklab_saved_user_sp(struct task_struct *task)
{
	unsigned long sp = 0;

	rcu_read_lock();
	/*
	 * task_pt_regs() reads task->stack again; if the stack went away in
	 * between, the address it yields is below TASK_SIZE_MAX, which
	 * copy_from_kernel_nofault() refuses.
	 */
	if (READ_ONCE(task->stack) &&
	    copy_from_kernel_nofault(&sp, &task_pt_regs(task)->sp, sizeof(sp)))
		sp = 0;
	rcu_read_unlock();
	return sp;
}

enum pmd_kind {
	PMD_ABSENT,	/* nothing mapped, or not present (swapped, migrating) */
	PMD_HUGE,	/* one huge page maps the whole PMD (or PUD) range */
	PMD_TABLE,	/* a page table of PTEs */
};

/*
 * What maps @addr at the PMD level.  apply_to_existing_page_range() must
 * only be given ranges whose PMD is a page table: on a huge (leaf) PMD or
 * PUD it WARNs and stops, and a non-present PMD (a THP being migrated)
 * makes it WARN as on a bad PMD.  The caller holds the mmap read lock on
 * an anonymous mapping, where turning a page table back into a huge PMD
 * (khugepaged's collapse) needs the write lock: a PMD_TABLE answer thus
 * stays true until the lock is dropped.  A huge PMD can be split, or an
 * empty PMD filled by a fault, under the read lock; those changes only make
 * this answer stale in a harmless direction (a page more or less).
 */
static enum pmd_kind pmd_kind(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud, pudv;
	pmd_t *pmd, pmdv;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(READ_ONCE(*pgd)) || pgd_bad(READ_ONCE(*pgd)))
		return PMD_ABSENT;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
		return PMD_ABSENT;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return PMD_ABSENT;
	if (pud_leaf(pudv))
		return pud_present(pudv) ? PMD_HUGE : PMD_ABSENT;
	if (pud_bad(pudv))
		return PMD_ABSENT;
	pmd = pmd_offset(pud, addr);
	pmdv = READ_ONCE(*pmd);
	if (pmd_none(pmdv))
		return PMD_ABSENT;
	if (pmd_leaf(pmdv))
		return pmd_present(pmdv) ? PMD_HUGE : PMD_ABSENT;
	if (!pmd_present(pmdv) || pmd_bad(pmdv))
		return PMD_ABSENT;
	return PMD_TABLE;
}

/* Called under the PTE lock for every PTE that is not none. */
static int count_present(pte_t *pte, unsigned long addr, void *data)
{
	unsigned long *pages = data;

	if (pte_present(ptep_get(pte)))
		(*pages)++;
	return 0;
}

/*
 * Let a waiting writer in.  False when the walk must stop: the lock could
 * not be taken again (a fatal signal; *locked is then false), or what is
 * left of [addr, end) is no longer one anonymous mapping.
 */
static bool yield_mmap_lock(struct mm_struct *mm, unsigned long addr,
			    unsigned long end, bool *locked)
{
	struct vm_area_struct *vma;

	if (!mmap_lock_is_contended(mm))
		return true;
	mmap_read_unlock(mm);
	cond_resched();
	if (mmap_read_lock_killable(mm)) {
		*locked = false;
		return false;
	}
	vma = vma_lookup(mm, addr);
	return vma && vma_is_anonymous(vma) && end <= vma->vm_end;
}

/*
 * Bytes of [start, end) mapped to memory, from the page tables; *complete
 * becomes false if the walk had to stop early.
 */
static unsigned long resident_bytes(struct mm_struct *mm, unsigned long start,
				    unsigned long end, bool *locked,
				    bool *complete)
{
	unsigned long addr, next, huge = 0, pages = 0;

	for (addr = start; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		switch (pmd_kind(mm, addr)) {
		case PMD_HUGE:
			huge += next - addr;
			break;
		case PMD_TABLE:
			/* Can only fail if the table vanished: count nothing. */
			apply_to_existing_page_range(mm, addr, next - addr,
						     count_present, &pages);
			break;
		case PMD_ABSENT:
			break;
		}
		if (next < end && !yield_mmap_lock(mm, next, end, locked)) {
			*complete = false;
			break;
		}
	}
	return huge + pages * PAGE_SIZE;
}

/*
 * Fill in @s's ustack_size, ustack_resident, ustack_used and ustack_exact
 * from @task's @mm, pinned, and @sp, both from stacklab_access(); @mm is
 * released here.  They stay 0 for a kernel thread, a thread past
 * exit_mm() (@mm NULL), or a stack pointer outside any mapping.  Only
 * anonymous mappings (every thread stack that glibc or the kernel makes)
 * have their page tables walked; a stack in a file or shared-memory
 * mapping reports a resident size of 0.  Sleeps.
 */
void stacklab_ustack(struct task_struct *task, struct mm_struct *mm,
		     unsigned long sp, struct stacklab_sample *s)
{
	struct stacklab_ustack_bounds b;
	bool locked = true, complete = true;
	struct vm_area_struct *vma;

	if (!mm)
		return;
	if (sp && !mmap_read_lock_killable(mm)) {
		vma = vma_lookup(mm, sp);
		if (vma) {
			stacklab_ustack_bounds(task, vma, sp, &b);
			s->ustack_size = b.hi - b.lo;
			s->ustack_used = b.hi - sp;
			/* vma is not used past here: the walk may drop the lock. */
			if (vma_is_anonymous(vma))
				s->ustack_resident =
					resident_bytes(mm, b.lo, b.hi, &locked,
						       &complete);
			s->ustack_exact = b.exact && complete;
		}
		if (locked)
			mmap_read_unlock(mm);
	}
	mmput(mm);
}
