// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "common/json_text.h"
#include "hist.h"
#include "report.h"
#include "units.h"

/* The per-thread table shows the biggest few; JSON has them all. */
#define TABLE_THREADS 10

_Static_assert(sizeof(struct counters) % sizeof(__u64) == 0,
	       "struct counters must be a plain array of __u64");

static int read_counters(int fd, struct counters *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct counters *percpu;
	__u32 zero = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, percpu)) {
		int e = -errno;

		free(percpu);
		return e;
	}
	memset(sum, 0, sizeof(*sum));
	for (int cpu = 0; cpu < ncpu; cpu++) {
		const __u64 *v = (const __u64 *)&percpu[cpu];
		__u64 *acc = (__u64 *)sum;

		for (size_t i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
			acc[i] += v[i];
	}
	free(percpu);
	return 0;
}

static int by_bytes_desc(const void *a, const void *b)
{
	const struct thread_bytes *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int read_touched(int fd, struct snapshot *s)
{
	size_t cap = 0;
	struct thread_id key, next;
	struct thread_id *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct touch_bytes bytes;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &bytes))
			continue;	/* deleted meanwhile */
		if (s->n_touched == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			void *p = realloc(s->touched, ncap * sizeof(*s->touched));

			if (!p)
				return -ENOMEM;
			s->touched = p;
			cap = ncap;
		}
		s->touched[s->n_touched++] =
			(struct thread_bytes){ key.tid, key.start_ns,
					       bytes.own + bytes.others,
					       bytes.own };
	}
	qsort(s->touched, s->n_touched, sizeof(*s->touched), by_bytes_desc);
	return 0;
}

/* Keys in a hash map keyed by a __u32. */
static long count_keys(int fd)
{
	__u32 key, next, *prev = NULL;
	long n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

int snapshot_read(const struct probe_maps *m, struct snapshot *s, bool with_threads)
{
	__u32 zero = 0;
	int err;

	memset(s, 0, sizeof(*s));
	err = read_counters(m->counters_fd, &s->c);
	if (err)
		return err;
	if (bpf_map_lookup_elem(m->gauges_fd, &zero, &s->g))
		return -errno;
	if (!with_threads)
		return 0;
	s->timed_threads = count_keys(m->task_ts_fd);
	return read_touched(m->touched_fd, s);
}

void snapshot_free(struct snapshot *s)
{
	free(s->touched);
	s->touched = NULL;
	s->n_touched = 0;
}

void snapshot_delta(struct snapshot *out, const struct snapshot *now,
		    const struct snapshot *before)
{
	const __u64 *a = (const __u64 *)&now->c, *b = (const __u64 *)&before->c;
	__u64 *d = (__u64 *)&out->c;

	for (size_t i = 0; i < sizeof(out->c) / sizeof(__u64); i++)
		d[i] = a[i] - b[i];
	out->g = now->g;
	out->touched = NULL;
	out->n_touched = 0;
}

static void print_tracepoints(FILE *out, const struct tp_status *tp)
{
	fprintf(out, "tracepoints attached: %d", tp->n_attached);
	if (tp->n_missing) {
		fprintf(out, "; missing on this kernel:");
		for (int i = 0; i < tp->n_missing; i++)
			fprintf(out, " %s", tp->missing[i]);
		fprintf(out, " (their counters stay 0)");
	}
	if (tp->n_skipped) {
		fprintf(out, "; off (--no-syscalls):");
		for (int i = 0; i < tp->n_skipped; i++)
			fprintf(out, " %s", tp->skipped[i]);
	}
	fprintf(out, "\n");
}

/* Drops are printed whenever one is not 0: a full map never goes unsaid. */
static void print_drops(FILE *out, const struct counters *c)
{
	static const struct {
		const char *name, *what;
		size_t off;
	} drops[] = {
#define DROP(f, what) { #f, what, offsetof(struct counters, f) }
		DROP(ranges_dropped, "stack ranges not stored (map full, or past user space)"),
		DROP(followed_dropped, "child processes not followed (map full)"),
		DROP(live_dropped, "new tasks not counted live (map full)"),
		DROP(task_ts_dropped, "threads not timed (map full)"),
		DROP(touched_dropped, "threads whose touches are not listed (map full)"),
#undef DROP
	};

	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++) {
		__u64 v = *(const __u64 *)((const char *)c + drops[i].off);

		if (v)
			fprintf(out, "warning: %s %llu: %s\n", drops[i].name,
				(unsigned long long)v, drops[i].what);
	}
}

static void print_threads(FILE *out, const struct snapshot *s)
{
	char all[UNITS_LEN], own[UNITS_LEN], others[UNITS_LEN];

	if (!s->n_touched)
		return;
	fprintf(out, "  stack touched by thread: each page is charged to the thread whose\n"
		"  access (or whose read() into it, done by the kernel) first faulted it in;\n"
		"  \"own\" is in the stack clone3 gave that thread, \"others\" in any other stack\n"
		"  range (glibc's creator writes each new thread's control block at the top\n"
		"  of its stack, and stacks made before attach have no known owner)\n");
	for (size_t i = 0; i < s->n_touched && i < TABLE_THREADS; i++) {
		const struct thread_bytes *t = &s->touched[i];

		fprintf(out, "    tid %-10u %10s  (own %s, others %s)\n", t->tid,
			units_bytes(all, (__s64)t->bytes),
			units_bytes(own, (__s64)t->own),
			units_bytes(others, (__s64)(t->bytes - t->own)));
	}
	if (s->n_touched > TABLE_THREADS)
		fprintf(out, "    ... %zu more threads (--json lists them all)\n",
			s->n_touched - TABLE_THREADS);
}

static void print_table(FILE *out, const struct report_ctx *ctx,
			const struct report_when *w, const struct snapshot *s)
{
	const struct counters *c = &s->c;
	__s64 ks = (__s64)ctx->kstack.bytes;
	bool final = !strcmp(w->kind, "final");
	char u[UNITS_LEN], u2[UNITS_LEN];

#define ROW(name, val) fprintf(out, "  %-24s %llu\n", name, (unsigned long long)(val))
#define SROW(name, val) fprintf(out, "  %-24s %lld\n", name, (long long)(val))
#define TROW(name, ns) fprintf(out, "  %-24s %s\n", name, units_ns(u, ns))
#define BROW(name, b) fprintf(out, "  %-24s %s\n", name, units_bytes(u, b))
	fprintf(out, "=== stacklab-probe %s report: %s, %.3f s (at %.3f s)\n",
		w->kind, ctx->target, w->span_s, w->elapsed_s);
	fprintf(out, "scheduling\n");
	ROW("context_switches", c->context_switches);
	ROW("voluntary", c->voluntary);
	ROW("involuntary", c->involuntary);
	fprintf(out, "  %-24s %s", "offcpu", units_ns(u, c->offcpu_ns));
	if (final)
		fprintf(out, " (sum over %llu threads; mean %s per thread)",
			(unsigned long long)c->offcpu_threads,
			units_ns(u2, c->offcpu_threads ? c->offcpu_ns / c->offcpu_threads : 0));
	else
		fprintf(out, " (sum over threads)");
	fputc('\n', out);
	fprintf(out, "  runq_latency (wakeup or preemption to running)\n");
	hist_print(out, &c->runq_latency_ns, "nsecs");
	fprintf(out, "  oncpu_slice (switch in to switch out)\n");
	hist_print(out, &c->oncpu_slice_ns, "nsecs");
	fprintf(out, "threads\n");
	ROW("threads_created", c->threads_created);
	ROW("processes_created", c->processes_created);
	ROW("threads_exited", c->threads_exited);
	SROW("live_threads", s->g.live_tasks);
	SROW("peak_threads", s->g.peak_tasks);
	fprintf(out, "  %-24s %s (%s)\n", "kstack_size", units_bytes(u, ks),
		strcmp(ctx->kstack.source, "default") ? ctx->kstack.source :
		"x86-64 default THREAD_SIZE: the stacklab module is not loaded");
	BROW("kstack", s->g.live_tasks * ks);
	BROW("kstack_peak", s->g.peak_tasks * ks);
	fprintf(out, "user stacks\n");
	fprintf(out, "  %-24s %llu threads, %s resident, deepest %s (predate attach: owner unknown, in no field below)\n",
		"stacks_at_attach", (unsigned long long)ctx->at_attach.threads,
		units_bytes(u, (__s64)ctx->at_attach.resident_bytes),
		units_bytes(u2, (__s64)ctx->at_attach.deepest));
	ROW("stack_mmaps", c->stack_mmaps);
	BROW("stack_reserved", (__s64)c->stack_reserved_bytes);
	ROW("stack_faults", c->stack_faults);
	BROW("stack_touched", (__s64)c->stack_touched_bytes);
	ROW("stack_huge_faults", c->stack_huge_faults);
	ROW("stack_munmaps", c->stack_munmaps);
	BROW("stack_unmapped", (__s64)c->stack_unmapped_bytes);
	print_threads(out, s);
	fprintf(out, "syscalls and io_uring\n");
	ROW("syscalls", c->syscalls);
	ROW("uring_submitted", c->uring_submitted);
	ROW("uring_completed", c->uring_completed);
	ROW("uring_enter", c->uring_enter);
#undef ROW
#undef SROW
#undef TROW
#undef BROW
	print_drops(out, c);
	print_tracepoints(out, ctx->tp);
	if (w->target_exited) {
		if (w->exit_signal)
			fprintf(out, "target exited: killed by signal %d\n", w->exit_signal);
		else if (w->exit_code >= 0)
			fprintf(out, "target exited: status %d\n", w->exit_code);
		else
			fprintf(out, "target exited\n");
	}
	fflush(out);
}

static json_t *strings_json(const char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void set_u64(json_t *o, const char *key, __u64 v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static void set_s64(json_t *o, const char *key, __s64 v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static void print_json(FILE *out, const struct report_ctx *ctx,
		       const struct report_when *w, const struct snapshot *s)
{
	const struct counters *c = &s->c;
	unsigned long ks = ctx->kstack.bytes;
	json_t *o = json_object(), *threads = json_array();

	if (!o || !threads) {
		fprintf(stderr, "stacklab-probe: out of memory building the report\n");
		json_decref(o);
		json_decref(threads);
		return;
	}
	json_object_set_new(o, "type", json_string(w->kind));
	json_object_set_new(o, "target", json_text(ctx->target));
	json_object_set_new(o, "elapsed_s", json_real(w->elapsed_s));
	json_object_set_new(o, "interval_s", json_real(w->span_s));
	set_u64(o, "context_switches", c->context_switches);
	set_u64(o, "voluntary", c->voluntary);
	set_u64(o, "involuntary", c->involuntary);
	set_u64(o, "offcpu_ns", c->offcpu_ns);
	if (!strcmp(w->kind, "final")) {
		set_u64(o, "offcpu_threads", c->offcpu_threads);
		set_u64(o, "offcpu_mean_ns",
			c->offcpu_threads ? c->offcpu_ns / c->offcpu_threads : 0);
	}
	json_object_set_new(o, "runq_latency_ns",
			    hist_json(&c->runq_latency_ns, "ns"));
	json_object_set_new(o, "oncpu_slice_ns",
			    hist_json(&c->oncpu_slice_ns, "ns"));
	set_u64(o, "threads_created", c->threads_created);
	set_u64(o, "processes_created", c->processes_created);
	set_u64(o, "threads_exited", c->threads_exited);
	set_s64(o, "live_threads", s->g.live_tasks);
	set_s64(o, "peak_threads", s->g.peak_tasks);
	set_u64(o, "kstack_size", ks);
	json_object_set_new(o, "kstack_size_source",
			    json_string(ctx->kstack.source));
	set_s64(o, "kstack_bytes", s->g.live_tasks * (__s64)ks);
	set_s64(o, "kstack_peak_bytes", s->g.peak_tasks * (__s64)ks);
	json_object_set_new(o, "stacks_at_attach",
			    json_pack("{s:I,s:I,s:I}",
				      "threads", (json_int_t)ctx->at_attach.threads,
				      "resident_bytes", (json_int_t)ctx->at_attach.resident_bytes,
				      "deepest", (json_int_t)ctx->at_attach.deepest));
	set_u64(o, "stack_mmaps", c->stack_mmaps);
	set_u64(o, "stack_reserved_bytes", c->stack_reserved_bytes);
	set_u64(o, "stack_faults", c->stack_faults);
	set_u64(o, "stack_touched_bytes", c->stack_touched_bytes);
	set_u64(o, "stack_huge_faults", c->stack_huge_faults);
	set_u64(o, "stack_munmaps", c->stack_munmaps);
	set_u64(o, "stack_unmapped_bytes", c->stack_unmapped_bytes);
	set_u64(o, "stack_ranges_dropped", c->ranges_dropped);
	set_u64(o, "followed_dropped", c->followed_dropped);
	set_u64(o, "live_dropped", c->live_dropped);
	set_u64(o, "task_ts_dropped", c->task_ts_dropped);
	set_u64(o, "touched_dropped", c->touched_dropped);
	for (size_t i = 0; i < s->n_touched; i++)
		json_array_append_new(threads,
			json_pack("{s:i,s:I,s:I,s:I,s:I}", "tid", (int)s->touched[i].tid,
				  "start_ns", (json_int_t)s->touched[i].start_ns,
				  "bytes", (json_int_t)s->touched[i].bytes,
				  "own_bytes", (json_int_t)s->touched[i].own,
				  "others_bytes",
				  (json_int_t)(s->touched[i].bytes - s->touched[i].own)));
	json_object_set_new(o, "stack_touched_by_thread", threads);
	if (!strcmp(w->kind, "final"))
		set_s64(o, "timed_threads", s->timed_threads);
	set_u64(o, "syscalls", c->syscalls);
	set_u64(o, "uring_submitted", c->uring_submitted);
	set_u64(o, "uring_completed", c->uring_completed);
	set_u64(o, "uring_enter", c->uring_enter);
	json_object_set_new(o, "tracepoints_attached",
			    strings_json(ctx->tp->attached, ctx->tp->n_attached));
	json_object_set_new(o, "tracepoints_missing",
			    strings_json(ctx->tp->missing, ctx->tp->n_missing));
	json_object_set_new(o, "tracepoints_skipped",
			    strings_json(ctx->tp->skipped, ctx->tp->n_skipped));
	json_object_set_new(o, "target_exited", json_boolean(w->target_exited));
	if (w->exit_code >= 0)
		json_object_set_new(o, "target_exit_code", json_integer(w->exit_code));
	if (w->exit_signal)
		json_object_set_new(o, "target_exit_signal",
				    json_integer(w->exit_signal));
	json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	fflush(out);
	json_decref(o);
}

void report_print(FILE *out, const struct report_ctx *ctx,
		  const struct report_when *when, const struct snapshot *s)
{
	if (ctx->json)
		print_json(out, ctx, when, s);
	else
		print_table(out, ctx, when, s);
}
