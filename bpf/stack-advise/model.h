/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack-advise's model: the kernel's per (thread, instruction) page counts
 * turned into per-function figures and ranked suggestions (bpf/README.md,
 * "stack-advise").
 */
#ifndef SA_MODEL_H
#define SA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "sym.h"
#include "stack-advise.h"

/* A frame reached by at most this share of threads is worth segmenting. */
#define SA_SEGMENT_MAX_SHARE 0.5
/* A function is suggested from this many pages per thread on: one page is
 * the thread's start, not a deep frame. */
#define SA_DEEP_MIN_PAGES 2.0
/* Stack size: the deepest observed stack plus half again, at least 64 KiB
 * more, rounded up to 64 KiB. */
#define SA_STACK_MARGIN_MIN (64 * 1024)
#define SA_STACK_ROUND (64 * 1024)

struct sa_thread_rec {
	__u32 tid;
	struct sa_thread t;
};

struct sa_site_rec {
	struct sa_site_key k;
	struct sa_site v;
};

struct sa_input {
	struct sa_thread_rec *threads;	/* threads that touched a stack page */
	size_t nthreads;
	struct sa_site_rec *sites;
	size_t nsites;
	uint64_t threads_total;		/* every thread followed, touching or not */
	__u32 tgid;			/* the main thread: no pthread stack size */
	uint64_t page_size;
};

/* One function whose frames first touched stack pages. */
struct sa_func {
	struct sa_sym sym;		/* the frame's owner */
	char touched_in[256];		/* the faulting function when another */
	uint64_t threads, pages;
};

enum sa_action { SA_SEGMENT, SA_STACK_SIZE, SA_KEEP };

struct sa_suggestion {
	enum sa_action action;
	const struct sa_func *func;	/* NULL for stack size */
	uint64_t threads;
	double threads_share, pages_per_thread;
	uint64_t bytes_released;	/* resident bytes no longer kept */
	uint64_t resident_bytes;	/* what the frames keep resident now */
	uint64_t stack_size, reserve_now, reserve_saved;	/* stack size only */
	uint64_t max_depth;
};

struct sa_result {
	struct sa_func *funcs;
	size_t nfuncs;
	struct sa_suggestion *sug;
	size_t nsug;
	uint64_t threads;		/* the share's denominator */
	uint64_t max_depth;
};

/* 0, or -ENOMEM. */
int sa_model(const struct sa_input *in, struct sa_symbolizer *sz,
	     struct sa_result *r);
void sa_result_free(struct sa_result *r);
const char *sa_action_name(enum sa_action a);

#endif
