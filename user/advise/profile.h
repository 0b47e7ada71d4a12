/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise: a libfut profile (libfut(3), "JSON format") in memory. */
#ifndef ADVISE_PROFILE_H
#define ADVISE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROF_UNKNOWN (-1)	/* an optional field the profile lacks */

struct prof_slot {
	char *name;
	unsigned int index;
	uint64_t offset, size;
	bool boxed;
	char *child;
	uint64_t child_size;
	uint64_t enters, entered, boxed_allocs;
	double entered_share, allocs_per_task;
	int64_t active, peak_active;	/* PROF_UNKNOWN in older profiles */
	int64_t box_alloc_bytes;	/* PROF_UNKNOWN in older profiles */
	/* Profiles with timing only, else PROF_UNKNOWN / < 0 / NULL: */
	int64_t branch_ns;		/* start to completion, all branches */
	double box_alloc_ns;		/* one box allocation and free */
	char *site;			/* "file.c:123" of the FUT_AWAIT */
};

struct prof_type {
	char *name;
	uint64_t state_size, task_bytes;
	uint64_t spawns, instances, live, peak_live;
	int64_t alloc_bytes;		/* PROF_UNKNOWN in older profiles */
	struct prof_slot *slots;
	size_t nslots;
};

struct profile {
	uint64_t task_header_bytes, pointer_bytes;
	uint64_t executors;
	int64_t rss_start_bytes, rss_bytes, rss_peak_bytes; /* or PROF_UNKNOWN */
	struct prof_type *types;
	size_t ntypes;
};

/* Load path; on error returns -1 with a one-line message in err (a syntax
 * error names its line and column). */
int profile_load(const char *path, struct profile *p, char *err, size_t errlen);
void profile_free(struct profile *p);
/* Whether any boxed slot carries branch_ns (the runtime timed branches). */
bool profile_has_timing(const struct profile *p);
const struct prof_type *profile_type(const struct profile *p, const char *name);

#endif
