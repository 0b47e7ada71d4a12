/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread's start routine, read from the outermost frames of its live
 * stack (bpf/README.md, "Thread classes").
 */
#ifndef SA_START_H
#define SA_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sym.h"

/* How much of a stack's top is read to find its outermost frames: the
 * TLS block, the thread's entry and the start routine's frame. */
#define SA_START_READ (64 * 1024)

/*
 * The start routine from words, the stack's resident top: n words from
 * address lo up.  false when the frames cannot be told (no outermost frame
 * in the CFI, a frame whose CFA is not sp-based, the thread running in the
 * routine itself).
 */
bool sa_start_routine_of(struct sa_symbolizer *sz, const uint64_t *words, size_t n,
			 uint64_t lo, struct sa_sym *out);

/* The same for thread tid of tgid, alive now, whose stack ends at top. */
bool sa_start_routine(struct sa_symbolizer *sz, pid_t tgid, pid_t tid, uint64_t top,
		      uint64_t reserve, uint64_t page_size, struct sa_sym *out);

#endif
