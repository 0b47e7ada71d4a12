// SPDX-License-Identifier: GPL-2.0
/*
 * stacklab-probe: attach the stacklab BPF programs to one target (-p TGID,
 * --comm COMM or -- COMMAND), and report what the kernel did for it: context
 * switches, run-queue latency, threads and stacks, syscalls, io_uring.
 * See bpf/README.md.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "common/opts.h"
#include "kstack.h"
#include "live.h"
#include "report.h"
#include "stacklab-probe.h"
#include "stacklab-probe.skel.h"
#include "stacks.h"
#include "target.h"
#include "tracefs.h"
#include "tracepoints.h"

#define PROG "stacklab-probe"
#define USAGE "usage: " PROG " (-p TGID | --comm COMM | -- COMMAND [ARG]...)\n" \
	"                      [-d DURATION] [-i DURATION] [-o FILE] [--json]\n" \
	"                      [--no-syscalls]"
/* --comm has no short letter: -c means --connections in stacklab's tools. */
#define OPT_COMM 0x100
/* After the target exits, let its last switches reach the maps. */
#define SETTLE_MS 20

static struct env {
	struct cli_run run;
	double interval_s;	/* 0: only the final report */
	bool no_syscalls;
	long seeded;		/* threads the target had at attach */
} env;

static volatile sig_atomic_t stop_signal;

const char *argp_program_version = "stacklab-probe (stacklab) " STACKLAB_VERSION;
static const char doc[] =
"Measure what the kernel does for one target process: context switches\n"
"(voluntary, involuntary), run-queue latency and on-CPU slices, threads\n"
"created and exited, kernel stack bytes, user stack bytes reserved and\n"
"touched, syscalls and io_uring traffic.  Needs root.\n"
"\n"
"Examples:\n"
"    stacklab-probe -p 1234 -d 10       # process 1234 for 10 s\n"
"    stacklab-probe --comm nginx -i 1   # every 'nginx', a report each second\n"
"    stacklab-probe --json -- ./server  # start ./server, follow its tree\n"
"    stacklab-probe --json -o r.json -- ./server  # its output on stdout\n"
"\n"
"Options:";

static const struct argp_option opts[] = {
	{ "pid", 'p', "TGID", 0, "Process to measure (a TID means its process); its children too", 0 },
	{ "comm", OPT_COMM, "COMM", 0, "Measure every process named COMM (at most 15 characters); exit status 1 if none ran", 0 },
	{ NULL, 'c', "COMM", OPTION_HIDDEN, "Deprecated spelling of --comm", 0 },
	CLI_OPTION_DURATION,
	{ "interval", 'i', "DURATION", 0, "Also report every DURATION (what happened in that interval)", 0 },
	CLI_OPTION_OUTPUT,
	{ "json", 'j', NULL, 0, "One JSON object per line instead of tables", 0 },
	{ "no-syscalls", 'S', NULL, 0, "Leave the syscall tracepoints off: no syscall, io_uring_enter or user-stack counts, but no slow path on every syscall of the machine", 0 },
	CLI_OPTION_VERBOSE,
	{},
};

#define TARGETS "-p TGID, --comm COMM or -- COMMAND"

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		fprintf(stderr, PROG ": warning: -c COMM is deprecated and will mean connections: use --comm %s\n",
			arg);
		/* fall through */
	case OPT_COMM:
		cli_set_target(&env.run, TARGET_COMM, TARGETS);
		if (!*arg || strlen(arg) >= TARGET_COMM_LEN)
			cli_usage_error("--comm needs a name of 1 to %d characters (the kernel's comm), not '%s'",
				   TARGET_COMM_LEN - 1, arg);
		strcpy(env.run.target.comm, arg);
		break;
	case 'i':
		env.interval_s = cli_parse_seconds(arg, "interval", 'i');
		break;
	case 'S':
		env.no_syscalls = true;
		break;
	default:
		return cli_parse_run(key, arg, state, &env.run, TARGETS);
	}
	return 0;
}

/* A thread's stack as it is at attach, added to the report's total. */
static void stack_at_attach(pid_t tgid, pid_t tid, void *arg)
{
	struct stack_vma v;

	if (stacks_of_thread(tgid, tid, sysconf(_SC_PAGESIZE), &v))
		stacks_at_attach_add(arg, &v);
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void fail(const char *fmt, const char *detail)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, detail);
	fputc('\n', stderr);
}

static void explain_load_error(int err)
{
	char msg[256];

	if (err == -EPERM || err == -EACCES)
		snprintf(msg, sizeof(msg),
			 "loading the BPF programs was refused (%s): run as root, and check kernel.unprivileged_bpf_disabled and lockdown",
			 strerror(-err));
	else
		snprintf(msg, sizeof(msg),
			 "loading the BPF programs failed (%s): rerun with -v for the verifier's log",
			 strerror(-err));
	fail("%s", msg);
}

/* Before attach: the processes followed.  The live threads come after. */
static int setup_maps(struct stacklab_probe *skel)
{
	__u8 one = 1;

	if (env.run.target.kind == TARGET_COMM)
		return 0;
	if (bpf_map__update_elem(skel->maps.followed, &env.run.target.tgid,
				 sizeof(__u32), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

static void when_exited(struct report_when *w)
{
	int st = env.run.target.wait_status;

	w->exit_code = -1;
	w->exit_signal = 0;
	w->target_exited = env.run.target.exited;
	if (!env.run.target.exited || env.run.target.kind != TARGET_COMMAND)
		return;
	if (WIFEXITED(st))
		w->exit_code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		w->exit_signal = WTERMSIG(st);
}

/* Report every interval until the duration, the target's exit or a signal. */
static int measure(const struct report_ctx *ctx, const struct probe_maps *maps,
		   double start)
{
	double end = env.run.duration_s ? start + env.run.duration_s : 0;
	double next = env.interval_s ? start + env.interval_s : 0;
	double last = start;
	struct snapshot before = {}, now, delta;
	struct report_when w = { .kind = "interval" };
	int err;

	while (!stop_signal) {
		double t = cli_now_s(), wake = end;
		int r;

		if (next && (!wake || next < wake))
			wake = next;
		if (end && t >= end)
			break;
		if (next && t >= next) {
			err = snapshot_read(maps, &now, false);
			if (err)
				return err;
			snapshot_delta(&delta, &now, &before);
			w.elapsed_s = t - start;
			w.span_s = t - last;
			when_exited(&w);
			report_print(env.run.out, ctx, &w, &delta);
			before = now;
			last = t;
			next += env.interval_s;
			continue;
		}
		r = target_wait(&env.run.target, wake ? opts_timeout_ms(wake - t) : -1);
		if (r == 1) {
			struct timespec settle = { 0, SETTLE_MS * 1000000L };

			nanosleep(&settle, NULL);
			break;
		}
	}
	return 0;
}

/* Whether a name target ran at all: found at attach, or seen doing anything. */
static bool comm_matched(const struct counters *c)
{
	return env.seeded || c->context_switches || c->syscalls ||
	       c->threads_exited || c->threads_created || c->processes_created;
}

/* 0, 1 when --comm matched no process (warned), or -errno. */
static int final_report(const struct report_ctx *ctx, const struct probe_maps *maps,
			double start)
{
	struct report_when w = { .kind = "final" };
	struct snapshot s;
	int err = snapshot_read(maps, &s, true);
	bool unmatched;

	if (err)
		return err;
	w.elapsed_s = w.span_s = cli_now_s() - start;
	when_exited(&w);
	report_print(env.run.out, ctx, &w, &s);
	unmatched = env.run.target.kind == TARGET_COMM && !comm_matched(&s.c);
	snapshot_free(&s);
	if (unmatched)
		fprintf(stderr, PROG ": warning: --comm %s matched no process: every figure is 0; check the name (ps -e -o comm; at most 15 characters, as the kernel cuts it)\n",
			env.run.target.comm);
	return unmatched;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc, NULL, NULL, NULL };
	struct sigaction sa = { .sa_handler = on_signal };
	struct stacklab_probe *skel = NULL;
	struct tp_status tp = {};
	struct report_ctx ctx = {};
	struct probe_maps maps;
	struct live_maps live;
	char err[256], target_name[128];
	double start;
	int e, rc = 1;

	cli.prog = PROG;
	cli.usage = USAGE;
	argp_err_exit_status = CLI_EXIT_USAGE;
	if (cli_argp_parse(&argp, argc, argv))
		return CLI_EXIT_USAGE;
	if (!env.run.out) {
		env.run.out = stdout;
		env.run.target.stdout_to_stderr = true;
	}
	if (cli_check_system())
		return 1;
	libbpf_set_print(cli_libbpf_print);

	if (target_prepare(&env.run.target, err, sizeof(err))) {
		target_stop(&env.run.target);
		cli_usage_error("%s", err);
	}

	skel = stacklab_probe__open();
	if (!skel) {
		fail("cannot open the BPF object: %s", strerror(errno));
		goto out;
	}
	skel->rodata->filter_by_comm = env.run.target.kind == TARGET_COMM;
	memcpy((char *)skel->rodata->target_comm, env.run.target.comm, TARGET_COMM_LEN);
	skel->rodata->follow_children = env.run.target.kind != TARGET_COMM;
	skel->rodata->page_size = sysconf(_SC_PAGESIZE);
	tp_select(skel->obj, &tp, env.no_syscalls);
	skel->rodata->uring_enter_from_raw =
		!tp_found(&tp, "syscalls", "sys_enter_io_uring_enter");

	e = stacklab_probe__load(skel);
	if (e) {
		explain_load_error(e);
		goto out;
	}
	e = setup_maps(skel);
	if (e) {
		fail("cannot initialise the BPF maps: %s", strerror(-e));
		goto out;
	}
	if (tp_attach(skel->obj, &tp, err, sizeof(err))) {
		fail("%s", err);
		goto out;
	}
	live = (struct live_maps){ bpf_map__fd(skel->maps.live),
				   bpf_map__fd(skel->maps.gauges) };
	env.seeded = live_seed(&env.run.target, &live);
	if (env.seeded < 0) {
		fail("cannot count the target's threads: %s", strerror((int)-env.seeded));
		goto out;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	target_describe(&env.run.target, target_name, sizeof(target_name));
	ctx = (struct report_ctx){ .target = target_name, .kstack = kstack_size_get(),
				   .tp = &tp, .json = env.run.json };
	maps = (struct probe_maps){
		.counters_fd = bpf_map__fd(skel->maps.counters),
		.gauges_fd = bpf_map__fd(skel->maps.gauges),
		.touched_fd = bpf_map__fd(skel->maps.touched_by_tid),
		.task_ts_fd = bpf_map__fd(skel->maps.task_ts),
	};
	/* A command has not run yet: nothing of its own predates attach. */
	if (env.run.target.kind != TARGET_COMMAND)
		target_for_each_thread(&env.run.target, stack_at_attach, &ctx.at_attach);
	/* In every mode: a script waits for this line before loading. */
	fprintf(stderr, PROG ": attached: measuring %s; Ctrl-C to stop\n", target_name);

	start = cli_now_s();
	if (target_release(&env.run.target, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	e = measure(&ctx, &maps, start);
	if (!e) {
		/* Stop the command first so the final report includes its exit. */
		target_stop(&env.run.target);
		e = final_report(&ctx, &maps, start);
	}
	if (e < 0) {
		fail("cannot read the BPF maps: %s", strerror(-e));
		goto out;
	}
	rc = e;
out:
	target_stop(&env.run.target);
	tp_detach(&tp);
	stacklab_probe__destroy(skel);
	return rc;
}
