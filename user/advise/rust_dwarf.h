/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise for Rust: every async fn and async block state machine of a
 * binary, and tokio's task cells, read from its DWARF (libdw).  Nothing is
 * hard-coded: offsets, discriminants and sizes all come from the DWARF that
 * rustc wrote (README.md, "RUST"). */
#ifndef ADVISE_RUST_DWARF_H
#define ADVISE_RUST_DWARF_H

#include <stddef.h>
#include <stdint.h>

enum rs_kind {
	RS_VALUE,	/* a plain value: a local, an argument, a hand-written future */
	RS_INLINE,	/* a child state machine held in place */
	RS_BOXED,	/* a pointer to a child (Pin<Box<..>>, Box<..>) */
};

/* A value held across an await: a member of a suspend state. */
struct rs_held {
	char *name;		/* "__awaitee", "scratch", "s" */
	char *type;
	uint64_t offset, size;	/* within the state machine */
	enum rs_kind kind;
	int child;		/* index into rs_prog.gens, -1: none or unknown */
	uint64_t child_off;	/* INLINE: the child at offset + child_off;
				 * BOXED: the pointer at offset + child_off, the
				 * child at the pointer + box_inner */
	uint64_t box_inner;
	int dyn;		/* BOXED: a dyn Future, type known only at run time */
	uint64_t vt_off;	/* dyn: its vtable pointer at offset + vt_off */
};

struct rs_state {
	char *name;		/* Unresumed, Returned, Panicked, Suspend0 ... */
	uint64_t discr;
	char *file;		/* of the await (Suspend), of the fn (Unresumed) */
	int line;
	uint64_t bytes;		/* end of its last held value */
	struct rs_held *held;
	size_t nheld;
	int suspend;		/* a SuspendN state: waiting at an await */
};

/* One async fn's or async block's state machine ({async_fn_env#0}). */
struct rs_gen {
	char *name;		/* crate::path::fn, or ...::{async_block_env#N} */
	char *file;
	int line;
	uint64_t size, align;
	uint64_t discr_off, discr_size;
	struct rs_state *states;
	size_t nstates;
	int task;		/* index into rs_prog.tasks when it is a task's root, else -1 */
};

/* A tokio task type: Cell<T, S>, laid out as tokio 1.24's core.rs. */
struct rs_task {
	char *name;		/* "T, S" */
	int gen;		/* T's state machine, -1 if T is not one */
	uint64_t future_inner;	/* the state machine at future_off + future_inner */
	uint64_t size;
	uint64_t state_off, vtable_off, future_off, prev_off, next_off;
	uint64_t stage_discr_off, stage_discr_size;	/* absolute in the cell */
	uint64_t running_discr;	/* Stage::Running's discriminant ... */
	int running_is_default;	/* ... or every value no other variant has */
	uint64_t other_discr[4];
	size_t nother;
	uint64_t trailer_vt_off;	/* Vtable's trailer_offset member, or -1 */
	uint64_t poll_addr;	/* raw::poll<T, S>, link-time address; 0 unknown */
};

/* A `dyn Future` vtable rustc named in the DWARF ("<T as Future>::{vtable}"):
 * a boxed dyn child whose vtable is this is a T. */
struct rs_dyn_vt {
	uint64_t addr;		/* link-time */
	int gen;
	uint64_t inner;		/* the machine at the pointer + inner */
};

struct rs_prog {
	struct rs_gen *gens;
	size_t ngens;
	struct rs_task *tasks;
	size_t ntasks;
	struct rs_dyn_vt *dyn_vts;	/* sorted by addr */
	size_t ndyn_vts;
	char tokio_version[32];	/* from the path of tokio's sources, "" if none */
	int tokio_layout_ok;	/* 0: tokio found but its Cell not understood */
};

/* Every state machine in path's DWARF, and tokio's task cells.  -1 with a
 * one-line message in err: no such file, not ELF, no DWARF, no async fn. */
int rs_load(const char *path, struct rs_prog *p, char *err, size_t errlen);
void rs_free(struct rs_prog *p);
/* The machine behind a dyn Future vtable (link-time address), or NULL. */
const struct rs_dyn_vt *rs_dyn_vt_find(const struct rs_prog *p, uint64_t addr);
/* A generator's state for a discriminant value, or NULL. */
const struct rs_state *rs_state_of(const struct rs_gen *g, uint64_t discr);
/* Does another machine hold g in place? (Else g is a root of a tree.) */
int rs_is_inline_child(const struct rs_prog *p, int g);
/* The fn name of an async fn's machine ("heavy"), else its full name. */
const char *rs_short_name(const struct rs_gen *g, char *buf, size_t len);

#endif
