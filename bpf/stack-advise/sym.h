/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack-advise's symbolizer: user addresses of a process to function,
 * file and line with libdw, from a copy of its /proc/PID/maps taken while
 * it ran (so it works after the process exited).  PIE executables and
 * shared libraries are placed by their mappings; separate debug info is
 * found by build ID under /usr/lib/debug/.build-id (libdwfl's standard
 * search).
 */
#ifndef SA_SYM_H
#define SA_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sa_sym {
	/* Demangled; "OBJECT+0xOFFSET" when no symbol covers the address. */
	char function[256];
	bool named;		/* a symbol covers it: only these are segmented */
	char file[256];		/* "" without debug info */
	int line;		/* 0 without debug info */
	char object[256];	/* the ELF file: executable or library */
	bool in_main;		/* in the target's executable (not a library) */
	uint64_t func_start;	/* the function's first address, 0 if none */
};

struct sa_symbolizer;

/* Copy /proc/PID/maps now; the latest copy is the one used.  0 or -errno. */
int sa_maps_snapshot(struct sa_symbolizer **sz, pid_t pid);

/* Whether addr is inside an executable mapping of the last snapshot. */
bool sa_is_text(const struct sa_symbolizer *sz, uint64_t addr);

/* Symbolize addr (for a return address pass addr - 1 for the call's line).
 * false when no module covers it. */
bool sa_symbolize(struct sa_symbolizer *sz, uint64_t addr, struct sa_sym *out);

/* The frame size at pc from the module's CFI: N when the CFA is sp + N
 * there (the return address is at sp + N - 8), -1 when the CFA is kept in
 * another register (a frame pointer, a variable-length array) or unknown. */
int64_t sa_cfa_sp_offset(struct sa_symbolizer *sz, uint64_t pc);

/* x86-64's DWARF numbers of the stack and frame pointers. */
#define SA_DWARF_RBP 6
#define SA_DWARF_RSP 7

/* The CFA rule at pc: the register it is based on (SA_DWARF_RSP,
 * SA_DWARF_RBP, ...), its offset in *offset; -1 for any other rule. */
int sa_cfa_rule(struct sa_symbolizer *sz, uint64_t pc, int64_t *offset);

/* Whether the CFI at pc says the return address is undefined: the
 * outermost frame of a thread (glibc's clone and clone3 child paths). */
bool sa_frame_outermost(struct sa_symbolizer *sz, uint64_t pc);

void sa_symbolizer_free(struct sa_symbolizer *sz);

#endif
