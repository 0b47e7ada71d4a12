/* SPDX-License-Identifier: GPL-2.0 */
/* Log2 histograms (struct hist of stacklab-probe.h): text and JSON. */
#ifndef STACKLAB_HIST_H
#define STACKLAB_HIST_H

#include <stdio.h>
#include <jansson.h>
#include <linux/types.h>

#include "stacklab-probe.h"

/* Values recorded, over every slot. */
__u64 hist_count(const struct hist *h);

/* Draw h like libbpf-tools do: one line per slot, a bar of stars. */
void hist_print(FILE *out, const struct hist *h, const char *unit);

/*
 * {"unit", "count", "sum", "mean", "buckets": [{"low", "high", "count"}]},
 * buckets from slot 0 up to the last non-empty one; NULL on allocation failure.
 */
json_t *hist_json(const struct hist *h, const char *unit);

#endif
