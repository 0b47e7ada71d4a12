// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "units.h"

/* v / scale with three significant digits, then the unit. */
static const char *scaled(char buf[UNITS_LEN], double v, const char *unit)
{
	const char *fmt = v >= 100 || v <= -100 ? "%.0f %s" :
			  v >= 10 || v <= -10 ? "%.1f %s" : "%.2f %s";

	snprintf(buf, UNITS_LEN, fmt, v, unit);
	return buf;
}

const char *units_ns(char buf[UNITS_LEN], __u64 ns)
{
	if (ns < 1000) {
		snprintf(buf, UNITS_LEN, "%llu ns", (unsigned long long)ns);
		return buf;
	}
	if (ns < 1000000)
		return scaled(buf, ns / 1e3, "us");
	if (ns < 1000000000)
		return scaled(buf, ns / 1e6, "ms");
	return scaled(buf, ns / 1e9, "s");
}

const char *units_bytes(char buf[UNITS_LEN], __s64 bytes)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024 && bytes > -1024) {
		snprintf(buf, UNITS_LEN, "%lld B", (long long)bytes);
		return buf;
	}
	while (i < 3 && (v >= 1024 || v <= -1024)) {
		v /= 1024;
		i++;
	}
	return scaled(buf, v, unit[i]);
}
