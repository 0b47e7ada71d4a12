/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack-advise: what the kernel side and the loader share.  The kernel
 * side keeps, per thread and faulting instruction, the user stack pages
 * first touched there, and per thread the deepest address touched; the
 * loader symbolizes and ranks once at the end (bpf/README.md).
 */
#ifndef STACK_ADVISE_H
#define STACK_ADVISE_H

#define SA_MAX_THREADS	16384
#define SA_MAX_SITES	32768
/* Stack words kept from the faulting sp: the loader unwinds them with the
 * binaries' CFI to the function whose frame holds the touched page, when
 * the faulting function only writes a caller's array (memset, a fill). */
#define SA_STACK_WORDS	32

/* The stack of one thread: [start, end), end is its top. */
struct sa_range {
	__u64 start, end;
};

struct sa_site_key {
	__u32 tid;
	__u32 pad;
	__u64 ip;		/* the faulting instruction */
};

struct sa_site {
	__u64 pages;		/* stack pages first touched here */
	__u64 max_above_sp;	/* farthest fault above sp: a caller's frame */
	__u64 words[SA_STACK_WORDS];	/* [sp, sp + 256) at the first fault */
};

#define SA_COMM_LEN	16

struct sa_thread {
	__u64 top;		/* the stack's top (end of its range) */
	__u64 lowest;		/* the deepest address faulted in */
	__u64 pages;
	__u64 reserve;		/* the range's size */
	char comm[SA_COMM_LEN];	/* its name at its first fault: its class */
};

struct sa_counters {
	__u64 threads_created;
	__u64 faults;		/* first-touch stack faults seen */
	__u64 sites_dropped;	/* the site map was full */
	__u64 no_range;		/* faults of threads whose stack is unknown */
};

#endif
