/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ASan's fiber annotations around each stack switch, so that it knows
 * which stack is running; nothing in builds without ASan.  libgcc's
 * __morestack does not annotate its segment switches: ASan is told about
 * a split coroutine's first segment only.
 */
#ifndef LIBFUT_CORO_ASAN_H
#define LIBFUT_CORO_ASAN_H

#include <stddef.h>

#ifdef __SANITIZE_ADDRESS__
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
				    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
				     const void **bottom_old, size_t *size_old);
#define coro_asan_start(save, bottom, size) \
	__sanitizer_start_switch_fiber((save), (bottom), (size))
#define coro_asan_finish(save, bottom_old, size_old) \
	__sanitizer_finish_switch_fiber((save), (bottom_old), (size_old))
#else
#define coro_asan_start(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define coro_asan_finish(save, bottom_old, size_old) \
	((void)(save), (void)(bottom_old), (void)(size_old))
#endif

#endif
