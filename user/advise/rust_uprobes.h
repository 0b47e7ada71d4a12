/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise --uprobes: which states a running tokio program's tasks enter
 * while it watches (a BPF uprobe on each task type's raw::poll, which
 * reads the state the task waited in). */
#ifndef ADVISE_RUST_UPROBES_H
#define ADVISE_RUST_UPROBES_H

#include <stdint.h>
#include <sys/types.h>

#include "rust_census.h"
#include "rust_dwarf.h"

/* Watches pid's polls for ns nanoseconds; each (task, state) seen is added
 * to e.  binary: the file the uprobes go on (/proc/PID/exe).  -1 with one
 * line in err (no BPF, no permission, the process gone). */
int rs_uprobes_watch(pid_t pid, const char *binary, const struct rs_prog *p,
		     uint64_t ns, struct rs_entered *e, char *err, size_t errlen);

#endif
