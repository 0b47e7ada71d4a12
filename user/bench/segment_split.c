// SPDX-License-Identifier: GPL-2.0
/*
 * Built with -fsplit-stack.  Every function here has a split-stack
 * prologue and calls only functions that have one, so that gold adds no
 * "calls code without it" adjustment and the frames land where their
 * sizes put them.
 */
#include <x86intrin.h>

#include "segment_split.h"

static volatile long sink;

/* The leaf: a frame of 512 bytes. */
__attribute__((noinline)) static long leaf(long x)
{
	volatile char frame[512];

	frame[0] = (char)x;
	frame[511] = (char)(x >> 8);
	return frame[0] + frame[511];
}

__attribute__((noinline)) static uint64_t loop(long calls)
{
	uint64_t t0 = __rdtsc(), t1;
	long sum = 0;

	for (long i = 0; i < calls; i++)
		sum += leaf(i);
	t1 = __rdtsc();
	sink = sum;
	return t1 - t0;
}

#define PAD_FN(n)                                                             \
	__attribute__((noinline)) static uint64_t pad_##n(long calls)         \
	{                                                                     \
		volatile char frame[(n) * 256 + 16];                          \
		uint64_t t;                                                   \
		frame[0] = 1;                                                 \
		t = loop(calls);                                              \
		return t + frame[0] - 1;                                      \
	}
PAD_FN(0) PAD_FN(1) PAD_FN(2) PAD_FN(3)

static uint64_t (*const pads[SEGMENT_PAD_STEPS])(long) = {
	pad_0, pad_1, pad_2, pad_3,
};

__attribute__((noinline)) static uint64_t descend(unsigned int depth,
						  unsigned int pad, long calls)
{
	volatile char frame[1000];
	uint64_t t;

	frame[0] = (char)depth;
	/* An indirect call: gold adds no adjustment, and all are split. */
	t = depth ? descend(depth - 1, pad, calls) : pads[pad](calls);
	return t + frame[0] - (char)depth;
}

uint64_t segment_leaf_loop(unsigned int depth, unsigned int pad, long calls)
{
	return descend(depth, pad % SEGMENT_PAD_STEPS, calls);
}
