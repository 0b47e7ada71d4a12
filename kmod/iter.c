// SPDX-License-Identifier: GPL-2.0
/*
 * The target's threads, one at a time by ascending TID.
 *
 * Measuring a thread sleeps (the user-stack walk takes the mmap lock), so
 * the walk cannot stay under rcu_read_lock() from one thread to the next.
 * Instead each step looks the next TID up in the PID namespace's IDR and
 * returns the thread with a reference: a reader resumes from a number,
 * which stays meaningful however many threads were created or reaped in
 * between (each thread is seen at most once per pass, in TID order).
 */
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "stacklab.h"

/* PIDs looked at under one RCU read-side section before yielding. */
#define ITER_BATCH 1024

/*
 * The first live thread of @target (NULL: of any process) whose TID in @ns
 * is at least *@tid, with a reference held (put_task_struct() it); *@tid
 * is set to its TID.  NULL when there is none, or the target is gone.
 */
struct task_struct *stacklab_next_task(struct pid_namespace *ns,
				       struct pid *target, pid_t *tid)
{
	struct task_struct *leader = NULL, *task;
	struct pid *pid;
	int nr = max(*tid, 1);
	int budget;

again:
	budget = ITER_BATCH;
	rcu_read_lock();
	if (target) {
		leader = pid_task(target, PIDTYPE_TGID);
		if (!leader)
			goto none;
	}
	while ((pid = find_ge_pid(nr, ns))) {
		nr = pid_nr_ns(pid, ns);
		task = pid_task(pid, PIDTYPE_PID);
		/* Zombies have no stack left to report. */
		if (task && !READ_ONCE(task->exit_state) &&
		    (!leader || same_thread_group(task, leader))) {
			get_task_struct(task);
			rcu_read_unlock();
			*tid = nr;
			return task;
		}
		if (nr == INT_MAX)
			break;
		nr++;
		if (--budget == 0) {
			rcu_read_unlock();
			cond_resched();
			goto again;
		}
	}
none:
	rcu_read_unlock();
	return NULL;
}
