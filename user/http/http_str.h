/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HTTP_STR_H
#define STACKLAB_HTTP_STR_H

/*
 * The few libc string calls of the HTTP subset.  Normally libc's own.  In
 * code built for split coroutine stacks (STACKLAB_SPLIT_STACK, mk/user.mk)
 * plain loops compiled with it: a call from -fsplit-stack code into libc
 * makes gold ask the caller's prologue for a large contiguous margin
 * (1 MiB through __morestack_non_split for small frames), which maps a
 * segment that the coroutine then keeps.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#ifndef STACKLAB_SPLIT_STACK
#define http_memchr memchr
#define http_strchr strchr
#define http_memcmp memcmp
#define http_strncasecmp strncasecmp
#define http_memcpy memcpy
#define http_memmove memmove
#define http_strlen strlen
#else
static inline const void *http_memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return p;
	return NULL;
}

static inline const char *http_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return s;
		if (!*s)
			return NULL;
	}
}

static inline size_t http_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline int http_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

static inline int http_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static inline int http_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = http_lower((unsigned char)*a) - http_lower((unsigned char)*b);

		if (d || !*a)
			return d;
	}
	return 0;
}

static inline void *http_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s)
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	else
		while (n--)
			d[n] = s[n];
	return dst;
}
#define http_memcpy http_memmove
#endif

#endif
