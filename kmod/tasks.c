// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/stacklab/tasks: a header line, then one row per thread of the
 * target, in TID order.
 *
 * A seq_file whose position is a TID: 0 is the header, and the row of the
 * thread with TID n is at position n.  A read that stops mid-way resumes
 * at the first thread whose TID is at least that position, so threads
 * created or reaped between two read() calls cannot shift the rows.  The
 * target is the one in force when the file was opened.
 */
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/threads.h>

#include "stacklab.h"

/* Past the highest possible TID: the end of the file. */
#define TASKS_POS_END ((loff_t)PID_MAX_LIMIT + 1)

struct tasks_iter {
	struct pid_namespace *ns;
	struct pid *target;	/* NULL: every process */
	pid_t tid;		/* TID of the thread last returned */
};

/* The first thread with a TID of at least @from; @pos becomes its TID. */
static void *tasks_find(struct tasks_iter *it, loff_t from, loff_t *pos)
{
	struct task_struct *task = NULL;

	if (from < TASKS_POS_END) {
		it->tid = from;
		task = stacklab_next_task(it->ns, it->target, &it->tid);
	}
	*pos = task ? it->tid : TASKS_POS_END;
	return task;
}

static void *tasks_start(struct seq_file *m, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return tasks_find(m->private, *pos, pos);
}

static void *tasks_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tasks_iter *it = m->private;

	if (v == SEQ_START_TOKEN)
		return tasks_find(it, 1, pos);
	put_task_struct(v);
	return tasks_find(it, (loff_t)it->tid + 1, pos);
}

static void tasks_stop(struct seq_file *m, void *v)
{
	if (v && v != SEQ_START_TOKEN)
		put_task_struct(v);
}

static int tasks_show(struct seq_file *m, void *v)
{
	struct tasks_iter *it = m->private;
	struct stacklab_sample s;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "tgid tid comm kstack_size kstack_used ustack_size ustack_resident ustack_used nvcsw nivcsw ustack_exact\n");
		return 0;
	}
	if (!stacklab_sample(v, it->ns, it->tid, &s))
		return SEQ_SKIP;
	seq_printf(m, "%d %d %s %lu %lu %lu %lu %lu %lu %lu %u\n",
		   s.tgid, s.tid, s.comm, s.kstack_size, s.kstack_used,
		   s.ustack_size, s.ustack_resident, s.ustack_used,
		   s.nvcsw, s.nivcsw, s.ustack_exact);
	return 0;
}

static const struct seq_operations tasks_seq_ops = {
	.start	= tasks_start,
	.next	= tasks_next,
	.stop	= tasks_stop,
	.show	= tasks_show,
};

static int tasks_open(struct inode *inode, struct file *file)
{
	struct tasks_iter *it;

	it = __seq_open_private(file, &tasks_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ns = proc_pid_ns(inode->i_sb);
	it->target = stacklab_target_get();
	return 0;
}

static int tasks_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct tasks_iter *it = m->private;

	put_pid(it->target);
	return seq_release_private(inode, file);
}

static const struct proc_ops tasks_ops = {
	.proc_open	= tasks_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= tasks_release,
};

int stacklab_tasks_create(struct proc_dir_entry *dir)
{
	return proc_create("tasks", 0400, dir, &tasks_ops) ? 0 : -ENOMEM;
}
