// SPDX-License-Identifier: GPL-2.0
/*
 * Whether the reader may see a thread's stacks: the test /proc/PID/maps
 * makes (mm_access(): ptrace_may_access() in PTRACE_MODE_READ_FSCREDS mode
 * under exec_update_lock), redone here because neither ptrace_may_access()
 * nor mm_access() is exported.
 *
 * Made at read time, per thread, with the reader's credentials then: a
 * file opened by root and handed to (or kept by) an unprivileged process
 * shows only what that process could read in /proc itself.  What cannot
 * be redone is the LSM hook (security_ptrace_access_check(), e.g. Yama's
 * ptrace_scope): it is not exported either, so an LSM that would deny
 * /proc/PID/maps is not consulted here; the files stay root-only (0400)
 * for that reason.
 *
 * The check and the pinning of the mm it allowed are made under the
 * target's exec_update_lock, as mm_access() makes them: otherwise an
 * execve() of a setuid image between the two would hand the reader the
 * new, undumpable image's mm and stack pointer under the old image's
 * permission.
 *
 * CAP_SYS_PTRACE is asked of the initial user namespace with
 * has_capability_noaudit(): ptrace_may_access() asks security_capable()
 * about the target's namespace, which is not exported, and
 * ns_capable_noaudit() would set PF_SUPERPRIV in the reader (process
 * accounting's "used superuser privileges") where the kernel's own check
 * does not.  A reader whose CAP_SYS_PTRACE is only in a child namespace is
 * refused rows that /proc would show it: stricter, never looser.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/uidgid.h>

#include "stacklab.h"

/* The reader's filesystem ids match every id of the target's. */
static bool same_ids(const struct cred *me, const struct cred *t)
{
	return uid_eq(me->fsuid, t->euid) && uid_eq(me->fsuid, t->suid) &&
	       uid_eq(me->fsuid, t->uid) && gid_eq(me->fsgid, t->egid) &&
	       gid_eq(me->fsgid, t->sgid) && gid_eq(me->fsgid, t->gid);
}

static bool may_read(struct task_struct *task)
{
	bool ok;

	if (same_thread_group(task, current))
		return true;
	task_lock(task);
	rcu_read_lock();
	ok = same_ids(current_cred(), __task_cred(task)) ||
	     has_capability_noaudit(current, CAP_SYS_PTRACE);
	rcu_read_unlock();
	/* A setuid or otherwise undumpable process: only with CAP_SYS_PTRACE. */
	if (ok && task->mm && get_dumpable(task->mm) != SUID_DUMP_USER)
		ok = has_capability_noaudit(current, CAP_SYS_PTRACE);
	task_unlock(task);
	return ok;
}

/*
 * Whether the reader may see @task.  When it may, *@mm is @task's mm
 * pinned (mmput() it; NULL for a kernel thread or a thread past
 * exit_mm()) and *@sp the user stack pointer saved by the same image.
 * False also when a fatal signal interrupts the wait for the lock.
 */
bool stacklab_access(struct task_struct *task, struct mm_struct **mm,
		     unsigned long *sp)
{
	struct rw_semaphore *lock = &task->signal->exec_update_lock;
	bool ok;

	*mm = NULL;
	*sp = 0;
	if (down_read_killable(lock))
		return false;
	ok = may_read(task);
	if (ok) {
		*mm = get_task_mm(task);
		if (*mm)
			*sp = stacklab_saved_user_sp(task);
	}
	up_read(lock);
	return ok;
}
