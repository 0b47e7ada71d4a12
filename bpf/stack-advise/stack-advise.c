// SPDX-License-Identifier: GPL-2.0
/*
 * stack-advise: which function made each thread's stack deep, and what to
 * do about it (segment, stack size, keep).  The kernel side counts first
 * touches of stack pages per (thread, instruction); this loader seeds the
 * stack ranges of threads that already run, waits, then symbolizes with
 * libdw and ranks.  See bpf/README.md.
 */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "hold.h"
#include "model.h"
#include "report.h"
#include "stacks.h"
#include "start.h"
#include "sym.h"
#include "stack-advise.h"
#include "stack-advise.skel.h"
#include "target.h"

#define PROG "stack-advise"
#define USAGE "usage: " PROG " (-p TGID | -- COMMAND [ARG]...) [-d DURATION]\n" \
	"                    [-o FILE] [--json]"
/* How often the target's mappings are copied for the symbolizer. */
#define MAPS_EVERY_MS 20

/* Every option is one both tools read (bpf/common/cli.h). */
static struct cli_run run;

static volatile sig_atomic_t stop_signal;

const char *argp_program_version = "stack-advise (stacklab) " STACKLAB_VERSION;
static const char doc[] =
"Find the functions that make thread stacks deep: every first touch of a\n"
"stack page of the target's threads is counted in the kernel by faulting\n"
"instruction, then symbolized (file:line with debug info) and ranked:\n"
"segment a deep frame few threads reach, shrink the stack size to what\n"
"was used, keep a deep frame most threads reach.  Needs root.\n"
"\n"
"Examples:\n"
"    stack-advise -p 1234 -d 10            # a running process, for 10 s\n"
"    stack-advise -- ./tpc-server --port 0 # start it; report when it exits\n"
"    stack-advise --json -d 5 -- ./a.out   # JSON, at most 5 s\n"
"    stack-advise --json -o r.json -- ./a.out  # a.out's output on stdout\n"
"\n"
"Options:";

static const struct argp_option opts[] = {
	{ "pid", 'p', "TGID", 0, "Process to watch (a TID means its process)", 0 },
	CLI_OPTION_DURATION,
	CLI_OPTION_OUTPUT,
	{ "json", 'j', NULL, 0, "One JSON object instead of text", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages, and each thread's start routine as it is read", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return cli_parse_run(key, arg, state, &run, "-p TGID or -- COMMAND");
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* The threads -p found, with their stacks as they were at attach. */
static struct seeded {
	struct sa_thread_rec *recs;
	size_t n, cap;
	int ranges_fd;
} seeded = { .ranges_fd = -1 };

/*
 * -p: each thread's stack is the mapping that holds its sp, so that its
 * later growth is attributed; its resident pages are what it touched
 * before attach, owner unknown.
 */
static void seed_range(pid_t tgid, pid_t tid, void *arg)
{
	uint64_t page_size = *(uint64_t *)arg;
	struct sa_range r;
	struct stack_vma v;
	struct sa_thread_rec *rec;
	__u32 key = (__u32)tid;
	char path[96];
	FILE *f;

	if (!stacks_of_thread(tgid, tid, page_size, &v))
		return;		/* running, or gone */
	r.start = v.start;
	r.end = v.end;
	/* The main thread's range the kernel side knows (RLIMIT_STACK). */
	if (tid != tgid)
		bpf_map_update_elem(seeded.ranges_fd, &key, &r, BPF_ANY);
	if (seeded.n == seeded.cap) {
		size_t cap = seeded.cap ? seeded.cap * 2 : 64;
		struct sa_thread_rec *p = realloc(seeded.recs, cap * sizeof(*p));

		if (!p)
			return;
		seeded.recs = p;
		seeded.cap = cap;
	}
	rec = &seeded.recs[seeded.n++];
	memset(rec, 0, sizeof(*rec));
	rec->tid = tid;
	rec->t.top = v.end;
	rec->t.lowest = v.lowest;
	rec->t.reserve = v.end - v.start;
	rec->at_attach = true;
	rec->resident_at_attach = v.resident;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", tgid, tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(rec->t.comm, sizeof(rec->t.comm), f))
			rec->t.comm[strcspn(rec->t.comm, "\n")] = '\0';
		fclose(f);
	}
}

/*
 * The seeded threads into the input: one that faulted since keeps its own
 * record, deepened to what was resident at attach; one that did not is
 * added with no pages of its own.
 */
static int merge_seeded(struct sa_input *in, struct stacks_at_attach *at)
{
	struct sa_thread_rec *p = realloc(in->threads,
					  (in->nthreads + seeded.n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	in->threads = p;
	for (size_t i = 0; i < seeded.n; i++) {
		const struct sa_thread_rec *s = &seeded.recs[i];
		struct stack_vma v = { .start = s->t.top - s->t.reserve, .end = s->t.top,
				       .resident = s->resident_at_attach,
				       .lowest = s->t.lowest };
		size_t j;

		stacks_at_attach_add(at, &v);
		for (j = 0; j < in->nthreads && in->threads[j].tid != s->tid; j++)
			;
		if (j == in->nthreads) {
			in->threads[in->nthreads++] = *s;
			continue;
		}
		in->threads[j].at_attach = true;
		in->threads[j].resident_at_attach = s->resident_at_attach;
		if (s->t.lowest < in->threads[j].t.lowest &&
		    in->threads[j].t.top == s->t.top)
			in->threads[j].t.lowest = s->t.lowest;
	}
	return 0;
}

/* Start routines of the threads, read while they live (start.h). */
static struct sa_start_cache routines;

struct poll_arg {
	struct sa_symbolizer *sz;
	int ranges_fd;
	uint64_t page_size;
};

static void poll_routine(pid_t tgid, pid_t tid, void *arg)
{
	const struct poll_arg *p = arg;
	struct sa_start_seen *s;
	struct sa_range r = { 0, 0 };
	__u32 key = (__u32)tid;

	if (tid == tgid || !(s = sa_start_seen_get(&routines, tid)) || s->settled)
		return;
	/* Its stack, from clone3 or seeded at attach; else r stays 0. */
	bpf_map_lookup_elem(p->ranges_fd, &key, &r);
	if (sa_start_seen_read(s, p->sz, tgid, r.end, r.end - r.start, p->page_size) &&
	    cli.verbose)
		fprintf(stderr, PROG ": thread %d starts in %s\n", tid, s->routine);
}

/* Wait for the duration, the target's exit or a signal, copying the
 * target's mappings as it goes (the last copy symbolizes) and reading the
 * start routines of the threads it has not read yet. */
static void watch(struct stack_advise *skel, struct sa_symbolizer **sz)
{
	double end = run.duration_s ? cli_now_s() + run.duration_s : 0;
	struct target *t = &run.target;
	struct poll_arg p = { .ranges_fd = bpf_map__fd(skel->maps.ranges),
			      .page_size = skel->rodata->page_size };

	while (!stop_signal) {
		struct timespec every = { 0, MAPS_EVERY_MS * 1000000L };

		if (!sa_maps_snapshot(sz, t->tgid)) {
			p.sz = *sz;
			target_for_each_task(t->tgid, poll_routine, &p);
		}
		if (end && cli_now_s() >= end)
			break;
		if (t->kind != TARGET_COMMAND) {
			if (target_wait(t, MAPS_EVERY_MS) == 1)
				return;
			continue;
		}
		if (sa_hold_poll(t->tgid, sz, &t->wait_status)) {
			t->exited = true;
			return;
		}
		nanosleep(&every, NULL);
	}
	if (t->kind == TARGET_COMMAND)
		sa_hold_release(t->tgid);
}

static int read_threads(int fd, struct sa_input *in)
{
	__u32 key, next, *prev = NULL;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (in->nthreads == cap) {
			void *p = realloc(in->threads, (cap = cap ? 2 * cap : 256) * sizeof(*in->threads));

			if (!p)
				return -ENOMEM;
			in->threads = p;
		}
		memset(&in->threads[in->nthreads], 0, sizeof(in->threads[0]));
		if (bpf_map_lookup_elem(fd, &next, &in->threads[in->nthreads].t) == 0)
			in->threads[in->nthreads++].tid = next;
		key = next;
		prev = &key;
	}
	return 0;
}

static int read_sites(int fd, struct sa_input *in)
{
	struct sa_site_key key, next, *prev = NULL;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (in->nsites == cap) {
			void *p = realloc(in->sites, (cap = cap ? 2 * cap : 1024) * sizeof(*in->sites));

			if (!p)
				return -ENOMEM;
			in->sites = p;
		}
		if (bpf_map_lookup_elem(fd, &next, &in->sites[in->nsites].v) == 0)
			in->sites[in->nsites++].k = next;
		key = next;
		prev = &key;
	}
	return 0;
}

/* Each thread's start routine, its class (start.h): read now if it is
 * alive, else as read while it lived.  The main thread is a class of its
 * own. */
static void start_routines(struct sa_symbolizer *sz, struct sa_input *in)
{
	for (size_t i = 0; i < in->nthreads; i++) {
		struct sa_thread_rec *t = &in->threads[i];
		const char *cached = sa_start_cached(&routines, (pid_t)t->tid);
		struct sa_sym s;

		if (t->tid == in->tgid)
			continue;
		if (sa_start_routine(sz, in->tgid, t->tid, t->t.top, t->t.reserve,
				     in->page_size, &s))
			snprintf(t->routine, sizeof(t->routine), "%s", s.function);
		else if (cached)
			snprintf(t->routine, sizeof(t->routine), "%s", cached);
	}
}

static int report(struct stack_advise *skel, struct sa_symbolizer *sz,
		  uint64_t initial_threads)
{
	struct sa_report_ctx ctx = { .page_size = sysconf(_SC_PAGESIZE),
				     .attached_late = run.target.kind == TARGET_PID };
	struct sa_input in = { .page_size = ctx.page_size, .tgid = run.target.tgid };
	struct sa_result r;
	char name[160];
	__u32 zero = 0;
	int e;

	bpf_map__lookup_elem(skel->maps.counters, &zero, sizeof(zero), &ctx.counters,
			     sizeof(ctx.counters), 0);
	e = read_threads(bpf_map__fd(skel->maps.threads), &in);
	if (!e)
		e = read_sites(bpf_map__fd(skel->maps.sites), &in);
	if (!e)
		e = merge_seeded(&in, &ctx.at_attach);
	in.threads_total = initial_threads + ctx.counters.threads_created;
	if (!e) {
		start_routines(sz, &in);
		e = sa_model(&in, sz, &r);
	}
	free(in.threads);
	free(in.sites);
	if (e) {
		fprintf(stderr, PROG ": %s\n", strerror(-e));
		return 1;
	}
	target_describe(&run.target, name, sizeof(name));
	ctx.target = name;
	if (run.json)
		e = sa_report_json(run.out, &ctx, &r);
	else
		sa_report_text(run.out, &ctx, &r);
	sa_result_free(&r);
	return e || fflush(run.out) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc, NULL, NULL, NULL };
	struct sigaction sa = { .sa_handler = on_signal };
	struct stack_advise *skel = NULL;
	struct sa_symbolizer *sz = NULL;
	uint64_t initial = 1;
	char err[256];
	int e, rc = 1;

	cli.prog = PROG;
	cli.usage = USAGE;
	argp_err_exit_status = CLI_EXIT_USAGE;
	if (cli_argp_parse(&argp, argc, argv))
		return CLI_EXIT_USAGE;
	if (!run.out) {
		run.out = stdout;
		run.target.stdout_to_stderr = true;
	}
	if (cli_check_system())
		return 1;
	libbpf_set_print(cli_libbpf_print);
	if (target_prepare(&run.target, err, sizeof(err))) {
		target_stop(&run.target);
		cli_usage_error("%s", err);
	}
	skel = stack_advise__open();
	if (!skel) {
		fprintf(stderr, PROG ": cannot open the BPF object: %s\n", strerror(errno));
		goto out;
	}
	skel->rodata->target_tgid = run.target.tgid;
	skel->rodata->page_size = sysconf(_SC_PAGESIZE);
	e = stack_advise__load(skel);
	if (e) {
		fprintf(stderr, PROG ": loading the BPF programs failed (%s): rerun with -v for the verifier's log\n",
			strerror(-e));
		goto out;
	}
	/* -p: the threads already running, each its stack range. */
	if (run.target.kind == TARGET_PID) {
		uint64_t page_size = skel->rodata->page_size;

		seeded.ranges_fd = bpf_map__fd(skel->maps.ranges);
		initial = target_for_each_thread(&run.target, seed_range, &page_size);
	}
	e = stack_advise__attach(skel);
	if (e) {
		fprintf(stderr, PROG ": attaching the BPF programs failed (%s): the kernel needs the syscalls:sys_enter_clone3, task_newtask and page_fault_user tracepoints\n",
			strerror(-e));
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* On stderr even with --json: scripts wait for it before loading. */
	if (run.target.kind == TARGET_PID)
		fprintf(stderr, PROG ": watching pid %d; stack pages touched before now are not attributed; Ctrl-C to stop\n",
			run.target.tgid);
	if (run.target.kind == TARGET_COMMAND && (e = sa_hold_start(run.target.tgid))) {
		fprintf(stderr, PROG ": cannot trace the command to read its mappings at exit (%s)\n",
			strerror(-e));
		goto out;
	}
	if (target_release(&run.target, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	watch(skel, &sz);
	target_stop(&run.target);
	if (!sz) {
		fprintf(stderr, PROG ": the target's mappings could not be read (it exited at once?): nothing to symbolize\n");
		goto out;
	}
	rc = report(skel, sz, initial);
out:
	target_stop(&run.target);
	stack_advise__destroy(skel);
	sa_symbolizer_free(sz);
	sa_start_cache_free(&routines);
	return rc;
}
