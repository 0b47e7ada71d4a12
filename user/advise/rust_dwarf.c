// SPDX-License-Identifier: GPL-2.0
/* Reads rustc's async state machines and tokio's task cells from DWARF.
 *
 * rustc 1.63 emits an async fn as a struct "{async_fn_env#0}" (an async
 * block "{async_block_env#N}") in the fn's namespace, with a variant part
 * whose discriminant is the artificial member __state; each variant's
 * member has the decl_file/decl_line of its await (Unresumed: of the fn)
 * and a struct of the values held there, __awaitee being the future it
 * waits on.  Futures are wrapped in GenFuture<..> (one member __0).  tokio's
 * task is a repr(C) Cell { header, core { scheduler, task_id, stage },
 * trailer } whose layout is read from its own DWARF too. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rust_dwarf.h"

#define NS_TASK_CORE "tokio::runtime::task::core"
#define NS_TASK_RAW  "tokio::runtime::task::raw"

struct die_ref {
	Dwarf_Off off;
	char *name;	/* qualified (gens), or DW_AT_name (cells, polls) */
	uint64_t addr;	/* polls: low_pc */
	int idx;	/* gens: index into rs_prog.gens after dedup */
};

struct walk {
	struct die_ref *gens, *cells, *polls, *vts;	/* vts: off is the type's */
	size_t ngens, ncells, npolls, nvts, cgens, ccells, cpolls, cvts;
	char tokio_file[512];
	int oom;
};

static int push(struct die_ref **v, size_t *n, size_t *cap, Dwarf_Off off,
		const char *name, uint64_t addr)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct die_ref *nv = realloc(*v, c * sizeof(**v));

		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[*n] = (struct die_ref){ .off = off, .name = strdup(name), .addr = addr, .idx = -1 };
	if (!(*v)[*n].name)
		return -1;
	(*n)++;
	return 0;
}

static int is_gen_name(const char *n)
{
	return n && (!strncmp(n, "{async_fn_env#", 14) || !strncmp(n, "{async_block_env#", 17));
}

#define FUTURE_VTABLE "as core::future::future::Future>::{vtable}"

/* "<T as core::future::future::Future>::{vtable}": its address, and T
 * (the vtable type's DW_AT_containing_type). */
static void dyn_vtable(Dwarf_Die *v, struct walk *w)
{
	Dwarf_Attribute at;
	Dwarf_Die vt, t;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr(v, DW_AT_location, &at) || dwarf_getlocation(&at, &ops, &nops) ||
	    nops != 1 || ops[0].atom != DW_OP_addr ||
	    !dwarf_attr(v, DW_AT_type, &at) || !dwarf_formref_die(&at, &vt) ||
	    !dwarf_attr(&vt, DW_AT_containing_type, &at) || !dwarf_formref_die(&at, &t))
		return;
	w->oom |= push(&w->vts, &w->nvts, &w->cvts, dwarf_dieoffset(&t), "", ops[0].number);
}

static void walk_ns(Dwarf_Die *parent, const char *path, struct walk *w)
{
	Dwarf_Die c;
	char q[1024];

	if (dwarf_child(parent, &c) != 0)
		return;
	do {
		const char *n = dwarf_diename(&c);
		int tag = dwarf_tag(&c);

		if (!n)
			continue;
		snprintf(q, sizeof(q), "%s%s%s", path, *path ? "::" : "", n);
		if (tag == DW_TAG_namespace) {
			walk_ns(&c, q, w);
		} else if (tag == DW_TAG_structure_type && !dwarf_hasattr(&c, DW_AT_declaration)) {
			if (is_gen_name(n))
				w->oom |= push(&w->gens, &w->ngens, &w->cgens, dwarf_dieoffset(&c), q, 0);
			else if (!strncmp(n, "Cell<", 5) && !strcmp(path, NS_TASK_CORE))
				w->oom |= push(&w->cells, &w->ncells, &w->ccells, dwarf_dieoffset(&c), n, 0);
		} else if (tag == DW_TAG_variable && strstr(n, FUTURE_VTABLE)) {
			dyn_vtable(&c, w);
		} else if (tag == DW_TAG_subprogram && !strncmp(n, "poll<", 5) &&
			   !strcmp(path, NS_TASK_RAW)) {
			Dwarf_Addr lo;
			const char *f;

			if (dwarf_lowpc(&c, &lo) == 0)
				w->oom |= push(&w->polls, &w->npolls, &w->cpolls, 0, n, lo);
			f = dwarf_decl_file(&c);
			if (f && !w->tokio_file[0])
				snprintf(w->tokio_file, sizeof(w->tokio_file), "%s", f);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int cmp_name(const void *a, const void *b)
{
	const struct die_ref *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int cmp_off(const void *a, const void *b)
{
	const struct die_ref *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int die_type(Dwarf_Die *d, Dwarf_Die *t)
{
	Dwarf_Attribute at;

	for (int i = 0; i < 16; i++) {
		if (!dwarf_attr_integrate(d, DW_AT_type, &at) || !dwarf_formref_die(&at, t))
			return -1;
		if (dwarf_tag(t) != DW_TAG_typedef && dwarf_tag(t) != DW_TAG_const_type &&
		    dwarf_tag(t) != DW_TAG_volatile_type)
			return 0;
		d = t;
	}
	return -1;
}

static uint64_t udata(Dwarf_Die *d, int name, uint64_t dflt)
{
	Dwarf_Attribute at;
	Dwarf_Word v;

	if (!dwarf_attr_integrate(d, name, &at) || dwarf_formudata(&at, &v))
		return dflt;
	return v;
}

static uint64_t die_size(Dwarf_Die *t)
{
	Dwarf_Word s;

	return dwarf_aggregate_size(t, &s) == 0 ? s : 0;
}

/* Member NAME of aggregate agg: its offset and type. */
static int member(Dwarf_Die *agg, const char *name, uint64_t *off, Dwarf_Die *type)
{
	Dwarf_Die c;

	if (dwarf_child(agg, &c) != 0)
		return -1;
	do {
		const char *n = dwarf_diename(&c);

		if (dwarf_tag(&c) == DW_TAG_member && n && !strcmp(n, name)) {
			*off = udata(&c, DW_AT_data_member_location, 0);
			return die_type(&c, type);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return -1;
}

/* A dotted path of members ("core.stage.stage.value"): the total offset.
 * A newtype on the way (tokio's loom UnsafeCell(core::cell::UnsafeCell))
 * is passed through its __0. */
static int member_path(Dwarf_Die *agg, const char *path, uint64_t *off, Dwarf_Die *type)
{
	char buf[128], *save = NULL, *tok;
	Dwarf_Die cur = *agg;
	uint64_t o;

	*off = 0;
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
		if (member(&cur, tok, &o, type)) {
			uint64_t o0;

			if (member(&cur, "__0", &o0, type) || member(type, tok, &o, type))
				return -1;
			o += o0;
		}
		*off += o;
		cur = *type;
	}
	return 0;
}

static int gen_of_die(const struct walk *w, Dwarf_Die *t)
{
	struct die_ref key = { .off = dwarf_dieoffset(t) }, *r;

	r = bsearch(&key, w->gens, w->ngens, sizeof(key), cmp_off);
	return r ? r->idx : -1;
}

/* A state machine held in place, directly or as GenFuture's __0: its
 * index and the offset of the machine within the value. */
static int inline_gen(const struct walk *w, Dwarf_Die *t, uint64_t *inner)
{
	const char *n = dwarf_diename(t);
	Dwarf_Die in;

	*inner = 0;
	if (dwarf_tag(t) != DW_TAG_structure_type || !n)
		return -1;
	if (is_gen_name(n))
		return gen_of_die(w, t);
	if (!strncmp(n, "GenFuture<", 10) && member(t, "__0", inner, &in) == 0)
		return gen_of_die(w, &in);
	return -1;
}

/* Pin<Box<X>> or Box<X>: follows first members to the pointer. */
static int boxed(const struct walk *w, Dwarf_Die *t, struct rs_held *h)
{
	const char *n = dwarf_diename(t);
	Dwarf_Die cur = *t, c, pt;
	uint64_t off = 0;

	if (!n || (strncmp(n, "Pin<alloc::boxed::Box<", 22) && strncmp(n, "Box<", 4)))
		return -1;
	for (int i = 0; i < 8; i++) {
		if (dwarf_tag(&cur) == DW_TAG_pointer_type) {
			h->kind = RS_BOXED;
			h->child_off = off;
			h->child = -1;
			if (die_type(&cur, &pt) == 0)
				h->child = inline_gen(w, &pt, &h->box_inner);
			return 0;
		}
		if (dwarf_tag(&cur) != DW_TAG_structure_type || dwarf_child(&cur, &c) != 0)
			return -1;
		while (dwarf_tag(&c) != DW_TAG_member)
			if (dwarf_siblingof(&c, &c) != 0)
				return -1;
		n = dwarf_diename(&cur);
		/* A fat pointer: a Box<dyn T> or *const (dyn T + Send) with
		 * members pointer and vtable. */
		if (n && !h->dyn && strstr(n, "dyn ")) {
			Dwarf_Die vtt;
			uint64_t vo;

			if (member(&cur, "vtable", &vo, &vtt) == 0) {
				h->dyn = 1;
				h->vt_off = off + vo;
			}
		}
		off += udata(&c, DW_AT_data_member_location, 0);
		if (die_type(&c, &cur))
			return -1;
	}
	return -1;
}

static char *type_str(Dwarf_Die *t)
{
	const char *n = dwarf_diename(t);
	char buf[64];

	if (n)
		return strdup(n);
	if (dwarf_tag(t) == DW_TAG_array_type) {
		snprintf(buf, sizeof(buf), "[array; %llu bytes]", (unsigned long long)die_size(t));
		return strdup(buf);
	}
	return strdup(dwarf_tag(t) == DW_TAG_pointer_type ? "pointer" : "?");
}

static int read_state(const struct walk *w, Dwarf_Die *var_member, struct rs_state *s)
{
	Dwarf_Die vs, c, t;
	const char *f = dwarf_decl_file(var_member);
	int line = 0;
	size_t cap = 0;

	dwarf_decl_line(var_member, &line);
	s->file = strdup(f ? f : "?");
	s->line = line;
	if (die_type(var_member, &vs))
		return -1;
	s->name = strdup(dwarf_diename(&vs) ? dwarf_diename(&vs) : "?");
	s->suspend = !strncmp(s->name, "Suspend", 7);
	if (!s->file || !s->name)
		return -1;
	if (dwarf_child(&vs, &c) != 0)
		return 0;
	do {
		struct rs_held *h;

		if (dwarf_tag(&c) != DW_TAG_member || die_type(&c, &t))
			continue;
		if (s->nheld == cap) {
			cap = cap ? cap * 2 : 4;
			h = realloc(s->held, cap * sizeof(*h));
			if (!h)
				return -1;
			s->held = h;
		}
		h = &s->held[s->nheld++];
		memset(h, 0, sizeof(*h));
		h->name = strdup(dwarf_diename(&c) ? dwarf_diename(&c) : "?");
		h->type = type_str(&t);
		h->offset = udata(&c, DW_AT_data_member_location, 0);
		h->size = die_size(&t);
		/* An upvar is both in the prefix and the state: once. */
		for (size_t k = 0; h->name && k + 1 < s->nheld; k++)
			if (s->held[k].offset == h->offset && !strcmp(s->held[k].name, h->name)) {
				free(h->name);
				free(h->type);
				s->nheld--;
				h = NULL;
				break;
			}
		if (!h)
			continue;
		h->child = inline_gen(w, &t, &h->child_off);
		h->kind = h->child >= 0 ? RS_INLINE : RS_VALUE;
		if (h->kind == RS_VALUE && boxed(w, &t, h))
			h->kind = RS_VALUE, h->child = -1;
		if (!h->name || !h->type)
			return -1;
		if (h->offset + h->size > s->bytes)
			s->bytes = h->offset + h->size;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static int read_gen(const struct walk *w, Dwarf_Die *d, struct rs_gen *g)
{
	Dwarf_Die vp, c, m, dt;
	Dwarf_Attribute at;
	size_t cap = 0;

	g->size = die_size(d);
	g->align = udata(d, DW_AT_alignment, 8);
	if (dwarf_child(d, &vp) != 0)
		return 1;
	while (dwarf_tag(&vp) != DW_TAG_variant_part)
		if (dwarf_siblingof(&vp, &vp) != 0)
			return 1;	/* a machine without states: not ours */
	if (!dwarf_attr(&vp, DW_AT_discr, &at) || !dwarf_formref_die(&at, &m) || die_type(&m, &dt))
		return 1;
	g->discr_off = udata(&m, DW_AT_data_member_location, 0);
	g->discr_size = die_size(&dt);
	if (dwarf_child(&vp, &c) != 0)
		return 1;
	do {
		struct rs_state *s;
		Dwarf_Die vm;

		if (dwarf_tag(&c) != DW_TAG_variant || dwarf_child(&c, &vm) != 0)
			continue;
		if (g->nstates == cap) {
			cap = cap ? cap * 2 : 8;
			s = realloc(g->states, cap * sizeof(*s));
			if (!s)
				return -1;
			g->states = s;
		}
		s = &g->states[g->nstates++];
		memset(s, 0, sizeof(*s));
		s->discr = udata(&c, DW_AT_discr_value, UINT64_MAX);
		if (read_state(w, &vm, s))
			return -1;
		if (g->discr_off + g->discr_size > s->bytes)
			s->bytes = g->discr_off + g->discr_size;
		if (!strcmp(s->name, "Unresumed") && !g->file) {
			g->file = strdup(s->file);
			g->line = s->line;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return g->nstates ? 0 : 1;
}

/* tokio's Stage<T>: where its discriminant is and which value is Running. */
static int read_stage(Dwarf_Die *stage, uint64_t base, struct rs_task *t, uint64_t *fut_off,
		      Dwarf_Die *fut)
{
	Dwarf_Die vp, c, m, dt, vm, vs;
	Dwarf_Attribute at;
	int found = 0;

	if (dwarf_child(stage, &vp) != 0)
		return -1;
	while (dwarf_tag(&vp) != DW_TAG_variant_part)
		if (dwarf_siblingof(&vp, &vp) != 0)
			return -1;
	if (!dwarf_attr(&vp, DW_AT_discr, &at) || !dwarf_formref_die(&at, &m) || die_type(&m, &dt))
		return -1;
	t->stage_discr_off = base + udata(&m, DW_AT_data_member_location, 0);
	t->stage_discr_size = die_size(&dt);
	if (t->stage_discr_size < 1 || t->stage_discr_size > 8 || dwarf_child(&vp, &c) != 0)
		return -1;
	do {
		const char *n;
		uint64_t dv = udata(&c, DW_AT_discr_value, UINT64_MAX), o;

		if (dwarf_tag(&c) != DW_TAG_variant || dwarf_child(&c, &vm) != 0)
			continue;
		n = dwarf_diename(&vm);
		if (n && !strcmp(n, "Running")) {
			if (die_type(&vm, &vs) || member(&vs, "__0", &o, fut))
				return -1;
			*fut_off = base + udata(&vm, DW_AT_data_member_location, 0) + o;
			t->running_is_default = dv == UINT64_MAX;
			t->running_discr = dv;
			found = 1;
		} else if (dv != UINT64_MAX && t->nother < 4) {
			t->other_discr[t->nother++] = dv;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return found ? 0 : -1;
}

static int read_cell(const struct walk *w, Dwarf_Die *d, struct rs_task *t)
{
	Dwarf_Die ty, stage, fut;
	uint64_t off, fo;

	t->size = die_size(d);
	t->trailer_vt_off = UINT64_MAX;
	if (member_path(d, "header.state", &t->state_off, &ty) ||
	    member_path(d, "header.vtable", &t->vtable_off, &ty) ||
	    member_path(d, "trailer.owned.inner.value.prev", &t->prev_off, &ty) ||
	    member_path(d, "trailer.owned.inner.value.next", &t->next_off, &ty) ||
	    member_path(d, "core.stage.stage.value", &off, &stage) ||
	    read_stage(&stage, off, t, &t->future_off, &fut))
		return -1;
	(void)fo;
	t->gen = inline_gen(w, &fut, &t->future_inner);
	return 0;
}

static void free_state(struct rs_state *s)
{
	for (size_t i = 0; i < s->nheld; i++) {
		free(s->held[i].name);
		free(s->held[i].type);
	}
	free(s->held);
	free(s->name);
	free(s->file);
}

void rs_free(struct rs_prog *p)
{
	for (size_t i = 0; i < p->ngens; i++) {
		for (size_t j = 0; j < p->gens[i].nstates; j++)
			free_state(&p->gens[i].states[j]);
		free(p->gens[i].states);
		free(p->gens[i].name);
		free(p->gens[i].file);
	}
	for (size_t i = 0; i < p->ntasks; i++)
		free(p->tasks[i].name);
	free(p->gens);
	free(p->tasks);
	free(p->dyn_vts);
	memset(p, 0, sizeof(*p));
}

static void free_refs(struct die_ref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* "Cell<T, S>" and "poll<T, S>": the same "T, S". */
static const char *targs(const char *n)
{
	const char *lt = strchr(n, '<');

	return lt ? lt + 1 : n;
}

static void tokio_version(const char *file, char *out, size_t len)
{
	const char *v = strstr(file, "tokio-");
	size_t n = 0;

	out[0] = 0;
	if (!v)
		return;
	v += 6;
	while (v[n] && (v[n] == '.' || (v[n] >= '0' && v[n] <= '9')))
		n++;
	if (n && n < len)
		snprintf(out, len, "%.*s", (int)n, v);
}

static int load_dies(Dwarf *dw, struct rs_prog *p, struct walk *w)
{
	Dwarf_Off off = 0, next;
	size_t hsize, u = 0;
	Dwarf_Die cu;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &cu))
			walk_ns(&cu, "", w);
		off = next;
	}
	if (w->oom)
		return -1;
	/* One machine per name: every compile unit has its own copy. */
	qsort(w->gens, w->ngens, sizeof(*w->gens), cmp_name);
	p->gens = calloc(w->ngens ? w->ngens : 1, sizeof(*p->gens));
	if (!p->gens)
		return -1;
	for (size_t i = 0; i < w->ngens; i++) {
		if (i && !strcmp(w->gens[i].name, w->gens[i - 1].name)) {
			w->gens[i].idx = w->gens[i - 1].idx;
			continue;
		}
		w->gens[i].idx = (int)u++;
	}
	p->ngens = u;
	tokio_version(w->tokio_file, p->tokio_version, sizeof(p->tokio_version));
	return 0;
}

static int cmp_vt(const void *a, const void *b)
{
	const struct rs_dyn_vt *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The dyn Future vtables whose type is one of the machines. */
static int dyn_vts(Dwarf *dw, struct rs_prog *p, const struct walk *w)
{
	p->dyn_vts = calloc(w->nvts ? w->nvts : 1, sizeof(*p->dyn_vts));
	if (!p->dyn_vts)
		return -1;
	for (size_t i = 0; i < w->nvts; i++) {
		struct rs_dyn_vt *d = &p->dyn_vts[p->ndyn_vts];
		Dwarf_Die t;

		if (!dwarf_offdie(dw, w->vts[i].off, &t))
			continue;
		d->addr = w->vts[i].addr;
		d->gen = inline_gen(w, &t, &d->inner);
		p->ndyn_vts += d->gen >= 0;
	}
	qsort(p->dyn_vts, p->ndyn_vts, sizeof(*p->dyn_vts), cmp_vt);
	return 0;
}

const struct rs_dyn_vt *rs_dyn_vt_find(const struct rs_prog *p, uint64_t addr)
{
	struct rs_dyn_vt key = { .addr = addr };

	return p->ndyn_vts ? bsearch(&key, p->dyn_vts, p->ndyn_vts, sizeof(key), cmp_vt) : NULL;
}

int rs_load(const char *path, struct rs_prog *p, char *err, size_t errlen)
{
	struct walk w = { 0 };
	Dwarf *dw;
	int fd, ret = -1;
	size_t u;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		snprintf(err, errlen, "%s: no DWARF (%s): build it with debug info "
			 "([profile.release] debug = true, or RUSTFLAGS=-g)", path, dwarf_errmsg(-1));
		close(fd);
		return -1;
	}
	if (load_dies(dw, p, &w)) {
		snprintf(err, errlen, "%s: out of memory reading DWARF", path);
		goto out;
	}
	/* Parse each machine once, from its first DIE; then the lookup by
	 * DIE offset (every copy) that classifies held values. */
	{
		struct die_ref *first = calloc(p->ngens ? p->ngens : 1, sizeof(*first));

		if (!first)
			goto oom;
		for (size_t i = 0; i < w.ngens; i++)
			if (!first[w.gens[i].idx].name)
				first[w.gens[i].idx] = w.gens[i];
		for (size_t i = 0; i < p->ngens; i++) {
			const char *n = first[i].name;

			const char *env = strstr(n, "::{async_fn_env#0}");

			/* An async fn is named by its fn (and its generic
			 * arguments): drop the env's name. */
			if (env && (!env[18] || env[18] == '<') && asprintf(&p->gens[i].name,
			    "%.*s%s", (int)(env - n), n, env + 18) < 0)
				p->gens[i].name = NULL;
			else if (!env || (env[18] && env[18] != '<'))
				p->gens[i].name = strdup(n);
			p->gens[i].task = -1;
			if (!p->gens[i].name) {
				free(first);
				goto oom;
			}
		}
		qsort(w.gens, w.ngens, sizeof(*w.gens), cmp_off);
		for (size_t i = 0; i < p->ngens; i++) {
			Dwarf_Die d;

			if (!dwarf_offdie(dw, first[i].off, &d) ||
			    read_gen(&w, &d, &p->gens[i]) < 0) {
				free(first);
				goto oom;
			}
		}
		free(first);
	}
	if (dyn_vts(dw, p, &w))
		goto oom;
	/* Drop machines without a variant part (nstates == 0) would shift
	 * indices; they keep no states and are skipped when printed. */
	if (w.ncells) {
		qsort(w.cells, w.ncells, sizeof(*w.cells), cmp_name);
		p->tasks = calloc(w.ncells, sizeof(*p->tasks));
		if (!p->tasks)
			goto oom;
		p->tokio_layout_ok = 1;
		for (size_t i = 0; i < w.ncells; i++) {
			struct rs_task *t = &p->tasks[p->ntasks];
			Dwarf_Die d;

			if (i && !strcmp(w.cells[i].name, w.cells[i - 1].name))
				continue;
			if (!dwarf_offdie(dw, w.cells[i].off, &d) || read_cell(&w, &d, t)) {
				p->tokio_layout_ok = 0;
				continue;
			}
			t->name = strdup(targs(w.cells[i].name));
			if (!t->name)
				goto oom;
			for (u = 0; u < w.npolls; u++)
				if (!strcmp(targs(w.polls[u].name), t->name))
					t->poll_addr = w.polls[u].addr;
			if (t->gen >= 0 && p->gens[t->gen].task < 0)
				p->gens[t->gen].task = (int)p->ntasks;
			p->ntasks++;
		}
	}
	if (!p->ngens) {
		snprintf(err, errlen, "%s: no async fn or async block state machine in its DWARF "
			 "(not a Rust program with async code, or built without debug info)", path);
		goto out;
	}
	ret = 0;
	goto out;
oom:
	snprintf(err, errlen, "%s: out of memory reading DWARF", path);
out:
	if (ret)
		rs_free(p);
	free_refs(w.gens, w.ngens);
	free_refs(w.cells, w.ncells);
	free_refs(w.polls, w.npolls);
	free_refs(w.vts, w.nvts);
	dwarf_end(dw);
	close(fd);
	return ret;
}

const struct rs_state *rs_state_of(const struct rs_gen *g, uint64_t discr)
{
	for (size_t i = 0; i < g->nstates; i++)
		if (g->states[i].discr == discr)
			return &g->states[i];
	return NULL;
}

const char *rs_short_name(const struct rs_gen *g, char *buf, size_t len)
{
	size_t end = strcspn(g->name, "<");
	const char *c;

	if (strchr(g->name, '{'))
		return g->name;
	snprintf(buf, len, "%.*s", (int)end, g->name);
	c = strrchr(buf, ':');
	return c ? c + 1 : buf;
}

int rs_is_inline_child(const struct rs_prog *p, int g)
{
	for (size_t i = 0; i < p->ngens; i++)
		for (size_t j = 0; j < p->gens[i].nstates; j++)
			for (size_t k = 0; k < p->gens[i].states[j].nheld; k++)
				if (p->gens[i].states[j].held[k].kind == RS_INLINE &&
				    p->gens[i].states[j].held[k].child == g)
					return 1;
	return 0;
}
