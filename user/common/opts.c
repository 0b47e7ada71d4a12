// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

/* The Makefile passes the repository's VERSION; no build goes without. */
#ifndef STACKLAB_VERSION
#error "STACKLAB_VERSION undefined: build with the Makefile (it reads VERSION)"
#endif

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

/* Largest first, so that opts_duration_str() picks the largest exact one. */
static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] = {
	{ "h", 3600 * OPTS_NSEC_PER_SEC },
	{ "m", 60 * OPTS_NSEC_PER_SEC },
	{ "s", OPTS_NSEC_PER_SEC },
	{ "ms", OPTS_NSEC_PER_MSEC },
	{ "us", OPTS_NSEC_PER_USEC },
	{ "ns", 1 },
};

#define N_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

/* Nanoseconds per unit named by the whole of text; 0 when none is. */
static uint64_t unit_ns(const char *text)
{
	if (!*text)
		return OPTS_NSEC_PER_SEC;
	for (size_t i = 0; i < N_UNITS; i++)
		if (!strcmp(text, duration_units[i].name))
			return duration_units[i].ns;
	return 0;
}

bool opts_duration(const char *prog, const char *flag, const char *text,
		   uint64_t min_ns, uint64_t max_ns, uint64_t *out_ns)
{
	/* Fraction digits past 18 cannot change a result in nanoseconds. */
	unsigned __int128 whole = 0, frac = 0, frac_den = 1, ns;
	char lo[32], hi[32];
	const char *p = text;
	uint64_t unit;

	if (!p || *p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > UINT64_MAX)
			goto range;
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (frac_den < 1000000000000000000ULL) {
				frac = frac * 10 + (*p - '0');
				frac_den *= 10;
			}
		}
	}
	unit = unit_ns(p);
	if (!unit)
		goto bad;
	ns = whole * unit + frac * unit / frac_den;
	if (ns > UINT64_MAX)
		goto range;
	if (ns < min_ns || ns > max_ns)
		goto range;
	*out_ns = (uint64_t)ns;
	return true;
bad:
	fprintf(stderr,
		"%s: --%s: '%s' is not a duration (a number with an optional unit ns, us, ms, s, m or h, e.g. 500ms, 2s, 1m; a bare number is seconds)\n",
		prog, flag, text ? text : "");
	return false;
range:
	fprintf(stderr, "%s: --%s: '%s' is out of range [%s, %s]\n", prog, flag,
		text, opts_duration_str(min_ns, lo, sizeof(lo)),
		opts_duration_str(max_ns, hi, sizeof(hi)));
	return false;
}

bool opts_seconds(const char *prog, const char *flag, const char *text,
		  uint64_t min_s, uint64_t max_s, uint64_t *out_s)
{
	uint64_t ns;

	/* Above min_s - 1 s, so that what rounds up to min_s is taken. */
	if (!opts_duration(prog, flag, text,
			   min_s ? OPTS_SEC(min_s - 1) + 1 : 0, OPTS_SEC(max_s),
			   &ns))
		return false;
	*out_s = (ns + OPTS_NSEC_PER_SEC - 1) / OPTS_NSEC_PER_SEC;
	return true;
}

int opts_timeout_ms(double seconds)
{
	double ms = seconds * 1000;
	int whole;

	if (!(ms > 0))
		return 0;
	if (ms >= INT_MAX)
		return INT_MAX;
	whole = (int)ms;
	return whole + (whole < ms);
}

char *opts_duration_str(uint64_t ns, char *buf, size_t len)
{
	size_t i = 0;

	if (ns)
		while (ns % duration_units[i].ns)
			i++;
	else
		i = 2;	/* "0s" */
	snprintf(buf, len, "%llu%s",
		 (unsigned long long)(ns / duration_units[i].ns),
		 duration_units[i].name);
	return buf;
}

const char *opts_version(void)
{
	return STACKLAB_VERSION;
}

void opts_print_version(const char *prog)
{
	printf("%s (stacklab) %s\n", prog, STACKLAB_VERSION);
}

int opts_bad_option(const char *prog, int opt, char **argv)
{
	const char *typed = argv[optind - 1];
	int len = (int)strcspn(typed, "=");
	bool is_long = !strncmp(typed, "--", 2);
	const char *what = opt == ':' ? "missing value for option" :
			   "unknown option";

	/*
	 * getopt sets optopt to 0 for an unknown long option and to the
	 * option's value for a known one it refused; for a short one
	 * refused mid-cluster ("-xq"), argv[optind - 1] is the argument
	 * before it: a short option is named by optopt.
	 */
	if (is_long && opt == '?' && optopt) {
		if (typed[len] != '=')
			is_long = false;
		else
			what = "no value taken by option";
	}
	if (is_long)
		fprintf(stderr, "%s: %s '%.*s'; try '%s --help'\n", prog, what,
			len, typed, prog);
	else
		fprintf(stderr, "%s: %s '-%c'; try '%s --help'\n", prog, what,
			optopt, prog);
	return 2;
}

int opts_stray_argument(const char *prog, const char *arg)
{
	fprintf(stderr, "%s: unexpected argument '%s'; try '%s --help'\n",
		prog, arg, prog);
	return 2;
}

void opts_deprecated(const char *prog, const char *old, const char *now)
{
	fprintf(stderr,
		"%s: warning: %s is deprecated and goes in the next release: use %s\n",
		prog, old, now);
}
