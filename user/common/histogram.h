/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HISTOGRAM_H
#define STACKLAB_HISTOGRAM_H

/*
 * A log-linear histogram in the HdrHistogram style: values below 256 are
 * counted exactly; above, each power of two is cut into 128 equal buckets,
 * so any value is known within 1/128 (0.8%) of itself.  Recording is a
 * shift and an increment; the whole thing is a fixed ~36 KiB, so one per
 * thread can be merged at the end.  Values are unsigned 64-bit (ns here);
 * those past HIST_MAX_VALUE count in the top bucket and in overflows.
 */
#include <stdint.h>

#define HIST_SUB_BITS 8
#define HIST_MAX_BITS 42	/* 2^42 ns: over an hour */
#define HIST_MAX_VALUE ((1ULL << HIST_MAX_BITS) - 1)
#define HIST_BUCKETS \
	((HIST_MAX_BITS - HIST_SUB_BITS + 2) << (HIST_SUB_BITS - 1))

struct histogram {
	uint64_t count;
	uint64_t overflows;
	uint64_t min;
	uint64_t max;
	double sum;
	uint64_t buckets[HIST_BUCKETS];
};

void hist_init(struct histogram *h);
void hist_record(struct histogram *h, uint64_t value);
void hist_merge(struct histogram *into, const struct histogram *from);

/*
 * The smallest value v such that at least pct percent of the recorded
 * values are <= v, to the bucket's precision and never above max.
 * 0 when empty.
 */
uint64_t hist_percentile(const struct histogram *h, double pct);

double hist_mean(const struct histogram *h);

#endif
