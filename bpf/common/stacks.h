/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stacks a process's threads already have when a tool attaches: each
 * thread's stack mapping (the one holding its sp, from /proc), and its
 * resident pages from /proc/PID/pagemap.  What was touched before attach
 * faults no more, so without this a warm server shows nothing.
 */
#ifndef STACKLAB_STACKS_H
#define STACKLAB_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct stack_vma {
	uint64_t start, end;	/* the mapping, end is the stack's top */
	uint64_t resident;	/* bytes resident now */
	uint64_t lowest;	/* the lowest resident page, end when none */
};

/* The sp of a thread blocked in a system call (/proc/PID/task/TID/syscall);
 * false while it runs on a CPU. */
bool stacks_thread_sp(pid_t tgid, pid_t tid, uint64_t *sp);

/* The mapping of /proc/PID/maps that holds addr. */
bool stacks_mapping_of(pid_t pid, uint64_t addr, uint64_t *start, uint64_t *end);

/* Thread tid's stack mapping and its resident pages; false when unknown. */
bool stacks_of_thread(pid_t tgid, pid_t tid, uint64_t page_size, struct stack_vma *v);

/*
 * The resident pages at the top of a stack, [top - N, top) into buf (max
 * bytes, top and max multiples of 8): N is where the first page that is
 * not present (or max) stops it.  Pages never touched are not read: a read
 * would map the zero page, and the target's first write there would then
 * be a protection fault the tools do not count.
 */
size_t stacks_read_top(pid_t pid, uint64_t top, uint64_t max, uint64_t page_size,
		       uint64_t *buf);

/* What every thread's stack held at attach, summed. */
struct stacks_at_attach {
	uint64_t threads;	/* threads whose stack was found */
	uint64_t resident_bytes;
	uint64_t deepest;	/* the largest top - lowest resident page */
};

void stacks_at_attach_add(struct stacks_at_attach *s, const struct stack_vma *v);

#endif
