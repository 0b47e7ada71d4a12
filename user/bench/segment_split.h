/* SPDX-License-Identifier: GPL-2.0 */
/* The split-stack half of segment_bench: built with -fsplit-stack. */
#ifndef SEGMENT_SPLIT_H
#define SEGMENT_SPLIT_H

#include <stdint.h>

/* Extra bytes of the innermost frame before the loop: 4 steps of 256. */
#define SEGMENT_PAD_STEPS 4

/*
 * Descend depth frames of about 1 KiB, then one of pad * 256 bytes, then
 * call a leaf with a 512-byte frame `calls` times.  Returns the TSC ticks
 * the loop took (rdtsc: no call into code without -fsplit-stack, whose
 * gold-adjusted frame would move the loop to a fresh segment).
 */
uint64_t segment_leaf_loop(unsigned int depth, unsigned int pad, long calls);

#endif
