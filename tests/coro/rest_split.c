// SPDX-License-Identifier: GPL-2.0
/* Built with -fsplit-stack, without sanitizers: the code a split coroutine
 * runs on its way to rest in coro_recv.  Only rest_split_plain_then_recv
 * calls code built without -fsplit-stack by name (a function pointer, as
 * rest_split_exec_then_recv gets, is not seen by gold). */
#include "rest_split.h"

intptr_t rest_split_recv(int fd, char *buf, uint32_t len)
{
	return coro_recv(fd, buf, len, 0);
}

/* A KiB of its own per level, written byte by byte (no memset call). */
static unsigned long deep(unsigned int depth)
{
	volatile unsigned char frame[1024];

	for (unsigned int i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)depth;
	if (!depth)
		return 0;
	return deep(depth - 1) + frame[depth % sizeof(frame)];
}

intptr_t rest_split_deep_then_recv(int fd, char *buf, uint32_t len,
				   unsigned int depth)
{
	if (!deep(depth) && depth)
		return -1;
	return rest_split_recv(fd, buf, len);
}

intptr_t rest_split_exec_then_recv(int fd, char *buf, uint32_t len,
				   coro_fn fn, void *arg)
{
	if (coro_on_executor(fn, arg) < 0)
		return -1;
	return rest_split_recv(fd, buf, len);
}

intptr_t rest_split_plain_then_recv(int fd, char *buf, uint32_t len,
				    void *arg)
{
	if (rest_plain_format(arg) < 0)
		return -1;
	return rest_split_recv(fd, buf, len);
}
