/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise output: text for people, --json for scripts. */
#ifndef ADVISE_REPORT_H
#define ADVISE_REPORT_H

#include <stdio.h>

#include "dwarf.h"
#include "model.h"

/* di may be NULL (no --binary). */
void report_text(FILE *f, const char *path, const struct profile *p,
		 const struct advice *a, const struct dw_info *di);
int report_json(FILE *f, const char *path, const struct profile *p,
		const struct advice *a, const struct dw_info *di);

#endif
