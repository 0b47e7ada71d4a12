// SPDX-License-Identifier: GPL-2.0
/*
 * One thread's row: identity, kernel stack, user stack, context switches.
 */
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/thread_info.h>

#include "stacklab.h"

/*
 * Measure @task, whose TID in @ns is @tid.  Sleeps.  False when the thread
 * exited meanwhile (its stack is gone), or when the reader may not see it
 * (access.c): the caller drops the row.
 */
bool stacklab_sample(struct task_struct *task, struct pid_namespace *ns,
		     pid_t tid, struct stacklab_sample *s)
{
	struct mm_struct *mm;
	unsigned long sp;
	char *c;

	memset(s, 0, sizeof(*s));
	if (!stacklab_access(task, &mm, &sp))
		return false;
	s->tid = tid;
	s->tgid = task_tgid_nr_ns(task, ns);
	get_task_comm(s->comm, task);
	/* Columns are whitespace-separated: a comm must stay one word. */
	for (c = s->comm; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			*c = '_';
	s->kstack_size = THREAD_SIZE;
	s->kstack_used = stacklab_kstack_used(task);
	stacklab_ustack(task, mm, sp, s);
	s->nvcsw = READ_ONCE(task->nvcsw);
	s->nivcsw = READ_ONCE(task->nivcsw);
	return s->kstack_used && s->tgid && !READ_ONCE(task->exit_state);
}
