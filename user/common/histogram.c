// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>

#include "histogram.h"

#define HALF (1U << (HIST_SUB_BITS - 1))

/*
 * Values below 2^SUB_BITS map to themselves.  Above, with shift the number
 * of low bits dropped so that the rest fits SUB_BITS bits, the top half of
 * that range [HALF, 2*HALF) is all a bucket can hold: index is
 * (shift + 1) * HALF + (value >> shift) - HALF.
 */
static unsigned int bucket_of(uint64_t value)
{
	unsigned int shift;

	if (value < (1ULL << HIST_SUB_BITS))
		return value;
	shift = 64 - __builtin_clzll(value) - HIST_SUB_BITS;
	return (shift + 1) * HALF + (value >> shift) - HALF;
}

/* The highest value that falls in bucket index. */
static uint64_t bucket_top(unsigned int index)
{
	unsigned int shift;

	if (index < (1U << HIST_SUB_BITS))
		return index;
	shift = index / HALF - 1;
	return ((uint64_t)(index - shift * HALF) << shift) + (1ULL << shift) - 1;
}

void hist_init(struct histogram *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void hist_record(struct histogram *h, uint64_t value)
{
	if (value > HIST_MAX_VALUE) {
		h->overflows++;
		value = HIST_MAX_VALUE;
	}
	h->buckets[bucket_of(value)]++;
	h->count++;
	h->sum += value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
}

void hist_merge(struct histogram *into, const struct histogram *from)
{
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
	into->count += from->count;
	into->overflows += from->overflows;
	into->sum += from->sum;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

uint64_t hist_percentile(const struct histogram *h, double pct)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (pct <= 0)
		return h->min;
	/* The epsilon keeps 99.9% of 1000 at rank 999, not 1000. */
	rank = (uint64_t)ceil(pct / 100.0 * h->count - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t top = bucket_top(i);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}

double hist_mean(const struct histogram *h)
{
	return h->count ? h->sum / h->count : 0;
}
