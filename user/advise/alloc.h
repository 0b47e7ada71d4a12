/* SPDX-License-Identifier: GPL-2.0 */
/* What libfut's allocator takes for an object of a given size. */
#ifndef ADVISE_ALLOC_H
#define ADVISE_ALLOC_H

#include <stddef.h>

size_t advise_alloc_bytes(size_t bytes);

#endif
