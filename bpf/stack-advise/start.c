// SPDX-License-Identifier: GPL-2.0
/*
 * The outermost frames of a glibc thread are fixed while it lives: clone3's
 * (or clone's) child path calls start_thread, which calls the start routine
 * given to pthread_create.  Their return addresses are on the stack, under
 * the TLS block; the CFI (.eh_frame, in every Debian binary) tells which
 * words they are, with no debug info and no glibc internals: the entry's
 * CFI marks the return address undefined (the outermost frame), and a
 * return address W at A belongs to a frame whose caller's return address
 * is at A + the CFA offset at W (sp-based CFA), or at the frame pointer
 * the callee pushed below W + that offset (rbp-based: MariaDB is built
 * with frame pointers).  So: the highest word that returns into
 * an outermost frame, the word whose frame ends there (start_thread's
 * call), the word whose frame ends at that one (a call the routine made):
 * that last word is in the start routine (by name, else as
 * OBJECT+0xOFFSET of that call: one per routine all the same).  A stale
 * word must match both links exactly to be taken.  A wrapper that every
 * thread starts in (libstdc++'s for std::thread, MariaDB's performance
 * schema's) is the routine of all its threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stacks.h"
#include "start.h"

/* The highest j < below whose word returns into a frame ending at slot
 * `at` (index of the caller's return address), or -1. */
static ssize_t callee_slot(const int64_t *up, size_t below, size_t at)
{
	for (size_t j = below; j-- > 0;)
		if (up[j] == (int64_t)at)
			return (ssize_t)j;
	return -1;
}

/*
 * If w[j] is a return address into F, the index of F's own return address:
 * F's CFA at that call is sp-based (sp was just above w[j]), or based on
 * rbp (a frame-pointer frame), whose value the callee pushed first, just
 * below w[j].  -1 when it is neither, or the slot is not above j.
 */
static int64_t caller_slot(struct sa_symbolizer *sz, const uint64_t *w, size_t n,
			   uint64_t lo, size_t j)
{
	int64_t off = 0, at;
	int reg;

	if (!sa_is_text(sz, w[j]))
		return -1;
	reg = sa_cfa_rule(sz, w[j] - 1, &off);
	if (reg == SA_DWARF_RSP)
		at = (int64_t)j + off / 8;		/* CFA = (lo + 8j + 8) + off */
	else if (reg == SA_DWARF_RBP && j > 0 && w[j - 1] >= lo && w[j - 1] < lo + 8 * n &&
		 !((w[j - 1] - lo) % 8))
		at = (int64_t)((w[j - 1] - lo) / 8) + off / 8 - 1;
	else
		return -1;
	return off % 8 == 0 && at > (int64_t)j && at < (int64_t)n ? at : -1;
}

bool sa_start_routine_of(struct sa_symbolizer *sz, const uint64_t *w, size_t n,
			 uint64_t lo, struct sa_sym *out)
{
	int64_t *up = calloc(n ? n : 1, sizeof(*up));
	bool found = false;

	if (!up)
		return false;
	/* up[j]: the slot of the caller's return address if w[j] is one. */
	for (size_t j = 0; j < n; j++)
		up[j] = caller_slot(sz, w, n, lo, j);
	for (size_t i = n; !found && i-- > 0;) {
		ssize_t i1, i2;

		if (!sa_is_text(sz, w[i]) || !sa_frame_outermost(sz, w[i] - 1))
			continue;
		i1 = callee_slot(up, i, i);
		i2 = i1 >= 0 ? callee_slot(up, (size_t)i1, (size_t)i1) : -1;
		if (i2 >= 0)
			found = sa_symbolize(sz, w[i2] - 1, out);
	}
	free(up);
	return found;
}

bool sa_start_routine(struct sa_symbolizer *sz, pid_t tgid, pid_t tid, uint64_t top,
		      uint64_t reserve, uint64_t page_size, struct sa_sym *out)
{
	uint64_t max = reserve < SA_START_READ ? reserve : SA_START_READ;
	uint64_t *words;
	char path[64];
	size_t got;
	bool found;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", tgid, tid);
	if (access(path, F_OK))
		return false;	/* exited: its stack may be another's now */
	top &= ~7ULL;
	max &= ~7ULL;
	words = malloc(max ? max : 8);
	if (!words)
		return false;
	got = stacks_read_top(tgid, top, max, page_size, words);
	found = sa_start_routine_of(sz, words, got / 8, top - got, out);
	free(words);
	return found;
}

/* The index of tid in c, or where it would go. */
static size_t seen_at(const struct sa_start_cache *c, pid_t tid)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct sa_start_seen *sa_start_seen_get(struct sa_start_cache *c, pid_t tid)
{
	size_t i = seen_at(c, tid);

	if (i < c->n && c->v[i].tid == tid)
		return &c->v[i];
	if (c->n >= SA_START_CACHE_MAX)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct sa_start_seen *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(*c->v));
	memset(&c->v[i], 0, sizeof(c->v[i]));
	c->v[i].tid = tid;
	c->n++;
	return &c->v[i];
}

bool sa_start_seen_read(struct sa_start_seen *s, struct sa_symbolizer *sz, pid_t tgid,
			uint64_t top, uint64_t reserve, uint64_t page_size)
{
	bool changed = false;
	struct sa_sym sym;

	if (s->settled)
		return false;
	if (top && sa_start_routine(sz, tgid, s->tid, top, reserve, page_size, &sym)) {
		changed = strcmp(s->routine, sym.function) != 0;
		snprintf(s->routine, sizeof(s->routine), "%s", sym.function);
		s->settled = s->tries > 0;
	}
	if (++s->tries >= SA_START_TRIES)
		s->settled = true;
	return changed;
}

const char *sa_start_cached(const struct sa_start_cache *c, pid_t tid)
{
	size_t i = seen_at(c, tid);

	return i < c->n && c->v[i].tid == tid && c->v[i].routine[0] ? c->v[i].routine : NULL;
}

void sa_start_cache_free(struct sa_start_cache *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
