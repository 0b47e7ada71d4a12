// SPDX-License-Identifier: GPL-2.0
/*
 * The blocking-style calls, built with -fsplit-stack (mk/user.mk): split
 * code calls them as split code, so gold leaves its stack checks alone.
 * Each one only describes the call and hands it, through a pointer, to
 * coro.c, which switches to the executor; the libfut future runs there,
 * on the executor's stack.  Nothing here calls code built without
 * -fsplit-stack by name.
 */
#include "coro_internal.h"

static intptr_t call(enum coro_op op, int fd, void *buf, uint32_t len,
		     uint64_t ns)
{
	struct coro_call k = { .op = op, .fd = fd, .buf = buf, .len = len,
			       .ns = ns };

	return coro__call_out(&k);
}

intptr_t coro_recv(int fd, void *buf, uint32_t len, uint64_t timeout_ns)
{
	return call(CORO_OP_RECV, fd, buf, len, timeout_ns);
}

intptr_t coro_send(int fd, const void *buf, uint32_t len, uint64_t timeout_ns)
{
	return call(CORO_OP_SEND, fd, (void *)buf, len, timeout_ns);
}

intptr_t coro_read(int fd, void *buf, uint32_t len, uint64_t off)
{
	return call(CORO_OP_READ, fd, buf, len, off);
}

intptr_t coro_accept(int fd, uint64_t timeout_ns)
{
	return call(CORO_OP_ACCEPT, fd, NULL, 0, timeout_ns);
}

intptr_t coro_shutdown(int fd, int how)
{
	struct coro_call k = { .op = CORO_OP_SHUTDOWN, .fd = fd, .how = how };

	return coro__call_out(&k);
}

intptr_t coro_close(int fd)
{
	return call(CORO_OP_CLOSE, fd, NULL, 0, 0);
}

intptr_t coro_sleep(uint64_t ns)
{
	return call(CORO_OP_SLEEP, -1, NULL, 0, ns);
}

intptr_t coro_join(struct fut_handle h)
{
	struct coro_call k = { .op = CORO_OP_JOIN, .fd = -1, .join = h };

	return coro__call_out(&k);
}

void coro_yield(void)
{
	call(CORO_OP_YIELD, -1, NULL, 0, 0);
}

intptr_t coro_on_executor(coro_fn fn, void *arg)
{
	struct coro_call k = { .op = CORO_OP_EXEC, .fd = -1, .fn = fn,
			       .arg = arg };

	return coro__call_out(&k);
}
