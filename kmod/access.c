// SPDX-License-Identifier: GPL-2.0
/*
 * Whether the reader may see a thread's stacks: the test /proc/PID/maps
 * makes (ptrace_may_access() in PTRACE_MODE_READ_FSCREDS mode), redone
 * here because neither ptrace_may_access() nor mm_access() is exported.
 *
 * Made at read time, per thread, with the reader's credentials then: a
 * file opened by root and handed to (or kept by) an unprivileged process
 * shows only what that process could read in /proc itself.  What cannot
 * be redone is the LSM hook (security_ptrace_access_check(), e.g. Yama's
 * ptrace_scope): it is not exported either, so an LSM that would deny
 * /proc/PID/maps is not consulted here; the files stay root-only (0400)
 * for that reason.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
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

bool stacklab_may_read(struct task_struct *task)
{
	const struct cred *tcred;
	struct mm_struct *mm;
	bool ok;

	if (same_thread_group(task, current))
		return true;
	task_lock(task);
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = same_ids(current_cred(), tcred) ||
	     ns_capable_noaudit(tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	/* A setuid or otherwise undumpable process: only with CAP_SYS_PTRACE. */
	mm = task->mm;
	if (ok && mm && get_dumpable(mm) != SUID_DUMP_USER)
		ok = ns_capable_noaudit(mm->user_ns, CAP_SYS_PTRACE);
	task_unlock(task);
	return ok;
}
