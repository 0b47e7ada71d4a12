// SPDX-License-Identifier: GPL-2.0
/*
 * stacklab: per-thread stack usage under /proc/stacklab.
 *
 * Module entry and the /proc/stacklab directory.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>

static struct proc_dir_entry *stacklab_dir;

static int __init stacklab_init(void)
{
	stacklab_dir = proc_mkdir("stacklab", NULL);
	if (!stacklab_dir)
		return -ENOMEM;
	return 0;
}

static void __exit stacklab_exit(void)
{
	proc_remove(stacklab_dir);
}

module_init(stacklab_init);
module_exit(stacklab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-thread kernel and user stack usage under /proc/stacklab");
