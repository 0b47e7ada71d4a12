// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/stacklab/summary: "key value" lines, totals over the rows that
 * tasks would print for the current target.
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include "stacklab.h"

struct summary {
	unsigned long threads;
	unsigned long kstack_size_total;
	unsigned long kstack_used_total;
	unsigned long kstack_used_max;
	unsigned long ustack_size_total;
	unsigned long ustack_resident_total;
	unsigned long ustack_resident_max;
	unsigned long ustack_inexact;	/* rows whose ustack bounds are a guess */
};

static void summary_add(struct summary *sum, const struct stacklab_sample *s)
{
	sum->threads++;
	sum->kstack_size_total += s->kstack_size;
	sum->kstack_used_total += s->kstack_used;
	sum->kstack_used_max = max(sum->kstack_used_max, s->kstack_used);
	sum->ustack_size_total += s->ustack_size;
	sum->ustack_resident_total += s->ustack_resident;
	sum->ustack_resident_max = max(sum->ustack_resident_max,
				       s->ustack_resident);
	sum->ustack_inexact += !s->ustack_exact;
}

static int summary_show(struct seq_file *m, void *v)
{
	struct pid_namespace *ns = proc_pid_ns(file_inode(m->file)->i_sb);
	struct pid *target = stacklab_target_get();
	struct summary sum = {};
	struct stacklab_sample s;
	struct task_struct *task;
	pid_t tid = 1;
	int err = 0;

	while ((task = stacklab_next_task(ns, target, &tid))) {
		if (stacklab_sample(task, ns, tid, &s))
			summary_add(&sum, &s);
		put_task_struct(task);
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
		if (tid == INT_MAX)
			break;
		tid++;
	}
	seq_printf(m, "target %d\n", target ? pid_nr_ns(target, ns) : 0);
	seq_printf(m, "threads %lu\n", sum.threads);
	seq_printf(m, "kstack_size_total %lu\n", sum.kstack_size_total);
	seq_printf(m, "kstack_used_total %lu\n", sum.kstack_used_total);
	seq_printf(m, "kstack_used_max %lu\n", sum.kstack_used_max);
	seq_printf(m, "ustack_size_total %lu\n", sum.ustack_size_total);
	seq_printf(m, "ustack_resident_total %lu\n", sum.ustack_resident_total);
	seq_printf(m, "ustack_resident_max %lu\n", sum.ustack_resident_max);
	seq_printf(m, "ustack_inexact %lu\n", sum.ustack_inexact);
out:
	put_pid(target);
	return err;
}

static int summary_open(struct inode *inode, struct file *file)
{
	return single_open(file, summary_show, NULL);
}

static const struct proc_ops summary_ops = {
	.proc_open	= summary_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

int stacklab_summary_create(struct proc_dir_entry *dir)
{
	return proc_create("summary", 0400, dir, &summary_ops) ? 0 : -ENOMEM;
}
