/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What stacklab's BPF tools (stacklab-probe, stack-advise) share at the
 * command line and before they load: usage errors, the target and
 * duration arguments, and the system checks, each failure with its fix.
 */
#ifndef STACKLAB_BPF_CLI_H
#define STACKLAB_BPF_CLI_H

#include <argp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <bpf/libbpf.h>

#include "target.h"

#define CLI_EXIT_USAGE 2
#define CLI_VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Set once in main, before parsing: named in every message. */
struct cli {
	const char *prog;
	const char *usage;	/* "usage: PROG ..." */
	bool verbose;		/* -v: libbpf's messages too */
};
extern struct cli cli;

/*
 * argp_parse() by the stacklab convention: -h/--help prints cli.usage,
 * argp's doc and options on stdout, exit 0; -V/--version is argp's
 * (argp_program_version); an unknown flag or a missing value is one line
 * naming it and "try 'PROG --help'", exit 2.  Stops at the first
 * argument that is not an option, as ARGP_IN_ORDER does for a command.
 */
error_t cli_argp_parse(const struct argp *argp, int argc, char **argv);

/* One line, "PROG: MESSAGE; try 'PROG --help'"; exits 2. */
void __attribute__((noreturn, format(printf, 1, 2)))
cli_usage_error(const char *fmt, ...);

/* -p's argument: a positive process ID, or a usage error. */
pid_t cli_parse_pid(const char *arg);

/*
 * A duration as every stacklab tool reads it (500ms, 2s, 1m, bare
 * seconds), in seconds; at least 1 ns; else a usage error naming
 * --LONG and -SHORT.
 */
double cli_parse_seconds(const char *arg, const char *long_name, char short_name);

/*
 * -o FILE: the report's stream, opened (truncated) now so that a bad path
 * is a usage error before anything runs.
 */
FILE *cli_open_output(const char *path);

/*
 * The report's stream, stdout unless -o gave one; a command the tool starts
 * then writes its own stdout to stderr, never into the report.
 */
#define CLI_OUTPUT_HELP "Write the report to FILE instead of stdout; without it, the command's own stdout goes to stderr so that it never mixes with the report"

/* argp entries of the options cli_parse_run() reads and both tools word alike. */
#define CLI_OPTION_DURATION { "duration", 'd', "DURATION", 0, "Stop after DURATION (500ms, 2s, 1m or bare seconds; default: when the target exits, or SIGINT)", 0 }
#define CLI_OPTION_OUTPUT { "output", 'o', "FILE", 0, CLI_OUTPUT_HELP, 0 }
#define CLI_OPTION_VERBOSE { "verbose", 'v', NULL, 0, "Show libbpf's messages", 0 }

/* What both tools' command lines set, whatever else each adds. */
struct cli_run {
	struct target target;
	double duration_s;	/* 0: until the target exits, or SIGINT */
	bool json;
	FILE *out;		/* the report: -o FILE, or stdout */
};

/*
 * The target is of this kind; a second target of another kind is a usage
 * error listing the tool's targets ("-p TGID or -- COMMAND").
 */
void cli_set_target(struct cli_run *run, enum target_kind kind, const char *targets);

/*
 * argp keys both tools read the same way: -p, -d, -j, -o, -v, the command
 * after "--", and the check that a target was given.  ARGP_ERR_UNKNOWN
 * for any other key, for the tool's own parser to handle.
 */
error_t cli_parse_run(int key, char *arg, struct argp_state *state,
		      struct cli_run *run, const char *targets);

/* Root, BTF, tracefs, RLIMIT_MEMLOCK: 0, or -1 with the cause printed. */
int cli_check_system(void);

/* libbpf's printer: silent unless -v (our own errors explain failures). */
int cli_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args);

double cli_now_s(void);

#endif
