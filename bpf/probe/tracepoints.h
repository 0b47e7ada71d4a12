/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of stacklab-probe's programs can attach on the running kernel:
 * each program's tracepoint is looked up in tracefs before load, absent
 * ones are not loaded and are reported as missing instead of failing.
 */
#ifndef STACKLAB_TRACEPOINTS_H
#define STACKLAB_TRACEPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>

#define TP_MAX 32

struct tp_status {
	const char *attached[TP_MAX];	/* "category:event" */
	int n_attached;
	const char *missing[TP_MAX];
	int n_missing;
	const char *skipped[TP_MAX];	/* turned off by --no-syscalls */
	int n_skipped;
	struct bpf_link *links[TP_MAX];
	int n_links;
};

/*
 * Before load: turn autoload off for every program whose tracepoint is
 * absent, and with no_syscalls for those that need a syscall tracepoint.
 */
void tp_select(struct bpf_object *obj, struct tp_status *st, bool no_syscalls);

/* Whether category:event was found by tp_select(). */
bool tp_found(const struct tp_status *st, const char *category, const char *event);

/* After load: attach every loaded program.  -1 with a one-line err on failure. */
int tp_attach(struct bpf_object *obj, struct tp_status *st, char *err, size_t err_len);

void tp_detach(struct tp_status *st);

#endif
