/* SPDX-License-Identifier: GPL-2.0 */
/* stack-advise's output: a table and the ranked suggestions, or JSON. */
#ifndef SA_REPORT_H
#define SA_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "stacks.h"

struct sa_report_ctx {
	const char *target;		/* "pid 12", "command ./x (pid 12)" */
	bool attached_late;		/* -p: pages touched before are not seen */
	uint64_t page_size;
	struct sa_counters counters;
	struct stacks_at_attach at_attach;	/* -p: what predates attach */
};

void sa_report_text(FILE *f, const struct sa_report_ctx *c, const struct sa_result *r);
/* 0, or -1 when the JSON could not be written. */
int sa_report_json(FILE *f, const struct sa_report_ctx *c, const struct sa_result *r);

#endif
