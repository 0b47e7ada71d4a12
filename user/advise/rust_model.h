/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise for Rust: which await to box, which local held across an
 * await to move to the heap, and what it saves a task (README.md, "RUST"). */
#ifndef ADVISE_RUST_MODEL_H
#define ADVISE_RUST_MODEL_H

#include "rust_census.h"
#include "rust_dwarf.h"

/* Only values held across an await of at least this size are looked at:
 * the same bar as a libfut slot (ADVISE_LARGE_SLOT_BYTES). */
#define RS_LARGE_BYTES 1024
/* No box when at least this share of the tasks wait there at once: they
 * would hold the box anyway, plus a pointer and an allocation. */
#define RS_KEEP_OCCUPANCY 0.5

struct rs_sug {
	int task;			/* the task type whose bytes shrink */
	int gen;			/* the machine holding the value */
	const struct rs_state *state;	/* first state holding it */
	const struct rs_held *held;
	int local;			/* a local, not an awaited child */
	uint64_t now, after;		/* bytes per task (its tokio Cell) */
	uint64_t box_bytes;		/* the boxed value's own allocation */
	uint64_t live, holding;		/* census: tasks, of them holding it */
	int have_census;
	double occupancy;
	int64_t saved_per_task, saved;	/* saved: at the census's tasks */
	char fix[512];
};

struct rs_advice {
	struct rs_sug *sug;
	size_t n;
};

/* c may be NULL (static: occupancy 0, no totals). */
int rs_advise(const struct rs_prog *p, const struct rs_census *c, struct rs_advice *a);
void rs_advice_free(struct rs_advice *a);
/* What glibc's malloc hands out for n bytes (the chunk, header included). */
uint64_t rs_malloc_bytes(uint64_t n);

#endif
