// SPDX-License-Identifier: GPL-2.0
/* The latency histogram: exactness below 256, 0.8% above, percentiles. */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "common/histogram.h"

static struct histogram *new_hist(void)
{
	struct histogram *h = malloc(sizeof(*h));

	hist_init(h);
	return h;
}

/* |got - want| within 1/128 of want (the bucket width), plus one. */
static int close_to(uint64_t got, uint64_t want)
{
	uint64_t diff = got > want ? got - want : want - got;

	return diff <= want / 128 + 1;
}

TEST(empty_is_zero)
{
	struct histogram *h = new_hist();

	EXPECT_EQ(0, hist_percentile(h, 50));
	EXPECT_EQ(0, hist_percentile(h, 100));
	EXPECT_EQ(0, (int)hist_mean(h));
	free(h);
}

TEST(small_values_are_exact)
{
	struct histogram *h = new_hist();

	for (uint64_t v = 0; v < 256; v++)
		hist_record(h, v);
	EXPECT_EQ(127, hist_percentile(h, 50));
	EXPECT_EQ(0, hist_percentile(h, 0));
	EXPECT_EQ(255, hist_percentile(h, 100));
	/* Rank ceil(0.99 * 256) = 254: the value 253. */
	EXPECT_EQ(253, hist_percentile(h, 99));
	free(h);
}

TEST(uniform_percentiles_within_bucket_precision)
{
	struct histogram *h = new_hist();

	for (uint64_t v = 1; v <= 1000000; v++)
		hist_record(h, v * 1000);
	EXPECT_TRUE(close_to(hist_percentile(h, 50), 500000000ULL));
	EXPECT_TRUE(close_to(hist_percentile(h, 90), 900000000ULL));
	EXPECT_TRUE(close_to(hist_percentile(h, 99), 990000000ULL));
	EXPECT_TRUE(close_to(hist_percentile(h, 99.9), 999000000ULL));
	EXPECT_EQ(1000000000ULL, hist_percentile(h, 100));
	EXPECT_EQ(1000, h->min);
	EXPECT_EQ(1000000000ULL, h->max);
	EXPECT_TRUE(close_to((uint64_t)hist_mean(h), 500000500ULL));
	free(h);
}

TEST(percentile_never_exceeds_max)
{
	struct histogram *h = new_hist();

	/* 1000 falls in a bucket whose top is 1003. */
	hist_record(h, 1000);
	EXPECT_EQ(1000, hist_percentile(h, 50));
	EXPECT_EQ(1000, hist_percentile(h, 99.9));
	free(h);
}

TEST(tail_is_seen)
{
	struct histogram *h = new_hist();

	for (int i = 0; i < 999; i++)
		hist_record(h, 100000);
	hist_record(h, 50000000);
	EXPECT_TRUE(close_to(hist_percentile(h, 99.9), 100000));
	EXPECT_EQ(50000000, hist_percentile(h, 99.91));
	EXPECT_EQ(50000000, hist_percentile(h, 100));
	free(h);
}

TEST(every_value_lands_in_a_bucket_at_most_its_own_width_away)
{
	struct histogram *h = new_hist();

	/* One value at a time, at every scale the histogram covers. */
	for (int bit = 0; bit < HIST_MAX_BITS; bit++) {
		uint64_t v = (1ULL << bit) + (1ULL << bit) / 3;

		if (v > HIST_MAX_VALUE)
			break;
		hist_init(h);
		hist_record(h, v);
		hist_record(h, v + 1);
		ASSERT_TRUE(close_to(hist_percentile(h, 50), v)) TH_LOG("bit %d", bit);
	}
	free(h);
}

TEST(huge_values_clamp_and_count)
{
	struct histogram *h = new_hist();

	hist_record(h, UINT64_MAX);
	hist_record(h, 5);
	EXPECT_EQ(1, h->overflows);
	EXPECT_EQ(HIST_MAX_VALUE, hist_percentile(h, 100));
	EXPECT_EQ(5, hist_percentile(h, 50));
	free(h);
}

TEST(merge_adds_up)
{
	struct histogram *a = new_hist(), *b = new_hist();

	for (int i = 0; i < 100; i++)
		hist_record(a, 10);
	for (int i = 0; i < 100; i++)
		hist_record(b, 20000);
	hist_merge(a, b);
	EXPECT_EQ(200, a->count);
	EXPECT_EQ(10, a->min);
	EXPECT_EQ(20000, a->max);
	EXPECT_EQ(10, hist_percentile(a, 50));
	EXPECT_TRUE(close_to(hist_percentile(a, 51), 20000));
	free(a);
	free(b);
}

TEST_HARNESS_MAIN
