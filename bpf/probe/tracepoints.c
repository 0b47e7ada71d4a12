// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tracefs.h"
#include "tracepoints.h"

struct tp_entry {
	const char *prog;
	const char *name;	/* category:event, as reported */
	const char *renamed;	/* the same tracepoint's name on other kernels */
	/*
	 * Off with --no-syscalls.  Enabling any syscall tracepoint sends every
	 * syscall of every task down the slow path; the fault probe is useless
	 * without the stack ranges that sys_enter_mmap feeds.
	 */
	bool syscalls;
};

static const struct tp_entry tp_table[] = {
	{ "on_sched_switch", "sched:sched_switch", NULL, false },
	{ "on_sched_wakeup", "sched:sched_wakeup", NULL, false },
	{ "on_sched_wakeup_new", "sched:sched_wakeup_new", NULL, false },
	{ "on_task_newtask", "task:task_newtask", NULL, false },
	{ "on_sched_process_exit", "sched:sched_process_exit", NULL, false },
	{ "on_sys_enter", "raw_syscalls:sys_enter", NULL, true },
	{ "on_io_uring_enter", "syscalls:sys_enter_io_uring_enter", NULL, true },
	{ "on_io_uring_submit_req", "io_uring:io_uring_submit_req",
	  "io_uring:io_uring_submit_sqe", false },
	{ "on_io_uring_submit_sqe", "io_uring:io_uring_submit_sqe",
	  "io_uring:io_uring_submit_req", false },
	{ "on_io_uring_complete", "io_uring:io_uring_complete", NULL, false },
	{ "on_enter_mmap", "syscalls:sys_enter_mmap", NULL, true },
	{ "on_exit_mmap", "syscalls:sys_exit_mmap", NULL, true },
	{ "on_enter_clone3", "syscalls:sys_enter_clone3", NULL, true },
	{ "on_exit_clone3", "syscalls:sys_exit_clone3", NULL, true },
	{ "on_enter_munmap", "syscalls:sys_enter_munmap", NULL, true },
	{ "on_exit_munmap", "syscalls:sys_exit_munmap", NULL, true },
	{ "on_enter_mremap", "syscalls:sys_enter_mremap", NULL, true },
	{ "on_exit_mremap", "syscalls:sys_exit_mremap", NULL, true },
	{ "on_page_fault_user", "exceptions:page_fault_user", NULL, true },
	{ "on_page_fault_kernel", "exceptions:page_fault_kernel", NULL, true },
	{ "on_mm_page_alloc", "kmem:mm_page_alloc", NULL, true },
};

#define TP_COUNT (sizeof(tp_table) / sizeof(tp_table[0]))
_Static_assert(TP_COUNT <= TP_MAX, "raise TP_MAX");

static bool tp_exists(const char *name)
{
	char category[64];
	const char *colon = strchr(name, ':');

	snprintf(category, sizeof(category), "%.*s", (int)(colon - name), name);
	return tracefs_has_event(category, colon + 1);
}

void tp_select(struct bpf_object *obj, struct tp_status *st, bool no_syscalls)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < TP_COUNT; i++) {
		const struct tp_entry *e = &tp_table[i];
		struct bpf_program *prog =
			bpf_object__find_program_by_name(obj, e->prog);

		if (!prog)
			continue;
		if (no_syscalls && e->syscalls) {
			bpf_program__set_autoload(prog, false);
			st->skipped[st->n_skipped++] = e->name;
			continue;
		}
		if (tp_exists(e->name)) {
			st->attached[st->n_attached++] = e->name;
			continue;
		}
		bpf_program__set_autoload(prog, false);
		/* Renamed across kernels: missing only if neither name exists. */
		if (!e->renamed || !tp_exists(e->renamed))
			st->missing[st->n_missing++] = e->name;
	}
}

bool tp_found(const struct tp_status *st, const char *category, const char *event)
{
	char name[128];

	snprintf(name, sizeof(name), "%s:%s", category, event);
	for (int i = 0; i < st->n_attached; i++)
		if (strcmp(st->attached[i], name) == 0)
			return true;
	return false;
}

int tp_attach(struct bpf_object *obj, struct tp_status *st, char *err, size_t err_len)
{
	for (size_t i = 0; i < TP_COUNT; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(obj, tp_table[i].prog);
		struct bpf_link *link;

		if (!prog || !bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			snprintf(err, err_len,
				 "cannot attach to tracepoint %s: %s; is another tool holding it, or is tracefs readable?",
				 tp_table[i].name, strerror(errno));
			return -1;
		}
		st->links[st->n_links++] = link;
	}
	return 0;
}

void tp_detach(struct tp_status *st)
{
	for (int i = 0; i < st->n_links; i++)
		bpf_link__destroy(st->links[i]);
	st->n_links = 0;
}
