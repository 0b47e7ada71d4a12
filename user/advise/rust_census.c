// SPDX-License-Identifier: GPL-2.0
/* A census of a running tokio program's tasks, read-only.
 *
 * tokio's task vtables have no symbol: a task type's vtable is the word in
 * the binary's mapped data equal to the address of its raw::poll<T, S>
 * (from DWARF), and every task's header holds that vtable.  A scan of the
 * process's heap and anonymous memory for those words also finds copies
 * that are not tasks: the stale bytes a moved future leaves behind, freed
 * tasks, a cell built on a stack before it was boxed.  A candidate counts
 * only if its state word says alive (a reference held, not COMPLETE, as
 * tokio 1.24's state.rs lays the bits), its stage is Running, the malloc
 * chunk around it is as big as the cell, and its links in the runtime's
 * list of owned tasks are mirrored by its neighbours (a copy's neighbours
 * point at the original, never at the copy). */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rust_census.h"

/* tokio 1.24 src/runtime/task/state.rs */
#define TOKIO_COMPLETE		0x2ULL
#define TOKIO_REF_SHIFT		6
/* No task has this many references: a larger count is not a state word. */
#define TOKIO_REF_MAX		(1ULL << 32)
/* glibc malloc: the chunk's size word precedes the user pointer. */
#define CHUNK_MMAPPED		0x2ULL
#define CHUNK_FLAGS		0x7ULL
#define SCAN_CHUNK		(1 << 20)

struct region {
	uint64_t start, end;
	bool exe, exec, write, anon;
};

struct cand {
	uint64_t addr;
	int task;
	uint64_t prev, next;
	bool ok;	/* alive by its own words */
	bool linked;	/* ... and its neighbours point back at it */
};

struct ctx {
	pid_t pid;
	uint64_t bias;	/* the binary's load bias: link-time + bias = mapped */
	const struct rs_prog *p;
	struct rs_census *c;
	int err;		/* errno of a failed read that ends the census */
};

/* Reads len bytes at addr; 0, or -1 with errno (EFAULT: not mapped now). */
static int rd(struct ctx *x, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(x->pid, &l, 1, &r, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ESRCH || errno == EPERM))
		x->err = errno;
	if (n >= 0)
		errno = EFAULT;
	return -1;
}

static uint64_t rd_word(struct ctx *x, uint64_t addr, size_t size, bool *ok)
{
	uint64_t v = 0;

	*ok = size <= 8 && rd(x, addr, &v, size) == 0;
	return v;	/* little-endian: the low bytes */
}

static int read_maps(pid_t pid, struct region **out, size_t *n, char *err, size_t errlen)
{
	char path[64], exe[4096], line[4608];
	size_t cap = 0;
	ssize_t el;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	el = readlink(path, exe, sizeof(exe) - 1);
	exe[el > 0 ? el : 0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "--pid %d: %s", (int)pid,
			 errno == ENOENT ? "no such process" : strerror(errno));
		return -1;
	}
	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char perms[8] = "", *name;
		struct region *r;
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &s, &e, perms, &pos) < 3)
			continue;
		name = line + pos;
		name[strcspn(name, "\n")] = 0;
		if (perms[0] != 'r')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			r = realloc(*out, cap * sizeof(*r));
			if (!r) {
				fclose(f);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*out = r;
		}
		r = &(*out)[(*n)++];
		r->start = s;
		r->end = e;
		r->exec = perms[2] == 'x';
		r->write = perms[1] == 'w';
		r->exe = exe[0] && !strncmp(name, exe, strlen(exe));
		r->anon = !*name || !strcmp(name, "[heap]") || !strncmp(name, "[anon:", 6);
	}
	fclose(f);
	return 0;
}

/* The load bias: where the binary's first PT_LOAD is, less its vaddr. */
static int load_bias(struct ctx *x, const struct region *r, size_t n, uint64_t *bias)
{
	for (size_t i = 0; i < n; i++) {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;

		if (!r[i].exe || rd(x, r[i].start, &eh, sizeof(eh)) ||
		    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
			continue;
		for (int k = 0; k < eh.e_phnum; k++) {
			if (rd(x, r[i].start + eh.e_phoff + (uint64_t)k * eh.e_phentsize,
			       &ph, sizeof(ph)))
				return -1;
			if (ph.p_type == PT_LOAD) {
				*bias = r[i].start - (ph.p_vaddr & ~(uint64_t)0xfff);
				return 0;
			}
		}
	}
	return -1;
}

struct vt {
	uint64_t addr;
	int task;
};

struct found {
	void *v;	/* struct vt or struct cand array */
	size_t n, cap;
	const struct vt *vt;	/* scan: the vtables, lo..hi their range */
	size_t nvt;
	uint64_t lo, hi, bias;
};

static int grow(struct found *fd, size_t each)
{
	size_t c;
	void *nv;

	if (fd->n < fd->cap)
		return 0;
	c = fd->cap ? fd->cap * 2 : 1024;
	nv = realloc(fd->v, c * each);
	if (!nv)
		return -1;
	fd->v = nv;
	fd->cap = c;
	return 0;
}

typedef int (*chunk_fn)(struct ctx *x, uint64_t addr, const uint64_t *w, size_t nw,
			struct found *fd);

/* Reads each region keep() selects in chunks and hands them to fn.  A
 * chunk unmapped since maps was read is skipped; -1 on a read error that
 * ends the census (x->err) or fn's -1. */
static int each_chunk(struct ctx *x, const struct region *r, size_t n,
		      bool (*keep)(const struct region *), chunk_fn fn, struct found *fd)
{
	uint64_t *buf = malloc(SCAN_CHUNK);
	int ret = -1;

	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!keep(&r[i]))
			continue;
		for (uint64_t a = r[i].start; a < r[i].end; a += SCAN_CHUNK) {
			size_t len = r[i].end - a < SCAN_CHUNK ? r[i].end - a : SCAN_CHUNK;

			if (rd(x, a, buf, len)) {
				if (x->err)
					goto out;
				continue;
			}
			x->c->scanned_bytes += len;
			if (fn(x, a, buf, len / 8, fd))
				goto out;
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

static bool exe_data(const struct region *r)
{
	return r->exe && !r->exec;
}

static bool anon_rw(const struct region *r)
{
	return r->anon && r->write;
}

/* A word in the binary's data equal to a task type's raw::poll. */
static int vt_chunk(struct ctx *x, uint64_t a, const uint64_t *w, size_t nw, struct found *fd)
{
	for (size_t i = 0; i < nw; i++)
		for (size_t t = 0; t < x->p->ntasks; t++) {
			if (!x->p->tasks[t].poll_addr || w[i] != fd->bias + x->p->tasks[t].poll_addr)
				continue;
			if (grow(fd, sizeof(struct vt)))
				return -1;
			((struct vt *)fd->v)[fd->n++] = (struct vt){ a + i * 8, (int)t };
		}
	return 0;
}

/* A word equal to a vtable: a candidate header at that word less the
 * vtable's offset in the cell. */
static int cand_chunk(struct ctx *x, uint64_t a, const uint64_t *w, size_t nw, struct found *fd)
{
	for (size_t i = 0; i < nw; i++) {
		if (w[i] < fd->lo || w[i] > fd->hi)
			continue;
		for (size_t k = 0; k < fd->nvt; k++) {
			uint64_t off = x->p->tasks[fd->vt[k].task].vtable_off;

			if (w[i] != fd->vt[k].addr || a + i * 8 < off)
				continue;
			if (grow(fd, sizeof(struct cand)))
				return -1;
			((struct cand *)fd->v)[fd->n++] = (struct cand){ .addr = a + i * 8 - off,
									 .task = fd->vt[k].task };
		}
	}
	return 0;
}

static bool running(const struct rs_task *t, uint64_t d)
{
	if (!t->running_is_default)
		return d == t->running_discr;
	for (size_t i = 0; i < t->nother; i++)
		if (d == t->other_discr[i])
			return false;
	return true;
}

/* Alive by its own words: state, stage and malloc chunk. */
static bool alive(struct ctx *x, struct cand *cd)
{
	const struct rs_task *t = &x->p->tasks[cd->task];
	uint64_t st, chunk, d, csize;
	bool ok;

	st = rd_word(x, cd->addr + t->state_off, 8, &ok);
	if (!ok || (st & TOKIO_COMPLETE) || (st >> TOKIO_REF_SHIFT) == 0 ||
	    (st >> TOKIO_REF_SHIFT) >= TOKIO_REF_MAX)
		return false;
	d = rd_word(x, cd->addr + t->stage_discr_off, t->stage_discr_size, &ok);
	if (!ok || !running(t, d))
		return false;
	chunk = rd_word(x, cd->addr - 8, 8, &ok);
	csize = chunk & ~CHUNK_FLAGS;
	if (!ok || csize < t->size + 8)
		return false;
	/* An mmapped chunk ends on a page: its prev_size word is the offset
	 * of the chunk in its mapping (non-zero when the cell is aligned past
	 * 16, as posix_memalign places it).  A heap chunk is the cell rounded
	 * up to 16 bytes (plus malloc's minimum), never much more. */
	if (chunk & CHUNK_MMAPPED) {
		uint64_t lead = rd_word(x, cd->addr - 16, 8, &ok);

		if (!ok || (lead + csize) % 4096 || csize > t->size + 8192)
			return false;
	} else if (csize > t->size + 64) {
		return false;
	}
	cd->prev = rd_word(x, cd->addr + t->prev_off, 8, &ok);
	if (!ok)
		return false;
	cd->next = rd_word(x, cd->addr + t->next_off, 8, &ok);
	return ok;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static struct cand *find(struct cand *v, size_t n, uint64_t addr)
{
	struct cand key = { .addr = addr };
	struct cand *r = bsearch(&key, v, n, sizeof(key), cmp_cand);

	return r && r->ok ? r : NULL;
}

static void count(struct ctx *x, int g, uint64_t addr, int depth)
{
	const struct rs_gen *gen = &x->p->gens[g];
	const struct rs_state *s;
	uint64_t d;
	bool ok;

	if (depth > 64)
		return;
	d = rd_word(x, addr + gen->discr_off, gen->discr_size, &ok);
	if (!ok || !(s = rs_state_of(gen, d)))
		return;
	x->c->gen_live[g]++;
	x->c->state_live[g][s - gen->states]++;
	for (size_t i = 0; i < s->nheld; i++) {
		const struct rs_held *h = &s->held[i];
		uint64_t ptr;

		if (h->kind == RS_INLINE && h->child >= 0) {
			count(x, h->child, addr + h->offset + h->child_off, depth + 1);
		} else if (h->kind == RS_BOXED) {
			ptr = rd_word(x, addr + h->offset + h->child_off, 8, &ok);
			if (!ok || !ptr)
				continue;
			if (h->child >= 0) {
				count(x, h->child, ptr + h->box_inner, depth + 1);
			} else {
				/* A dyn Future: its type from its vtable. */
				const struct rs_dyn_vt *d = NULL;
				uint64_t vt = 0;

				if (h->dyn && h->vt_off)
					vt = rd_word(x, addr + h->offset + h->vt_off, 8, &ok);
				if (vt > x->bias)
					d = rs_dyn_vt_find(x->p, vt - x->bias);
				if (d)
					count(x, d->gen, ptr + d->inner, depth + 1);
				else
					x->c->boxes_unknown++;
			}
		}
	}
}

int rs_entered_add(struct rs_entered *e, uint64_t header, uint64_t discr, uint32_t type)
{
	if (e->n == e->cap) {
		size_t c = e->cap ? e->cap * 2 : 1024;
		struct rs_entry *v = realloc(e->v, c * sizeof(*v));

		if (!v)
			return -1;
		e->v = v;
		e->cap = c;
	}
	e->v[e->n++] = (struct rs_entry){ header, discr, type };
	return 0;
}

void rs_entered_free(struct rs_entered *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rs_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->discr != y->discr)
		return x->discr < y->discr ? -1 : 1;
	return x->header < y->header ? -1 : x->header > y->header;
}

/* Distinct tasks per (task type, root state). */
static int count_entered(const struct rs_prog *p, struct rs_census *c, struct rs_entered *e)
{
	c->state_entered = calloc(p->ngens + 1, sizeof(*c->state_entered));
	if (!c->state_entered)
		return -1;
	for (size_t t = 0; t < p->ntasks; t++) {
		int g = p->tasks[t].gen;

		if (g >= 0 && !c->state_entered[g] &&
		    !(c->state_entered[g] = calloc(p->gens[g].nstates + 1, sizeof(uint64_t))))
			return -1;
	}
	if (e->n)
		qsort(e->v, e->n, sizeof(*e->v), cmp_entry);
	for (size_t i = 0; i < e->n; i++) {
		const struct rs_entry *x = &e->v[i];
		const struct rs_state *s;
		int g;

		if (i && !cmp_entry(x, &e->v[i - 1]))
			continue;
		if (x->type >= p->ntasks || (g = p->tasks[x->type].gen) < 0 ||
		    !(s = rs_state_of(&p->gens[g], x->discr)))
			continue;
		c->state_entered[g][s - p->gens[g].states]++;
	}
	return 0;
}

void rs_census_free(struct rs_census *c)
{
	if (c->state_entered)
		for (size_t i = 0; c->gen_live && c->state_live && c->state_live[i]; i++)
			free(c->state_entered[i]);
	free(c->state_entered);
	if (c->state_live)
		for (size_t i = 0; c->gen_live && c->state_live[i]; i++)
			free(c->state_live[i]);
	free(c->state_live);
	free(c->gen_live);
	free(c->task_live);
	memset(c, 0, sizeof(*c));
}

static int alloc_counts(const struct rs_prog *p, struct rs_census *c)
{
	c->gen_live = calloc(p->ngens + 1, sizeof(*c->gen_live));
	c->state_live = calloc(p->ngens + 1, sizeof(*c->state_live));
	c->task_live = calloc(p->ntasks + 1, sizeof(*c->task_live));
	if (!c->gen_live || !c->state_live || !c->task_live)
		return -1;
	for (size_t i = 0; i < p->ngens; i++)
		if (!(c->state_live[i] = calloc(p->gens[i].nstates + 1, sizeof(uint64_t))))
			return -1;
	return 0;
}

static void read_error(struct ctx *x, char *err, size_t errlen)
{
	if (x->err == ESRCH)
		snprintf(err, errlen, "--pid %d: the process exited during the census", (int)x->pid);
	else if (x->err == EPERM)
		snprintf(err, errlen, "--pid %d: no permission to read its memory "
			 "(process_vm_readv needs ptrace access: run as its user or root, "
			 "see kernel.yama.ptrace_scope)", (int)x->pid);
	else
		snprintf(err, errlen, "--pid %d: out of memory", (int)x->pid);
}

int rs_census_run(pid_t pid, const struct rs_prog *p, struct rs_census *c,
		  struct rs_entered *e, char *err, size_t errlen)
{
	struct ctx x = { .pid = pid, .p = p, .c = c };
	struct region *r = NULL;
	struct cand *cd = NULL;
	struct vt *vt = NULL;
	struct found fv = { 0 }, fc;
	size_t nr = 0, ncd = 0, nvt = 0, polls = 0;
	uint64_t bias;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->pid = pid;
	for (size_t t = 0; t < p->ntasks; t++)
		polls += p->tasks[t].poll_addr != 0;
	if (!p->ntasks && !p->tokio_layout_ok && p->tokio_version[0]) {
		snprintf(err, errlen, "--pid %d: tokio %s's task layout is not understood: "
			 "expected tokio 1.24's Cell { header { state, vtable }, core { stage }, "
			 "trailer { owned } }", (int)pid, p->tokio_version);
		return -1;
	}
	if (!p->ntasks || !polls) {
		snprintf(err, errlen, "--pid %d: not a tokio program: no tokio task type "
			 "(tokio::runtime::task Cell and raw::poll) in its DWARF", (int)pid);
		return -1;
	}
	if (alloc_counts(p, c)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (read_maps(pid, &r, &nr, err, errlen))
		goto out;
	if (load_bias(&x, r, nr, &bias)) {
		if (!x.err && kill(pid, 0) && errno == ESRCH)
			x.err = ESRCH;
		if (x.err)
			read_error(&x, err, errlen);
		else
			snprintf(err, errlen, "--pid %d: its binary's ELF header is not mapped", (int)pid);
		goto out;
	}
	fv.bias = bias;
	x.bias = bias;
	if (each_chunk(&x, r, nr, exe_data, vt_chunk, &fv)) {
		vt = fv.v;
		read_error(&x, err, errlen);
		goto out;
	}
	vt = fv.v;
	nvt = fv.n;
	fc = (struct found){ .vt = vt, .nvt = nvt, .lo = UINT64_MAX };
	for (size_t k = 0; k < nvt; k++) {
		fc.lo = vt[k].addr < fc.lo ? vt[k].addr : fc.lo;
		fc.hi = vt[k].addr > fc.hi ? vt[k].addr : fc.hi;
	}
	if (each_chunk(&x, r, nr, anon_rw, cand_chunk, &fc)) {
		cd = fc.v;
		read_error(&x, err, errlen);
		goto out;
	}
	cd = fc.v;
	ncd = fc.n;
	c->vtables = nvt;
	c->candidates = ncd;
	qsort(cd, ncd, sizeof(*cd), cmp_cand);
	for (size_t i = 0; i < ncd; i++)
		cd[i].ok = (i == 0 || cd[i].addr != cd[i - 1].addr) && alive(&x, &cd[i]);
	if (x.err) {
		read_error(&x, err, errlen);
		goto out;
	}
	/* The list of owned tasks: a neighbour must point back.  Checked
	 * against the words alone, so one task changing its links while it
	 * was read does not take its neighbours with it. */
	for (size_t i = 0; i < ncd; i++) {
		struct cand *pv, *nx;

		if (!cd[i].ok)
			continue;
		pv = cd[i].prev ? find(cd, ncd, cd[i].prev) : NULL;
		nx = cd[i].next ? find(cd, ncd, cd[i].next) : NULL;
		cd[i].linked = !(cd[i].prev && (!pv || pv->next != cd[i].addr)) &&
			       !(cd[i].next && (!nx || nx->prev != cd[i].addr));
	}
	for (size_t i = 0; i < ncd; i++) {
		const struct rs_task *t = &p->tasks[cd[i].task];

		if (!cd[i].linked) {
			c->rejected++;
			continue;
		}
		c->task_live[cd[i].task]++;
		if (t->gen < 0)
			continue;
		count(&x, t->gen, cd[i].addr + t->future_off + t->future_inner, 0);
		if (e) {
			const struct rs_gen *g = &p->gens[t->gen];
			bool ok;
			uint64_t d = rd_word(&x, cd[i].addr + t->future_off + t->future_inner +
					     g->discr_off, g->discr_size, &ok);

			if (ok && rs_entered_add(e, cd[i].addr, d, (uint32_t)cd[i].task)) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		}
	}
	if (x.err) {
		read_error(&x, err, errlen);
		goto out;
	}
	if (e && count_entered(p, c, e)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = 0;
out:
	if (ret)
		rs_census_free(c);
	free(r);
	free(cd);
	free(vt);
	return ret;
}
