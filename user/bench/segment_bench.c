// SPDX-License-Identifier: GPL-2.0
/*
 * segment_bench: the hot split, measured both ways the essay names it.
 *   Segmented stacks: a leaf call in a loop on a split coroutine stack,
 *   at every depth of a scan; where the leaf's frame straddles a segment
 *   end, every call goes through __morestack.
 *   Boxes: a libfut child future awaited boxed inside a loop (a slab
 *   allocation per iteration), the same with the box hoisted out of the
 *   loop, and inline.
 * Prints a table with spreads, then `key value` lines (see --help).
 * Figures are measured, never asserted: the machine is shared.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "common/opts.h"
#include "fut.h"
#include "fut_coro.h"
#include "segment_split.h"

#define PROG "segment_bench"
#define REPS 5
#define MAX_DEPTH 48
#define POINTS ((MAX_DEPTH + 1) * SEGMENT_PAD_STEPS)
#define CHILD_SCRATCH 16384	/* the rare heavy branch's state */

static long calls = 200000;
static long iters = 2000000;

struct spread {
	double median, lo, hi;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, and the values at the given fractions (0, 1: min and max). */
static struct spread spread_of(double *v, int n, double lo_frac, double hi_frac)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return (struct spread){ .median = v[n / 2],
				.lo = v[(int)(lo_frac * (n - 1))],
				.hi = v[(int)(hi_frac * (n - 1))] };
}

static struct fut_exec *exec_or_die(void)
{
	struct fut_exec *ex = fut_exec_create(NULL);

	if (!ex) {
		fprintf(stderr, PROG ": cannot create an executor: %s\n", strerror(errno));
		exit(1);
	}
	return ex;
}

/* --- segmented stacks ------------------------------------------------------ */

static double tsc_per_ns;
/* Per point (depth, pad): ns per call of each repetition. */
static double point_ns[POINTS][REPS];

static void calibrate_tsc(void)
{
	uint64_t t0 = fut_now_ns(), c0 = __rdtsc(), t1;

	do
		t1 = fut_now_ns();
	while (t1 - t0 < 50 * 1000 * 1000);
	tsc_per_ns = (double)(__rdtsc() - c0) / (double)(t1 - t0);
}

/*
 * Runs on the split coroutine.  This file is built without -fsplit-stack:
 * its own frame sits unchecked on the first segment, so it stays small
 * (results go to the static table) and prints nothing.
 */
static intptr_t scan(void *arg)
{
	(void)arg;
	for (int p = 0; p < POINTS; p++) {
		unsigned int depth = p / SEGMENT_PAD_STEPS, pad = p % SEGMENT_PAD_STEPS;

		segment_leaf_loop(depth, pad, 1000);	/* segments mapped once */
		for (int r = 0; r < REPS; r++)
			point_ns[p][r] = segment_leaf_loop(depth, pad, calls) /
					 tsc_per_ns / calls;
	}
	return 0;
}

static void run_scan(void)
{
	const struct coro_opts o = { .stack = CORO_STACK_SPLIT, .name = "scan" };
	struct fut_exec *ex = exec_or_die();
	struct fut_handle h;

	if (coro_spawn(ex, &o, scan, NULL, true, &h) || fut_exec_run(ex)) {
		fprintf(stderr, PROG ": the split-stack scan did not run\n");
		exit(1);
	}
	fut_exec_destroy(ex);
}

/* --- boxes ------------------------------------------------------------------ */

struct child {
	struct fut_hdr hdr;
	long i;
	unsigned char scratch[CHILD_SCRATCH];
};

static intptr_t child_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct child *self = (void *)h;

	(void)task;
	/* A little work on the state, not all of it: a branch's first use. */
	self->scratch[self->i & 63] = (unsigned char)self->i;
	return self->scratch[self->i & 63] + 1;
}

static struct fut_type child_type = FUT_TYPE_DESC(child, child_poll, NULL);

static void child_init(struct child *c, long i)
{
	c->i = i;
}

#define LOOPER_BRANCHES_boxed(B, U) B(boxed, child, c)
#define LOOPER_BRANCHES_inline(B, U) B(inline, child, c)
#define LOOPER(name, mode)                                                    \
	struct name {                                                         \
		struct fut_hdr hdr;                                           \
		long i, n, sum;                                               \
		intptr_t r;                                                   \
		FUT_BRANCHES(LOOPER_BRANCHES_##mode);                         \
	};                                                                    \
	static intptr_t name##_poll(struct fut_hdr *h, struct fut_task *task) \
	{                                                                     \
		struct name *self = (void *)h;                                \
		FUT_BEGIN;                                                    \
		for (self->i = 0; self->i < self->n; self->i++) {             \
			FUT_AWAIT(c, self->r, child_init, self->i);           \
			self->sum += self->r;                                 \
		}                                                             \
		return self->sum;                                             \
		FUT_END;                                                      \
	}                                                                     \
	static struct fut_type name##_type =                                  \
		FUT_TYPE_DESC(name, name##_poll, NULL, LOOPER_BRANCHES_##mode); \
	static void name##_init(struct name *s, long n)                       \
	{                                                                     \
		s->n = n;                                                     \
	}

LOOPER(box_loop, boxed)		/* a box per iteration */
LOOPER(inline_loop, inline)	/* the child in the loop's own state */

/* Hoisted: one box, holding the loop and its child inline. */
#define HOISTED_BRANCHES(B, U) B(boxed, inline_loop, loop)
struct hoisted {
	struct fut_hdr hdr;
	long n;
	intptr_t r;
	FUT_BRANCHES(HOISTED_BRANCHES);
};

static intptr_t hoisted_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct hoisted *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(loop, self->r, inline_loop_init, self->n);
	return self->r;
	FUT_END;
}

static struct fut_type hoisted_type =
	FUT_TYPE_DESC(hoisted, hoisted_poll, NULL, HOISTED_BRANCHES);

static void hoisted_init(struct hoisted *s, long n)
{
	s->n = n;
}

enum box_way { BOX_LOOP, BOX_HOISTED, BOX_INLINE, BOX_WAYS };

static double time_way(enum box_way way)
{
	struct fut_exec *ex = exec_or_die();
	struct fut_handle h = { 0, 0 };
	intptr_t sum = 0;
	uint64_t t0 = fut_now_ns(), t1;

	if (way == BOX_LOOP)
		h = FUT_SPAWN(ex, &box_loop_type, false, box_loop_init, iters);
	else if (way == BOX_HOISTED)
		h = FUT_SPAWN(ex, &hoisted_type, false, hoisted_init, iters);
	else
		h = FUT_SPAWN(ex, &inline_loop_type, false, inline_loop_init, iters);
	if (!h.gen || fut_exec_run(ex) || fut_join_now(h, &sum) || sum <= 0) {
		fprintf(stderr, PROG ": a box loop did not run\n");
		exit(1);
	}
	t1 = fut_now_ns();
	fut_exec_destroy(ex);
	return (double)(t1 - t0) / iters;
}

/* --- main ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [--calls N] [--iters N]\n"
"\n"
"The hot split, both ways.  A split coroutine stack: a leaf call in a\n"
"loop at every depth of a scan (%d depths x %d pads, %d repetitions each).\n"
"Futures: a child with a %d-byte state awaited boxed in a loop, the box\n"
"hoisted out of the loop, and inline.  Run it under\n"
"flock /tmp/stacklab-bench.lock on a shared machine.\n"
"\n"
"  --calls N   leaf calls per point and repetition (default %ld)\n"
"  --iters N   loop iterations per box measurement (default %ld)\n"
"  -h, --help     this text\n"
"  -V, --version  the stacklab release\n"
"\n"
"key value lines (ns unless a ratio):\n"
"  split_call_ns           a leaf call inside a segment (median over the scan)\n"
"  split_boundary_call_ns  the same call where it straddles a segment end\n"
"                          (the slowest point of the scan)\n"
"  split_penalty           split_boundary_call_ns / split_call_ns\n"
"  split_boundary_depth    the frames above the leaf at that point\n"
"  box_loop_ns             one iteration, a box allocated and freed in it\n"
"  box_hoisted_ns          one iteration, the box allocated once outside\n"
"  inline_loop_ns          one iteration, the child inline\n"
"  box_penalty             box_loop_ns / box_hoisted_ns\n"
"\n"
"Example:\n"
"  flock /tmp/stacklab-bench.lock build/user/bench/segment_bench\n",
		MAX_DEPTH + 1, SEGMENT_PAD_STEPS, REPS, CHILD_SCRATCH, calls, iters);
}

static bool parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "calls", required_argument, NULL, 'c' },
		{ "iters", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	char *end;
	long v;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		if (opt == 'V') {
			opts_print_version(PROG);
			exit(0);
		}
		if (opt != 'c' && opt != 'i')
			exit(opts_bad_option(PROG, opt, argv));
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno || *end || v < 1000) {
			fprintf(stderr, PROG ": --%s wants an integer >= 1000, got '%s'\n",
				opt == 'c' ? "calls" : "iters", optarg);
			return false;
		}
		*(opt == 'c' ? &calls : &iters) = v;
	}
	if (optind < argc)
		exit(opts_stray_argument(PROG, argv[optind]));
	return true;
}

int main(int argc, char **argv)
{
	static double medians[POINTS], reps[REPS], way_ns[BOX_WAYS][REPS];
	struct spread call, worst, box[BOX_WAYS];
	cpu_set_t set;
	int worst_p = 0;

	if (!parse(argc, argv))
		return 2;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror(PROG ": sched_setaffinity (figures unpinned)");

	calibrate_tsc();
	run_scan();
	for (int p = 0; p < POINTS; p++) {
		memcpy(reps, point_ns[p], sizeof(reps));
		medians[p] = spread_of(reps, REPS, 0, 1).median;
		if (medians[p] > medians[worst_p])
			worst_p = p;
	}
	memcpy(reps, point_ns[worst_p], sizeof(reps));
	worst = spread_of(reps, REPS, 0, 1);
	call = spread_of(medians, POINTS, 0.1, 0.9);

	for (int r = 0; r < REPS; r++)
		for (int w = 0; w < BOX_WAYS; w++)
			way_ns[w][r] = time_way(w);
	for (int w = 0; w < BOX_WAYS; w++)
		box[w] = spread_of(way_ns[w], REPS, 0, 1);

	printf("segment cost (medians; spread in brackets)\n");
	printf("  %-26s %8.2f ns  [%.2f .. %.2f, 10th..90th percentile of %d points]\n",
	       "leaf call in a segment", call.median, call.lo, call.hi, POINTS);
	printf("  %-26s %8.2f ns  [%.2f .. %.2f over %d runs; depth %d, pad %d x 256 B]\n",
	       "leaf call across its end", worst.median, worst.lo, worst.hi, REPS,
	       worst_p / SEGMENT_PAD_STEPS, worst_p % SEGMENT_PAD_STEPS);
	printf("  %-26s %8.2f ns  [%.2f .. %.2f over %d runs]\n", "boxed child in a loop",
	       box[BOX_LOOP].median, box[BOX_LOOP].lo, box[BOX_LOOP].hi, REPS);
	printf("  %-26s %8.2f ns  [%.2f .. %.2f over %d runs]\n", "box hoisted out of it",
	       box[BOX_HOISTED].median, box[BOX_HOISTED].lo, box[BOX_HOISTED].hi, REPS);
	printf("  %-26s %8.2f ns  [%.2f .. %.2f over %d runs]\n", "inline child in a loop",
	       box[BOX_INLINE].median, box[BOX_INLINE].lo, box[BOX_INLINE].hi, REPS);
	printf("(%ld calls a point, %ld iterations a run, %d-byte child; CPU 0)\n",
	       calls, iters, CHILD_SCRATCH);
	printf("split_call_ns %.2f\n", call.median);
	printf("split_boundary_call_ns %.2f\n", worst.median);
	printf("split_penalty %.1f\n", worst.median / call.median);
	printf("split_boundary_depth %d\n", worst_p / SEGMENT_PAD_STEPS);
	printf("box_loop_ns %.2f\n", box[BOX_LOOP].median);
	printf("box_hoisted_ns %.2f\n", box[BOX_HOISTED].median);
	printf("inline_loop_ns %.2f\n", box[BOX_INLINE].median);
	printf("box_penalty %.2f\n", box[BOX_LOOP].median / box[BOX_HOISTED].median);
	return 0;
}
