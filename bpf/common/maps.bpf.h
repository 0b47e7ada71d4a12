/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map idioms both BPF tools use: the one slot of an array of one, and an
 * insert that tells a full map (to count what was dropped) from a key
 * another CPU inserted first.
 */
#ifndef STACKLAB_MAPS_BPF_H
#define STACKLAB_MAPS_BPF_H

#include "kernel.bpf.h"

/* Slot 0 of an array (per-CPU or not) with max_entries 1. */
static __always_inline void *map_first(void *map)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(map, &zero);
}

/*
 * Insert key unless present; true only when the map was full.  A key that
 * is already there (a racing CPU made it) is not a drop.
 */
static __always_inline bool map_insert_full(void *map, const void *key,
					    const void *val)
{
	return bpf_map_update_elem(map, key, val, BPF_NOEXIST) == -E2BIG;
}

#endif /* STACKLAB_MAPS_BPF_H */
