// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/stacklab/target: the process whose threads tasks and summary
 * report, or every process.
 *
 * The target is held as a struct pid, not as a number: a TGID can be
 * reused by a new process once the target is reaped, and the files must
 * then report the old target as gone, not the newcomer.
 */
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>

#include "stacklab.h"

/* Longest accepted write: a 10-digit TGID, a newline, and room to spare. */
#define TARGET_WRITE_MAX 16

static DEFINE_MUTEX(target_lock);
static struct pid *target;	/* NULL: every process */

/* A reference to the current target (put_pid() it), or NULL for all. */
struct pid *stacklab_target_get(void)
{
	struct pid *pid;

	mutex_lock(&target_lock);
	pid = get_pid(target);
	mutex_unlock(&target_lock);
	return pid;
}

static void target_set(struct pid *pid)
{
	struct pid *old;

	mutex_lock(&target_lock);
	old = target;
	target = pid;
	mutex_unlock(&target_lock);
	put_pid(old);
}

void stacklab_target_release(void)
{
	target_set(NULL);
}

static ssize_t target_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct pid_namespace *ns = proc_pid_ns(file_inode(file)->i_sb);
	struct pid *pid = stacklab_target_get();
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%d\n", pid ? pid_nr_ns(pid, ns) : 0);
	put_pid(pid);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * A write is one decimal TGID, optionally followed by a newline; 0 means
 * every process.  Anything else is EINVAL, a number that names no thread
 * group leader is ESRCH, and in both cases the old target stays.
 */
static ssize_t target_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct pid_namespace *ns = proc_pid_ns(file_inode(file)->i_sb);
	char buf[TARGET_WRITE_MAX];
	struct pid *pid = NULL;
	int nr;

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* kstrtoint() alone would take a sign; a TGID has none. */
	if (!isdigit(buf[0]) || kstrtoint(buf, 10, &nr) || nr < 0)
		return -EINVAL;

	if (nr) {
		rcu_read_lock();
		pid = find_pid_ns(nr, ns);
		if (pid && pid_task(pid, PIDTYPE_TGID))
			get_pid(pid);
		else
			pid = NULL;
		rcu_read_unlock();
		if (!pid)
			return -ESRCH;
	}
	target_set(pid);
	return count;
}

static const struct proc_ops target_ops = {
	.proc_read	= target_read,
	.proc_write	= target_write,
	.proc_lseek	= default_llseek,
};

int stacklab_target_create(struct proc_dir_entry *dir)
{
	return proc_create("target", 0600, dir, &target_ops) ? 0 : -ENOMEM;
}
