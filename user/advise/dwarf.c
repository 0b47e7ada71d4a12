// SPDX-License-Identifier: GPL-2.0
/* Walks every compile unit's top-level DIEs for struct definitions and
 * records their members, descending into anonymous unions and structs
 * (where the slots of a future live). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"

/*
 * Anonymous unions and structs nest a few deep in real code; a type that
 * (through damaged DWARF) contains itself would recurse without end.
 */
#define DW_MAX_NESTING 32
#define DW_ERR_NESTING (-2)

/* Follow typedefs and qualifiers to the type that has a size. */
static int peel(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute at;

	*out = *die;
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(out);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_atomic_type)
			return 0;
		if (!dwarf_attr_integrate(out, DW_AT_type, &at) ||
		    !dwarf_formref_die(&at, out))
			return -1;
	}
	return -1;
}

static char *type_name(Dwarf_Die *type)
{
	const char *n = dwarf_diename(type);
	char buf[192];

	switch (dwarf_tag(type)) {
	case DW_TAG_structure_type:
		snprintf(buf, sizeof(buf), "struct %s", n ? n : "(anonymous)");
		break;
	case DW_TAG_union_type:
		snprintf(buf, sizeof(buf), "union %s", n ? n : "(anonymous)");
		break;
	case DW_TAG_pointer_type:
		snprintf(buf, sizeof(buf), "pointer");
		break;
	case DW_TAG_array_type:
		snprintf(buf, sizeof(buf), "array");
		break;
	default:
		snprintf(buf, sizeof(buf), "%s", n ? n : "?");
	}
	return strdup(buf);
}

static int read_members(Dwarf_Die *agg, int depth, struct dw_member **out,
			size_t *nout);
static void free_members(struct dw_member *m, size_t n);

/* 0, -1 out of memory, DW_ERR_NESTING. */
static int read_member(Dwarf_Die *m, int depth, struct dw_member *dm)
{
	int e;

	Dwarf_Attribute at;
	Dwarf_Die type, real;
	Dwarf_Word off = 0, size = 0;
	const char *n = dwarf_diename(m);

	if (dwarf_attr_integrate(m, DW_AT_data_member_location, &at))
		dwarf_formudata(&at, &off);
	dm->offset = off;
	dm->name = strdup(n ? n : "");
	if (!dwarf_attr_integrate(m, DW_AT_type, &at) || !dwarf_formref_die(&at, &type) ||
	    peel(&type, &real)) {
		dm->type = strdup("?");
		return 0;
	}
	dm->type = type_name(&real);
	if (dwarf_aggregate_size(&real, &size) == 0)
		dm->size = size;
	/* An anonymous aggregate: its members are the parent's fields. */
	if (!n && (dwarf_tag(&real) == DW_TAG_union_type ||
		   dwarf_tag(&real) == DW_TAG_structure_type)) {
		dm->is_union = dwarf_tag(&real) == DW_TAG_union_type;
		if (depth >= DW_MAX_NESTING)
			return DW_ERR_NESTING;
		e = read_members(&real, depth + 1, &dm->sub, &dm->nsub);
		if (e)
			return e;
		for (size_t i = 0; i < dm->nsub; i++)
			dm->sub[i].offset += off;
	}
	return 0;
}

static int read_members(Dwarf_Die *agg, int depth, struct dw_member **out,
			size_t *nout)
{
	Dwarf_Die c;
	size_t n = 0, cap = 0;
	struct dw_member *v = NULL;
	int e;

	*out = NULL;
	*nout = 0;
	if (dwarf_child(agg, &c) != 0)
		return 0;
	do {
		if (dwarf_tag(&c) != DW_TAG_member)
			continue;
		if (n == cap) {
			struct dw_member *nv;

			cap = cap ? 2 * cap : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free_members(v, n);
				return -1;
			}
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		e = read_member(&c, depth, &v[n++]);
		if (e) {
			free_members(v, n);
			return e;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	*out = v;
	*nout = n;
	return 0;
}

static int add_struct(struct dw_info *di, Dwarf_Die *die, size_t *cap)
{
	const char *name = dwarf_diename(die);
	Dwarf_Word size;
	struct dw_struct *s;
	int e;

	if (!name || dwarf_hasattr(die, DW_AT_declaration) ||
	    dwarf_aggregate_size(die, &size) != 0)
		return 0;
	for (size_t i = 0; i < di->n; i++)
		if (!strcmp(di->structs[i].name, name) && di->structs[i].size == size)
			return 0;	/* the same struct from another unit */
	if (di->n == *cap) {
		struct dw_struct *nv;

		*cap = *cap ? 2 * *cap : 64;
		nv = realloc(di->structs, *cap * sizeof(*nv));
		if (!nv)
			return -1;
		di->structs = nv;
	}
	s = &di->structs[di->n++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->size = size;
	e = read_members(die, 0, &s->members, &s->nmembers);
	if (e)
		return e;
	s->is_future = s->nmembers && s->members[0].offset == 0 &&
		       !strcmp(s->members[0].type, "struct fut_hdr");
	return 0;
}

int dw_load(const char *path, struct dw_info *di, char *err, size_t errlen)
{
	Dwarf_Off off = 0, next;
	size_t hsize, cap = 0;
	Dwarf *dw;
	int fd, ret = 0;

	memset(di, 0, sizeof(*di));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		snprintf(err, errlen, "%s: no DWARF (%s): build it with -g, or leave out --binary",
			 path, dwarf_errmsg(-1));
		close(fd);
		return -1;
	}
	while (!ret && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;

		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &c) == 0) {
			do {
				int e = dwarf_tag(&c) == DW_TAG_structure_type ?
					add_struct(di, &c, &cap) : 0;

				if (e == DW_ERR_NESTING)
					snprintf(err, errlen, "%s: struct %s nests anonymous unions or structs more than %d deep (a type that contains itself?): its DWARF is damaged; rebuild it with -g",
						 path, dwarf_diename(&c), DW_MAX_NESTING);
				else if (e)
					snprintf(err, errlen, "%s: out of memory reading DWARF", path);
				if (e) {
					ret = -1;
					break;
				}
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		off = next;
	}
	dwarf_end(dw);
	close(fd);
	if (ret)
		dw_free(di);
	return ret;
}

static void free_members(struct dw_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].type);
		free_members(m[i].sub, m[i].nsub);
	}
	free(m);
}

void dw_free(struct dw_info *di)
{
	for (size_t i = 0; i < di->n; i++) {
		free(di->structs[i].name);
		free_members(di->structs[i].members, di->structs[i].nmembers);
	}
	free(di->structs);
	memset(di, 0, sizeof(*di));
}

const struct dw_struct *dw_find(const struct dw_info *di, const char *name)
{
	for (size_t i = 0; i < di->n; i++)
		if (!strcmp(di->structs[i].name, name))
			return &di->structs[i];
	return NULL;
}

static const struct dw_member *find_in(const struct dw_member *m, size_t n,
				       const char *name, uint64_t offset)
{
	for (size_t i = 0; i < n; i++) {
		const struct dw_member *r;

		if (!strcmp(m[i].name, name) && m[i].offset == offset)
			return &m[i];
		r = find_in(m[i].sub, m[i].nsub, name, offset);
		if (r)
			return r;
	}
	return NULL;
}

const struct dw_member *dw_member_at(const struct dw_struct *s, const char *name,
				     uint64_t offset)
{
	return find_in(s->members, s->nmembers, name, offset);
}
