/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise --breakdown: where an idle task's bytes go. */
#ifndef ADVISE_IDLE_H
#define ADVISE_IDLE_H

#include <stdbool.h>
#include <stdio.h>

#include "dwarf.h"
#include "profile.h"

/*
 * The root type with the most live tasks at dump time, byte by byte: its
 * state's members (DWARF), the task header, the slab class's rounding,
 * libfut's per-task bookkeeping (the task table entry); then the process's
 * RSS growth per live task, as the profile measured it.  A timer in the
 * state takes nothing more in one of libfut's lanes; in the heap also a
 * pointer, which the profile cannot tell apart, so no row counts it.  0,
 * or -1 with the reason on stderr.
 */
int report_idle(FILE *f, const struct profile *p, const struct dw_info *di,
		bool json);

#endif
