/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frames stack-advise's workloads go deep and stay shallow in: deep()
 * holds a DEEP_BYTES array it writes itself, lowest address first, so the
 * deepest page is first touched in deep(); shallow() stays in one page.
 */
#ifndef SA_FRAMES_H
#define SA_FRAMES_H

#include <stddef.h>

#define DEEP_BYTES (64 * 1024)

static __attribute__((noinline)) unsigned int deep(unsigned int seed)
{
	volatile unsigned char big[DEEP_BYTES];
	unsigned int sum = 0;

	/* Lowest address first: the deepest page is touched here, in deep(). */
	for (size_t i = 0; i < sizeof(big); i += 64)
		big[i] = (unsigned char)(seed + i);
	for (size_t i = 0; i < sizeof(big); i += 64)
		sum += big[i];
	return sum;
}

static __attribute__((noinline)) unsigned int shallow(unsigned int seed)
{
	volatile unsigned char small[256];

	for (size_t i = 0; i < sizeof(small); i++)
		small[i] = (unsigned char)(seed ^ i);
	return small[seed % sizeof(small)];
}

#endif
