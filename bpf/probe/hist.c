// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "hist.h"
#include "units.h"

#define BAR_WIDTH 40

/* Slot i holds [2^i, 2^(i+1)); slot 0 also holds 0. */
static __u64 slot_low(int i)
{
	return i ? 1ULL << i : 0;
}

static __u64 slot_high(int i)
{
	return (1ULL << (i + 1)) - 1;
}

__u64 hist_count(const struct hist *h)
{
	__u64 n = 0;

	for (int i = 0; i < HIST_SLOTS; i++)
		n += h->slots[i];
	return n;
}

static int last_used_slot(const struct hist *h)
{
	int last = -1;

	for (int i = 0; i < HIST_SLOTS; i++)
		if (h->slots[i])
			last = i;
	return last;
}

void hist_print(FILE *out, const struct hist *h, const char *unit)
{
	int first = -1, last = last_used_slot(h);
	char mean[UNITS_LEN];
	__u64 max = 0, n = hist_count(h);

	if (last < 0) {
		fprintf(out, "    (no samples)\n");
		return;
	}
	for (int i = 0; i <= last; i++) {
		if (h->slots[i] && first < 0)
			first = i;
		if (h->slots[i] > max)
			max = h->slots[i];
	}
	fprintf(out, "    %24s : %-10s distribution\n", unit, "count");
	for (int i = first; i <= last; i++) {
		int stars = (int)(h->slots[i] * BAR_WIDTH / max);

		fprintf(out, "    %10llu -> %-10llu : %-10llu |%-*.*s|\n",
			(unsigned long long)slot_low(i),
			(unsigned long long)slot_high(i),
			(unsigned long long)h->slots[i], BAR_WIDTH, stars,
			"****************************************");
	}
	if (strcmp(unit, "nsecs") == 0)
		fprintf(out, "    count %llu, mean %s\n", (unsigned long long)n,
			units_ns(mean, n ? h->sum / n : 0));
	else
		fprintf(out, "    count %llu, mean %llu %s\n", (unsigned long long)n,
			(unsigned long long)(n ? h->sum / n : 0), unit);
}

json_t *hist_json(const struct hist *h, const char *unit)
{
	int last = last_used_slot(h);
	__u64 n = hist_count(h);
	json_t *buckets = json_array();

	if (!buckets)
		return NULL;
	for (int i = 0; i <= last; i++)
		json_array_append_new(buckets,
			json_pack("{s:I,s:I,s:I}",
				  "low", (json_int_t)slot_low(i),
				  "high", (json_int_t)slot_high(i),
				  "count", (json_int_t)h->slots[i]));
	return json_pack("{s:s,s:I,s:I,s:I,s:o}", "unit", unit,
			 "count", (json_int_t)n, "sum", (json_int_t)h->sum,
			 "mean", (json_int_t)(n ? h->sum / n : 0),
			 "buckets", buckets);
}
