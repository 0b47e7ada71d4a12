// SPDX-License-Identifier: GPL-2.0
/*
 * stacklab-probe, kernel side: context switches, run-queue latency, thread
 * creation, stack reservation and first-touch faults, syscalls and io_uring
 * traffic of one target, aggregated in maps.  Only tp/ and raw_tp/ programs
 * (no kprobes, fentry or tp_btf); CO-RE so that one object loads on 6.1,
 * 6.12 and 6.18.
 *
 * One object, one skeleton: the parts below are headers by concern, in the
 * order they use each other (follow first: every part asks whether a task
 * is the target and adds to its counters).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "clone3.bpf.h"
#include "kernel.bpf.h"
#include "maps.bpf.h"
#include "stacklab-probe.h"

#include "follow.bpf.h"
#include "sched.bpf.h"
#include "ranges.bpf.h"
#include "stack-calls.bpf.h"
#include "faults.bpf.h"
#include "threads.bpf.h"
#include "syscalls.bpf.h"

char LICENSE[] SEC("license") = "GPL";
