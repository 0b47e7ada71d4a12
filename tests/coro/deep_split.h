/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DEEP_SPLIT_H
#define DEEP_SPLIT_H

/* The sum of (d & 0xff) over levels 1..depth. */
unsigned long deep_split_recurse(unsigned int depth);

#endif
