// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <libiberty/demangle.h>

#include "demangle.h"

bool sa_demangle(const char *sym, char *out, size_t len)
{
	/* No style bit: libiberty tries Rust, then the C++ ABI (auto). */
	char *d = cplus_demangle(sym, DMGL_PARAMS | DMGL_ANSI);

	snprintf(out, len, "%s", d ? d : sym);
	free(d);
	return d != NULL;
}
