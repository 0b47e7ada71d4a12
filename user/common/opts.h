/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_OPTS_H
#define STACKLAB_OPTS_H

/* Command-line numbers, parsed strictly, with errors that name the flag. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A byte count: digits with an optional K, M or G suffix (powers of 1024),
 * in [min, max].  On error prints "PROG: --FLAG: ..." and returns false.
 */
bool opts_size(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out);

/* A plain whole number in [min, max], same error convention. */
bool opts_uint(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out);

#endif
