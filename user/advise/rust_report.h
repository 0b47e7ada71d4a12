/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise for Rust: the await tree, the census and the advice, as text
 * or as the JSON of docs/design.md. */
#ifndef ADVISE_RUST_REPORT_H
#define ADVISE_RUST_REPORT_H

#include <stdio.h>

#include "rust_census.h"
#include "rust_dwarf.h"
#include "rust_model.h"

/* c may be NULL (static). */
void rs_report_text(FILE *f, const char *bin, const struct rs_prog *p,
		    const struct rs_census *c, const struct rs_advice *a);
int rs_report_json(FILE *f, const char *bin, const struct rs_prog *p,
		   const struct rs_census *c, const struct rs_advice *a);

#endif
