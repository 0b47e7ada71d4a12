/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the stacklab.ko tests (test VM only): loading and
 * unloading the module, setting the target, parsing tasks and summary,
 * and watching the kernel log.
 */
#ifndef STACKLAB_TEST_H
#define STACKLAB_TEST_H

#include <stddef.h>
#include <sys/types.h>

#define SL_TARGET  "/proc/stacklab/target"
#define SL_TASKS   "/proc/stacklab/tasks"
#define SL_SUMMARY "/proc/stacklab/summary"

/* One row of /proc/stacklab/tasks. */
struct sl_row {
	pid_t tgid;
	pid_t tid;
	char comm[32];
	unsigned long kstack_size;
	unsigned long kstack_used;
	unsigned long ustack_size;
	unsigned long ustack_resident;
	unsigned long ustack_used;
	unsigned long nvcsw;
	unsigned long nivcsw;
	int ustack_exact;	/* 1: ustack_* are the thread's own stack */
};

/* /proc/stacklab/summary; a key that is missing stays -1. */
struct sl_summary {
	long target;
	long threads;
	long kstack_size_total;
	long kstack_used_total;
	long kstack_used_max;
	long ustack_size_total;
	long ustack_resident_total;
	long ustack_resident_max;
	long ustack_inexact;
};

/*
 * Load kmod/$(uname -r)/stacklab.ko (relative to the build tree, the cwd
 * of every test) unless /proc/stacklab exists.  Returns 1 if this call
 * loaded it, 0 if it was loaded already, -errno on failure.
 */
int sl_module_load(void);
/* rmmod stacklab: 0 or -errno. */
int sl_module_unload(void);

/* Write @len bytes of @buf to the target file in one write(): 0 or -errno. */
int sl_write_target(const void *buf, size_t len);
/* Write the decimal @tgid: 0 or -errno. */
int sl_set_target(pid_t tgid);
/* The target file's value, or -errno. */
long sl_get_target(void);

/*
 * Read every row of tasks into a malloc()ed array (*rows, free() it).
 * Returns the row count, or -errno; -EPROTO if the header or a row does not
 * parse.
 */
int sl_read_tasks(struct sl_row **rows);
/* The row of @tid in @rows, or NULL. */
const struct sl_row *sl_find_row(const struct sl_row *rows, int n, pid_t tid);
/* Read summary: 0, or -errno (-EPROTO if a line does not parse). */
int sl_read_summary(struct sl_summary *sum);

/* Read the whole of @path into @buf (NUL-terminated): bytes, or -errno. */
ssize_t sl_read_file(const char *path, char *buf, size_t size);

/*
 * A child process whose threads wait, each with a stack of @stack_size
 * bytes (0: glibc's default) of which it touched @touch_pages pages.
 */
struct sl_child {
	pid_t pid;
	int nthreads;	/* besides the main thread */
	int stop_fd;	/* closing it ends the child */
};

/* Start the child and wait until every thread is blocked: 0 or -errno. */
int sl_child_start(struct sl_child *c, int nthreads, size_t stack_size,
		   int touch_pages);
/* End the child and reap it; its exit status, or -errno. */
int sl_child_stop(struct sl_child *c);
/* Touch @pages pages of the caller's stack, below its frame, once each. */
void sl_touch_stack(int pages);

/* A /dev/kmsg reader positioned at the end of the log, or -errno. */
int sl_kmsg_open(void);
/*
 * Lines logged since sl_kmsg_open() (or the last call) that contain BUG,
 * WARNING, Oops or "Call Trace"; the first is copied to @first.
 */
int sl_kmsg_bad_lines(int fd, char *first, size_t size);

#endif /* STACKLAB_TEST_H */
