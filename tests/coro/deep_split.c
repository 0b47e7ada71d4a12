// SPDX-License-Identifier: GPL-2.0
/* Built with -fsplit-stack: code whose frames grow a split coroutine's
 * segment chain (and that runs unchanged on a fixed stack). */
#include <string.h>

#include "deep_split.h"

/* Each level holds a KiB of its own, live across the call below it. */
unsigned long deep_split_recurse(unsigned int depth)
{
	volatile unsigned char frame[1024];
	unsigned long below;

	memset((void *)frame, (int)(depth & 0xff), sizeof(frame));
	if (!depth)
		return 0;
	below = deep_split_recurse(depth - 1);
	return below + frame[depth % sizeof(frame)];
}
