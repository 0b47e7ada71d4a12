// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
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
	fprintf(stderr, "; try '%s --help'\n", cli.prog);
	exit(CLI_EXIT_USAGE);
}

static bool argp_option_end(const struct argp_option *o)
{
	return !o->name && !o->key && !o->doc && !o->group;
}

/* -h and -V as every stacklab tool has them, listed in --help. */
static const struct argp_option std_options[] = {
	{ "help", 'h', NULL, 0, "This help, with examples", -1 },
	{ "version", 'V', NULL, 0, "The stacklab release", -1 },
	{},
};

static error_t std_parse(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'V')
		return ARGP_ERR_UNKNOWN;
	printf("%s\n", argp_program_version);
	exit(0);
}

static const struct argp std_argp = { std_options, std_parse, NULL, NULL,
				      NULL, NULL, NULL };

/*
 * argp reports a bad flag through getopt, on two lines of its own wording
 * ("invalid option", "Try ... --help"), and has no -h: a first pass with
 * getopt_long over the same options says either once, our way, and
 * answers -h before argp sees it.
 */
error_t cli_argp_parse(const struct argp *tool, int argc, char **argv)
{
	static const struct argp_child children[] = { { &std_argp, 0, NULL, 0 }, {} };
	struct argp top = *tool;
	const struct argp *argp = &top;
	size_t n = 0, cap = 3;
	struct option *longs;
	char *shorts, *s;
	int key = 0, opt;

	/* The tools have no children of their own: ours is the only one. */
	top.children = children;
	for (const struct argp_option *o = argp->options; !argp_option_end(o); o++)
		cap++;
	longs = calloc(cap, sizeof(*longs));
	s = shorts = malloc(3 + 3 * cap);
	if (!longs || !shorts) {
		fprintf(stderr, "%s: out of memory\n", cli.prog);
		exit(1);
	}
	s += sprintf(s, "+:hV");
	longs[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	for (const struct argp_option *o = argp->options; !argp_option_end(o); o++) {
		int has_arg = !o->arg ? no_argument :
			      o->flags & OPTION_ARG_OPTIONAL ? optional_argument :
			      required_argument;

		if (!(o->flags & OPTION_ALIAS))
			key = o->key;
		if (!key && !o->name)
			continue;	/* a group's heading */
		if (o->name)
			longs[n++] = (struct option){ o->name, has_arg, NULL, key };
		if (key > 0 && key < 128 && isprint(key) && key != 'h') {
			*s++ = key;
			if (has_arg != no_argument)
				*s++ = ':';
			if (has_arg == optional_argument)
				*s++ = ':';
		}
	}
	*s = '\0';

	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			exit(opts_bad_option(cli.prog, opt, argv));
		if (opt == 'h') {
			printf("%s\n\n", cli.usage);
			argp_help(argp, stdout, ARGP_HELP_LONG | ARGP_HELP_DOC,
				  (char *)cli.prog);
			exit(0);
		}
	}
	free(longs);
	free(shorts);
	optind = 1;
	return argp_parse(argp, argc, argv, ARGP_IN_ORDER, NULL, NULL);
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

	(void)short_name;
	/* opts_duration() has said what is wrong, on its one line. */
	if (!opts_duration(cli.prog, long_name, arg, 1, OPTS_SEC(10000000), &ns))
		exit(CLI_EXIT_USAGE);
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
