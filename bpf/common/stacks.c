// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stacks.h"

#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_SWAPPED (1ULL << 62)

bool stacks_thread_sp(pid_t tgid, pid_t tid, uint64_t *sp)
{
	char path[96], buf[512];
	char *sp_tok = NULL, *prev = NULL, *tok, *save;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", tgid, tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	/* "NR ARG1 .. ARG6 SP PC", or "-1 SP PC": sp is next to last;
	 * "running" has none. */
	for (char *s = buf; (tok = strtok_r(s, " \n", &save)); s = NULL) {
		sp_tok = prev;
		prev = tok;
	}
	if (!sp_tok)
		return false;
	*sp = strtoull(sp_tok, NULL, 16);
	return true;
}

bool stacks_mapping_of(pid_t pid, uint64_t addr, uint64_t *start, uint64_t *end)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		uint64_t lo, hi;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) == 2 &&
		    addr >= lo && addr < hi) {
			*start = lo;
			*end = hi;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* Resident (present, or swapped out: touched all the same) pages. */
static bool resident_pages(pid_t pid, uint64_t page_size, struct stack_vma *v)
{
	uint64_t n = (v->end - v->start) / page_size, ent[512];
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	v->resident = 0;
	v->lowest = v->end;
	for (uint64_t i = 0; i < n;) {
		uint64_t want = n - i < 512 ? n - i : 512;
		ssize_t r = pread(fd, ent, want * 8, (off_t)((v->start / page_size + i) * 8));

		if (r <= 0)
			break;
		for (uint64_t j = 0; j < (uint64_t)r / 8; j++) {
			if (!(ent[j] & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED)))
				continue;
			v->resident += page_size;
			if (v->start + (i + j) * page_size < v->lowest)
				v->lowest = v->start + (i + j) * page_size;
		}
		i += (uint64_t)r / 8;
	}
	close(fd);
	return true;
}

bool stacks_of_thread(pid_t tgid, pid_t tid, uint64_t page_size, struct stack_vma *v)
{
	uint64_t sp;

	return stacks_thread_sp(tgid, tid, &sp) &&
	       stacks_mapping_of(tgid, sp, &v->start, &v->end) &&
	       resident_pages(tgid, page_size, v);
}

size_t stacks_read_top(pid_t pid, uint64_t top, uint64_t max, uint64_t page_size,
			uint64_t *buf)
{
	uint64_t ent, lo = top - max, at = top;
	char path[64];
	int pm, mem;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	/* Page by page down from the top: only present ones. */
	while (pm >= 0 && mem >= 0 && at > lo) {
		uint64_t page = (at - 1) / page_size * page_size;
		uint64_t from = page > lo ? page : lo;

		if (pread(pm, &ent, 8, (off_t)(page / page_size * 8)) != 8 ||
		    !(ent & PAGEMAP_PRESENT) ||
		    pread(mem, (char *)buf + (from - lo), at - from, (off_t)from) !=
		    (ssize_t)(at - from))
			break;
		at = from;
	}
	if (pm >= 0)
		close(pm);
	if (mem >= 0)
		close(mem);
	/* The words read end at top: move them to the buffer's start. */
	if (at > lo)
		memmove(buf, (char *)buf + (at - lo), top - at);
	return (size_t)(top - at);
}

void stacks_at_attach_add(struct stacks_at_attach *s, const struct stack_vma *v)
{
	s->threads++;
	s->resident_bytes += v->resident;
	if (v->end - v->lowest > s->deepest)
		s->deepest = v->end - v->lowest;
}
