/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol names as a reader knows them: C++ and Rust (legacy and v0) names
 * demangled by libiberty, the demangler binutils and gdb use; anything it
 * does not recognize (C names, damaged names) kept as it is.
 */
#ifndef SA_DEMANGLE_H
#define SA_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The readable name of sym into out (truncated to len); true when it was
 * demangled, false when copied unchanged.
 */
bool sa_demangle(const char *sym, char *out, size_t len);

#endif
