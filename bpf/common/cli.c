// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/opts.h"
#include "tracefs.h"

struct cli cli;

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli.prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s\nTry '%s --help' for more information.\n",
		cli.usage, cli.prog);
	exit(CLI_EXIT_USAGE);
}

void cli_set_target(struct cli_run *run, enum target_kind kind, const char *targets)
{
	if (run->target.kind != TARGET_NONE && run->target.kind != kind)
		cli_usage_error("give one target: %s", targets);
	run->target.kind = kind;
}

error_t cli_parse_run(int key, char *arg, struct argp_state *state,
		      struct cli_run *run, const char *targets)
{
	switch (key) {
	case 'p':
		cli_set_target(run, TARGET_PID, targets);
		run->target.tgid = cli_parse_pid(arg);
		break;
	case 'd':
		run->duration_s = cli_parse_seconds(arg, "duration", 'd');
		break;
	case 'j':
		run->json = true;
		break;
	case 'o':
		if (run->out)
			cli_usage_error("give -o once");
		run->out = cli_open_output(arg);
		break;
	case 'v':
		cli.verbose = true;
		break;
	case ARGP_KEY_ARG:
		/* The command and its arguments: everything from here on. */
		cli_set_target(run, TARGET_COMMAND, targets);
		run->target.argv = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (run->target.kind == TARGET_NONE)
			cli_usage_error("no target: give %s", targets);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

pid_t cli_parse_pid(const char *arg)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno || end == arg || *end || pid <= 0 || pid > INT_MAX)
		cli_usage_error("-p needs a process ID (a positive integer), not '%s'", arg);
	return (pid_t)pid;
}

double cli_parse_seconds(const char *arg, const char *long_name, char short_name)
{
	uint64_t ns;

	if (!opts_duration(cli.prog, long_name, arg, 1, OPTS_SEC(10000000), &ns))
		cli_usage_error("-%c must be a positive number of seconds or a duration (500ms, 2s, 1m), not '%s'",
				short_name, arg);
	return (double)ns / OPTS_NSEC_PER_SEC;
}

FILE *cli_open_output(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		cli_usage_error("-o: cannot write the report to '%s': %s (check the directory exists and is writable)",
				path, strerror(errno));
	return f;
}

int cli_check_system(void)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	char err[256];

	if (geteuid() != 0) {
		fprintf(stderr, "%s: needs root to load BPF programs and read tracefs: run it with sudo\n",
			cli.prog);
		return -1;
	}
	if (access(CLI_VMLINUX_BTF, R_OK) != 0) {
		fprintf(stderr, "%s: this kernel has no BTF (" CLI_VMLINUX_BTF "): CO-RE needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n",
			cli.prog);
		return -1;
	}
	if (tracefs_ensure(err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cli.prog, err);
		return -1;
	}
	/* Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK. */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) && cli.verbose)
		fprintf(stderr, "%s: warning: cannot raise RLIMIT_MEMLOCK (%s); loading may fail on older kernels\n",
			cli.prog, strerror(errno));
	return 0;
}

int cli_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return cli.verbose ? vfprintf(stderr, fmt, args) : 0;
}

double cli_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
