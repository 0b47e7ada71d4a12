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
	struct sa_thread t;	/* t.pages: first touches seen while attached */
	bool at_attach;		/* it had a stack when the tool attached */
	uint64_t resident_at_attach;	/* bytes resident then, owner unknown */
	char routine[256];	/* its start routine, "" when not known */
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

/*
 * A class of threads: one start routine (else, when it is not known, one
 * name), and reserves each within a page of the class's smallest (glibc
 * rounds a requested size, and a stack seen in /proc and one from clone3
 * differ by the guard).  The main thread is a class of its own.  Shares
 * and suggestions are per class, so that a pool's verdict does not move
 * with how many other threads there are.
 */
struct sa_class {
	char name[SA_COMM_LEN];		/* its first thread's name */
	char routine[256];		/* "" for a class by name */
	bool main_thread;
	uint64_t reserve_min, reserve_max;
	uint64_t threads;		/* that touched a stack page while attached */
	uint64_t threads_all;		/* with those found at attach */
	uint64_t attach_threads, attach_resident;	/* predates attach */
	uint64_t max_depth;
};

/* One function whose frames first touched stack pages, in one class. */
struct sa_func {
	struct sa_sym sym;		/* the frame's owner */
	char touched_in[256];		/* the faulting function when another */
	size_t cls;			/* index in sa_result.classes */
	uint64_t threads, pages;
};

enum sa_action { SA_SEGMENT, SA_STACK_SIZE, SA_KEEP };

struct sa_suggestion {
	enum sa_action action;
	const struct sa_func *func;	/* NULL for stack size */
	size_t cls;			/* the class it is about */
	uint64_t threads;
	double threads_share, pages_per_thread;
	uint64_t bytes_released;	/* resident bytes no longer kept */
	uint64_t resident_bytes;	/* what the frames keep resident now */
	/* Stack size only: address space saved (reserve_saved); the resident
	 * bytes saved (rss_saved) are 0 when the new size holds every page the
	 * class touched. */
	uint64_t stack_size, reserve_now, reserve_saved, rss_saved;
	uint64_t max_depth;
};

struct sa_result {
	struct sa_class *classes;
	size_t nclasses;
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

/*
 * Group threads into classes (see struct sa_class): r->classes, and each
 * thread's class in cls[i] (in->nthreads entries).  0, or -ENOMEM.
 */
int sa_classify(const struct sa_input *in, struct sa_result *r, size_t *cls);

#endif
