// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "opts.h"

static bool parse(const char *prog, const char *flag, const char *text,
		  uint64_t min, uint64_t max, bool suffixes, uint64_t *out)
{
	unsigned long long value;
	uint64_t scale = 1;
	char *end;

	errno = 0;
	if (!text || *text < '0' || *text > '9')
		goto bad;
	value = strtoull(text, &end, 10);
	if (errno)
		goto range;
	if (suffixes && *end) {
		switch (*end++) {
		case 'k': case 'K': scale = 1ULL << 10; break;
		case 'm': case 'M': scale = 1ULL << 20; break;
		case 'g': case 'G': scale = 1ULL << 30; break;
		default: goto bad;
		}
	}
	if (*end)
		goto bad;
	if (value > UINT64_MAX / scale)
		goto range;
	value *= scale;
	if (value < min || value > max)
		goto range;
	*out = value;
	return true;
bad:
	fprintf(stderr, "%s: --%s: '%s' is not a %s\n", prog, flag,
		text ? text : "", suffixes ?
		"byte count (digits, optional K, M or G suffix)" :
		"whole number");
	return false;
range:
	fprintf(stderr, "%s: --%s: '%s' is out of range [%llu, %llu]\n", prog,
		flag, text, (unsigned long long)min, (unsigned long long)max);
	return false;
}

bool opts_size(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out)
{
	return parse(prog, flag, text, min, max, true, out);
}

bool opts_uint(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out)
{
	return parse(prog, flag, text, min, max, false, out);
}
