/* SPDX-License-Identifier: GPL-2.0 */
/* Which DWARF struct is a profile type's state. */
#ifndef ADVISE_LAYOUT_H
#define ADVISE_LAYOUT_H

#include "dwarf.h"
#include "profile.h"

struct layout_match {
	const struct dw_struct *s;	/* NULL: none found */
	const char *how;		/* "name", "size and slot members" */
	/* Other future structs with the same slot members (variants of the
	 * type built another way, e.g. conn_inline and conn_boxed). */
	const struct dw_struct *variants[4];
	size_t nvariants;
};

void layout_match(const struct dw_info *di, const struct prof_type *t,
		  struct layout_match *m);

#endif
