/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human units for stacklab-probe's tables: durations in ns, us, ms or s,
 * sizes in B, KiB, MiB or GiB, with three significant digits.  JSON keeps
 * the raw numbers.
 */
#ifndef STACKLAB_UNITS_H
#define STACKLAB_UNITS_H

#include <stddef.h>
#include <linux/types.h>

/* Room for any value either function writes. */
#define UNITS_LEN 32

/* "812 ns", "12.3 us", "4.56 ms", "5.79 s"; returns buf. */
const char *units_ns(char buf[UNITS_LEN], __u64 ns);

/* "512 B", "16.0 KiB", "1.50 MiB", "2.00 GiB"; negative gauges keep their sign. */
const char *units_bytes(char buf[UNITS_LEN], __s64 bytes);

#endif
