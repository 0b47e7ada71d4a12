/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise for Rust: a census of a running tokio program's tasks, read
 * with process_vm_readv while it runs (it is never stopped). */
#ifndef ADVISE_RUST_CENSUS_H
#define ADVISE_RUST_CENSUS_H

#include <stdint.h>
#include <sys/types.h>

#include "rust_dwarf.h"

struct rs_census {
	pid_t pid;
	uint64_t *gen_live;	/* per machine: instances in live tasks */
	uint64_t **state_live;	/* per machine, per state */
	uint64_t *task_live;	/* per task type */
	uint64_t vtables;	/* task vtables found in the binary's data */
	uint64_t candidates;	/* words equal to one in the scanned memory */
	uint64_t rejected;	/* of them, stale copies and freed tasks */
	uint64_t scanned_bytes;
	uint64_t boxes_unknown;	/* boxed children of a type not in the DWARF */
};

/* Counts pid's live tasks per machine and state.  -1 with one line in err:
 * no such process, no permission, not a tokio program, a tokio whose task
 * layout is not understood, the process gone mid-read. */
int rs_census_run(pid_t pid, const struct rs_prog *p, struct rs_census *c,
		  char *err, size_t errlen);
void rs_census_free(struct rs_census *c);

#endif
