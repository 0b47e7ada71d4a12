/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe's reports: a snapshot of the kernel-side maps, the
 * difference of two (one interval), and its printing as a table or as one
 * line of JSON.
 */
#ifndef STACKLAB_REPORT_H
#define STACKLAB_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "kstack.h"
#include "stacks.h"
#include "stacklab-probe.h"
#include "tracepoints.h"

struct probe_maps {
	int counters_fd;	/* per-CPU struct counters */
	int gauges_fd;		/* struct gauges */
	int touched_fd;		/* struct thread_id -> stack bytes touched */
	int task_ts_fd;		/* tid -> struct task_ts */
};

struct thread_bytes {
	__u32 tid;
	__u64 start_ns;		/* with tid: one thread's lifetime */
	__u64 bytes;		/* every stack page it faulted in */
	__u64 own;		/* of which in its own stack */
};

struct snapshot {
	struct counters c;	/* summed over CPUs */
	struct gauges g;
	struct thread_bytes *touched;	/* by bytes, largest first; final only */
	size_t n_touched;
	/* Entries of the per-thread timestamp map: threads that switched or
	 * were woken while attached and have not exited; final only. */
	long timed_threads;
};

/* What does not change during a run. */
struct report_ctx {
	const char *target;		/* target_describe() */
	struct kstack_size kstack;
	const struct tp_status *tp;
	bool json;
	/* The target's thread stacks as /proc showed them at attach: their
	 * pages predate the probe, in no stack_ field. */
	struct stacks_at_attach at_attach;
};

/* One report: an interval's ("interval") or the whole run's ("final"). */
struct report_when {
	const char *kind;
	double elapsed_s;	/* since attach */
	double span_s;		/* covered by this report */
	bool target_exited;
	int exit_code;		/* command's exit status, -1 if none/unknown */
	int exit_signal;	/* signal that killed the command, 0 if none */
};

/* 0, or -errno.  with_threads: also read the per-thread map (sorted). */
int snapshot_read(const struct probe_maps *m, struct snapshot *s, bool with_threads);
void snapshot_free(struct snapshot *s);

/* Counters of now minus before; gauges are now's. */
void snapshot_delta(struct snapshot *out, const struct snapshot *now,
		    const struct snapshot *before);

void report_print(FILE *out, const struct report_ctx *ctx,
		  const struct report_when *when, const struct snapshot *s);

#endif
