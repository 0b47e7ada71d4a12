/* SPDX-License-Identifier: GPL-2.0 */
#ifndef REST_SPLIT_H
#define REST_SPLIT_H

#include <stdint.h>

#include "libfut/fut_coro.h"

/* Split code (rest_split.c) that ends waiting in coro_recv on fd. */
intptr_t rest_split_recv(int fd, char *buf, uint32_t len);
/* The same after depth KiB-sized frames that returned. */
intptr_t rest_split_deep_then_recv(int fd, char *buf, uint32_t len,
				   unsigned int depth);
/* The same after fn(arg) ran through coro_on_executor. */
intptr_t rest_split_exec_then_recv(int fd, char *buf, uint32_t len,
				   coro_fn fn, void *arg);
/* Built without -fsplit-stack (in the test itself): formats into arg. */
intptr_t rest_plain_format(void *arg);
/* The same after a call of rest_plain_format by name, which gold sees
 * (and routes this caller through __morestack_non_split). */
intptr_t rest_split_plain_then_recv(int fd, char *buf, uint32_t len,
				    void *arg);

#endif
