// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>

#include "demangle.h"
#include "sym.h"

struct sa_symbolizer {
	pid_t pid;
	char *maps;		/* the last /proc/PID/maps text */
	size_t maps_len;
	char exe[256];		/* the executable's path, from the snapshot */
	struct text_range { uint64_t lo, hi; } *text;	/* its executable mappings */
	size_t ntext;
	Dwfl *dwfl;		/* built from maps on first use */
};

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += r;
		if (cap - n < 4096) {
			char *b = realloc(buf, cap *= 2);

			if (!b)
				break;
			buf = b;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The executable mappings of the snapshot, for sa_is_text: a stack scan
 * asks it of every word.  When they change (a library loaded or
 * unloaded), the modules built from an older snapshot are dropped: start
 * routines are read while the target runs, the report's symbols after. */
static void text_ranges(struct sa_symbolizer *sz)
{
	struct text_range *text = NULL;
	size_t cap = 0, n = 0;

	for (const char *line = sz->maps; line && *line;) {
		uint64_t lo, hi;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi, perms) == 3 &&
		    perms[2] == 'x') {
			if (n == cap) {
				void *p = realloc(text, (cap = cap ? 2 * cap : 64) * sizeof(*text));

				if (!p)
					break;
				text = p;
			}
			text[n].lo = lo;
			text[n++].hi = hi;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (sz->dwfl && (n != sz->ntext || (n && memcmp(text, sz->text, n * sizeof(*text))))) {
		dwfl_end(sz->dwfl);
		sz->dwfl = NULL;
	}
	free(sz->text);
	sz->text = text;
	sz->ntext = n;
}

int sa_maps_snapshot(struct sa_symbolizer **szp, pid_t pid)
{
	struct sa_symbolizer *sz = *szp;
	char path[64], exe[256];
	size_t len;
	char *text;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	text = read_all(path, &len);
	if (!text || !len) {
		free(text);
		return -ESRCH;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (!sz) {
		sz = calloc(1, sizeof(*sz));
		if (!sz) {
			free(text);
			return -ENOMEM;
		}
		*szp = sz;
	}
	free(sz->maps);
	sz->maps = text;
	sz->maps_len = len;
	text_ranges(sz);
	sz->pid = pid;
	if (n > 0) {
		exe[n] = '\0';
		snprintf(sz->exe, sizeof(sz->exe), "%s", exe);
	}
	return 0;
}

bool sa_is_text(const struct sa_symbolizer *sz, uint64_t addr)
{
	for (size_t i = 0; sz && i < sz->ntext; i++)
		if (addr >= sz->text[i].lo && addr < sz->text[i].hi)
			return true;
	return false;
}

static Dwfl *dwfl_of(struct sa_symbolizer *sz)
{
	FILE *f;

	if (sz->dwfl)
		return sz->dwfl;
	sz->dwfl = dwfl_begin(&callbacks);
	if (!sz->dwfl)
		return NULL;
	f = fmemopen(sz->maps, sz->maps_len, "r");
	if (!f || dwfl_linux_proc_maps_report(sz->dwfl, f) != 0 ||
	    dwfl_report_end(sz->dwfl, NULL, NULL) != 0) {
		if (f)
			fclose(f);
		dwfl_end(sz->dwfl);
		sz->dwfl = NULL;
		return NULL;
	}
	fclose(f);
	return sz->dwfl;
}

bool sa_symbolize(struct sa_symbolizer *sz, uint64_t addr, struct sa_sym *out)
{
	Dwfl *dwfl = sz ? dwfl_of(sz) : NULL;
	Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
	const char *name, *mname, *file, *base;
	Dwarf_Addr mod_start = 0;
	GElf_Sym sym;
	GElf_Off off;
	Dwfl_Line *line;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->function, sizeof(out->function), "0x%" PRIx64, addr);
	if (!mod)
		return false;
	mname = dwfl_module_info(mod, NULL, &mod_start, NULL, NULL, NULL, &file, NULL);
	snprintf(out->object, sizeof(out->object), "%s", file ? file : mname ? mname : "");
	out->in_main = sz->exe[0] && !strcmp(out->object, sz->exe);
	name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (name && *name) {
		sa_demangle(name, out->function, sizeof(out->function));
		out->named = true;
		out->func_start = addr - off;
	} else {
		/* By object and offset from its load address, as perf and
		 * addr2line take it: each unnamed place stays apart. */
		base = strrchr(out->object, '/');
		snprintf(out->function, sizeof(out->function), "%.200s+0x%" PRIx64,
			 base ? base + 1 : out->object, addr - mod_start);
	}
	line = dwfl_module_getsrc(mod, addr);
	if (line) {
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (file) {
			snprintf(out->file, sizeof(out->file), "%s", file);
			out->line = lineno;
		}
	}
	return true;
}

/* The CFI row at pc, or NULL; the caller frees it. */
static Dwarf_Frame *frame_at(struct sa_symbolizer *sz, uint64_t pc)
{
	Dwfl *dwfl = sz ? dwfl_of(sz) : NULL;
	Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, pc) : NULL;
	Dwarf_Frame *frame = NULL;
	Dwarf_Addr bias = 0;
	Dwarf_CFI *cfi;

	if (!mod)
		return NULL;
	cfi = dwfl_module_eh_cfi(mod, &bias);
	if (!cfi)
		cfi = dwfl_module_dwarf_cfi(mod, &bias);
	if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &frame) != 0)
		return NULL;
	return frame;
}

int sa_cfa_rule(struct sa_symbolizer *sz, uint64_t pc, int64_t *offset)
{
	Dwarf_Frame *frame = frame_at(sz, pc);
	Dwarf_Op *ops;
	size_t nops;
	int reg = -1;

	/* libdw gives a register + offset rule as DW_OP_bregx REG, OFFSET. */
	if (frame && dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1) {
		if (ops[0].atom == DW_OP_bregx) {
			reg = (int)ops[0].number;
			*offset = (int64_t)ops[0].number2;
		} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
			reg = ops[0].atom - DW_OP_breg0;
			*offset = (int64_t)ops[0].number;
		}
	}
	free(frame);
	return reg;
}

int64_t sa_cfa_sp_offset(struct sa_symbolizer *sz, uint64_t pc)
{
	int64_t n;

	return sa_cfa_rule(sz, pc, &n) == SA_DWARF_RSP ? n : -1;
}

bool sa_frame_outermost(struct sa_symbolizer *sz, uint64_t pc)
{
	Dwarf_Frame *frame = frame_at(sz, pc);
	Dwarf_Op ops_mem[3], *ops = NULL;
	size_t nops = 1;
	bool outer;
	int ra;

	if (!frame)
		return false;
	ra = dwarf_frame_info(frame, NULL, NULL, NULL);
	/* "Undefined" is no expression with ops pointing at ops_mem. */
	outer = ra >= 0 && dwarf_frame_register(frame, ra, ops_mem, &ops, &nops) == 0 &&
		nops == 0 && ops == ops_mem;
	free(frame);
	return outer;
}

void sa_symbolizer_free(struct sa_symbolizer *sz)
{
	if (!sz)
		return;
	if (sz->dwfl)
		dwfl_end(sz->dwfl);
	free(sz->maps);
	free(sz->text);
	free(sz);
}
