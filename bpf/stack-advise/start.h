/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread's start routine, read from the outermost frames of its live
 * stack (bpf/README.md, "Thread classes").
 */
#ifndef SA_START_H
#define SA_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sym.h"

/* How much of a stack's top is read to find its outermost frames: the
 * TLS block, the thread's entry and the start routine's frame. */
#define SA_START_READ (64 * 1024)

/*
 * The start routine from words, the stack's resident top: n words from
 * address lo up.  false when the frames cannot be told (no outermost frame
 * in the CFI, a frame whose CFA is not sp-based, the thread running in the
 * routine itself).
 */
bool sa_start_routine_of(struct sa_symbolizer *sz, const uint64_t *words, size_t n,
			 uint64_t lo, struct sa_sym *out);

/* The same for thread tid of tgid, alive now, whose stack ends at top. */
bool sa_start_routine(struct sa_symbolizer *sz, pid_t tgid, pid_t tid, uint64_t top,
		      uint64_t reserve, uint64_t page_size, struct sa_sym *out);

/*
 * Start routines read while the threads live, by tid, so that a thread
 * gone by the report (every thread of `-- COMMAND`, a pool's short-lived
 * ones under -p) keeps its class.  A thread is read from the first poll
 * that sees it: a thread just made on a stack glibc reused may still show
 * the old thread's frames where its own will be, so a read one poll later
 * (by then it has entered its routine) settles it; one that cannot be
 * read is given up after SA_START_TRIES polls.
 */
#define SA_START_TRIES 5
/* Threads kept at most (about 17 MiB): four times what the kernel side
 * records (SA_MAX_THREADS), for threads that never fault a stack page. */
#define SA_START_CACHE_MAX 65536

struct sa_start_seen {
	pid_t tid;
	unsigned int tries;
	bool settled;
	char routine[256];	/* "" until read */
};

struct sa_start_cache {
	struct sa_start_seen *v;	/* sorted by tid */
	size_t n, cap;
};

/* tid's entry, made when new; NULL when out of memory or full. */
struct sa_start_seen *sa_start_seen_get(struct sa_start_cache *c, pid_t tid);

/* One try at s's routine; top 0 when its stack is not known (a try all
 * the same).  true when it read a routine other than the one s had. */
bool sa_start_seen_read(struct sa_start_seen *s, struct sa_symbolizer *sz, pid_t tgid,
			uint64_t top, uint64_t reserve, uint64_t page_size);

/* tid's routine as last read, or NULL. */
const char *sa_start_cached(const struct sa_start_cache *c, pid_t tid);

void sa_start_cache_free(struct sa_start_cache *c);

#endif
