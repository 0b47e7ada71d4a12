// SPDX-License-Identifier: GPL-2.0
/*
 * stacklab: per-thread stack usage under /proc/stacklab.
 *
 * Module entry: creates /proc/stacklab and its three files, and removes
 * them on unload.  The contract of the files is in kmod/README.md.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>

#include "stacklab.h"

static struct proc_dir_entry *stacklab_dir;

static int __init stacklab_init(void)
{
	int err;

	stacklab_dir = proc_mkdir("stacklab", NULL);
	if (!stacklab_dir)
		return -ENOMEM;
	err = stacklab_target_create(stacklab_dir);
	if (!err)
		err = stacklab_tasks_create(stacklab_dir);
	if (!err)
		err = stacklab_summary_create(stacklab_dir);
	if (err) {
		proc_remove(stacklab_dir);
		stacklab_target_release();
	}
	return err;
}

static void __exit stacklab_exit(void)
{
	/*
	 * proc_remove() waits for every read or write in progress and
	 * releases the files still open, so nothing of ours runs after it:
	 * only then is the target's reference dropped.
	 */
	proc_remove(stacklab_dir);
	stacklab_target_release();
}

module_init(stacklab_init);
module_exit(stacklab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-thread kernel and user stack usage under /proc/stacklab");
