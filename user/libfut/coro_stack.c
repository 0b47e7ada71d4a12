// SPDX-License-Identifier: GPL-2.0
/* Stacks of either kind, behind one pair of calls. */
#include <errno.h>

#include "coro_internal.h"

int coro_stack_get(struct coro_stack *s, enum coro_stack_kind kind,
		   size_t size)
{
	if (size < CORO_STACK_MIN)
		return -EINVAL;
	s->kind = kind;
	return kind == CORO_STACK_SPLIT ? coro_split_get(s, size) :
					  coro_fixed_get(s, size);
}

void coro_stack_put(struct coro_stack *s)
{
	if (s->kind == CORO_STACK_SPLIT)
		coro_split_put(s);
	else
		coro_fixed_put(s);
}
