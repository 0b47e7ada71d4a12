/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise --binary BIN | --pid PID without a profile: a Rust program. */
#ifndef ADVISE_RUST_ADVISE_H
#define ADVISE_RUST_ADVISE_H

#include <stdbool.h>
#include <sys/types.h>

#include <stdint.h>

/* binary NULL: /proc/PID/exe.  pid 0: static only.  uprobes_ns: watch the
 * polls that long first (0: no).  The exit status. */
int rust_advise_main(const char *prog, const char *binary, pid_t pid, uint64_t uprobes_ns,
		     bool json);

#endif
