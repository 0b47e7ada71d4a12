/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab: what the module's files share.
 *
 * target.c   /proc/stacklab/target: which process is reported
 * iter.c     walks the target's threads by ascending TID
 * access.c   whether the reader may see a thread (as /proc/PID/maps)
 * sample.c   one thread's row (kstack.c, ustack.c do the measuring)
 * ubounds.c  where a thread's own user stack begins and ends
 * tasks.c    /proc/stacklab/tasks: one row per thread
 * summary.c  /proc/stacklab/summary: totals over those rows
 */
#ifndef STACKLAB_H
#define STACKLAB_H

#include <linux/sched.h>
#include <linux/types.h>

struct pid;
struct pid_namespace;
struct proc_dir_entry;

/* One thread's figures: a row of the tasks file.  Sizes are in bytes. */
struct stacklab_sample {
	pid_t tgid;
	pid_t tid;
	char comm[TASK_COMM_LEN];
	unsigned long kstack_size;
	unsigned long kstack_used;
	unsigned long ustack_size;
	unsigned long ustack_resident;
	unsigned long ustack_used;
	unsigned long nvcsw;
	unsigned long nivcsw;
	/* 1: ustack_* cover the thread's own stack; 0: the bounds are a guess */
	unsigned int ustack_exact;
};

/* A thread's own user stack, [lo, hi), inside the mapping holding its sp. */
struct stacklab_ustack_bounds {
	unsigned long lo;
	unsigned long hi;
	bool exact;		/* both ends known, not just the mapping's */
};

/* target.c */
int stacklab_target_create(struct proc_dir_entry *dir);
struct pid *stacklab_target_get(void);
void stacklab_target_release(void);

/* iter.c */
struct task_struct *stacklab_next_task(struct pid_namespace *ns,
				       struct pid *target, pid_t *tid);

/* access.c */
struct mm_struct;
bool stacklab_access(struct task_struct *task, struct mm_struct **mm,
		     unsigned long *sp);

/* ubounds.c */
struct vm_area_struct;
void stacklab_ustack_bounds(struct task_struct *task, struct vm_area_struct *vma,
			    unsigned long sp, struct stacklab_ustack_bounds *b);

/* sample.c */
bool stacklab_sample(struct task_struct *task, struct pid_namespace *ns,
		     pid_t tid, struct stacklab_sample *s);

/* kstack.c */
unsigned long stacklab_kstack_used(struct task_struct *task);

/* ustack.c */
unsigned long stacklab_saved_user_sp(struct task_struct *task);
void stacklab_ustack(struct task_struct *task, struct mm_struct *mm,
		     unsigned long sp, struct stacklab_sample *s);

/* tasks.c, summary.c */
int stacklab_tasks_create(struct proc_dir_entry *dir);
int stacklab_summary_create(struct proc_dir_entry *dir);

#endif /* STACKLAB_H */
