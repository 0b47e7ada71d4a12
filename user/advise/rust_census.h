/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise for Rust: a census of a running tokio program's tasks, read
 * with process_vm_readv while it runs (it is never stopped). */
#ifndef ADVISE_RUST_CENSUS_H
#define ADVISE_RUST_CENSUS_H

#include <stdint.h>
#include <sys/types.h>

#include "rust_dwarf.h"

/* A task seen in a state of its root machine: by a uprobe on poll, or by
 * the census. */
struct rs_entry {
	uint64_t header, discr;
	uint32_t type;
};

struct rs_entered {
	struct rs_entry *v;
	size_t n, cap;
};

struct rs_census {
	pid_t pid;
	uint64_t *gen_live;	/* per machine: instances in live tasks */
	uint64_t **state_live;	/* per machine, per state */
	uint64_t *task_live;	/* per task type */
	uint64_t **state_entered;	/* per root machine and state, with
					 * --uprobes (else NULL; a child's NULL) */
	uint64_t vtables;	/* task vtables found in the binary's data */
	uint64_t candidates;	/* words equal to one in the scanned memory */
	uint64_t rejected;	/* of them, stale copies and freed tasks */
	uint64_t scanned_bytes;
	uint64_t boxes_unknown;	/* boxed children of a type not in the DWARF */
};

/* Counts pid's live tasks per machine and state.  -1 with one line in err:
 * no such process, no permission, not a tokio program, a tokio whose task
 * layout is not understood, the process gone mid-read.  With e (what
 * --uprobes saw), each root state's entered count: the distinct tasks in
 * e or in that state now. */
int rs_census_run(pid_t pid, const struct rs_prog *p, struct rs_census *c,
		  struct rs_entered *e, char *err, size_t errlen);
int rs_entered_add(struct rs_entered *e, uint64_t header, uint64_t discr, uint32_t type);
void rs_entered_free(struct rs_entered *e);
void rs_census_free(struct rs_census *c);

#endif
