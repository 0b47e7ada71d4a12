/* SPDX-License-Identifier: GPL-2.0 */
/* fut-advise: future state layouts read from a binary's DWARF (libdw). */
#ifndef ADVISE_DWARF_H
#define ADVISE_DWARF_H

#include <stddef.h>
#include <stdint.h>

struct dw_member {
	char *name;		/* "" for an anonymous union or struct */
	char *type;		/* "struct heavy_fut", "char[512]", "union" ... */
	uint64_t offset, size;
	struct dw_member *sub;	/* members of an anonymous union/struct */
	size_t nsub;
	int is_union;
};

struct dw_struct {
	char *name;
	uint64_t size;
	struct dw_member *members;
	size_t nmembers;
	int is_future;		/* first member is a struct fut_hdr */
};

struct dw_info {
	struct dw_struct *structs;
	size_t n;
};

/* Every named struct with a definition, once per name and size.  -1 with a
 * one-line message in err (no such file, not ELF, no DWARF). */
int dw_load(const char *path, struct dw_info *di, char *err, size_t errlen);
void dw_free(struct dw_info *di);
const struct dw_struct *dw_find(const struct dw_info *di, const char *name);
/* Does s have a member (anywhere in its anonymous unions) of that name at
 * that offset? */
const struct dw_member *dw_member_at(const struct dw_struct *s, const char *name,
				     uint64_t offset);

#endif
