// SPDX-License-Identifier: GPL-2.0
/* fut-advise PROFILE [--binary PATH] [--json]: which inline branch of which
 * future to box, which boxed branch sits in a loop.  Without a PROFILE,
 * --binary and --pid read a Rust program (rust_advise.c).  README.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/opts.h"
#include "dwarf.h"
#include "idle.h"
#include "model.h"
#include "profile.h"
#include "report.h"
#include "rust_advise.h"

#define PROG "fut-advise"

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " PROFILE [--binary PATH [--breakdown]] [--json]\n"
"       " PROG " --binary PATH | --pid PID [--uprobes DUR] [--json]   (Rust)\n"
"\n"
"Reads a libfut profile (fut_prof_dump, fut-server --profile, FUT_PROFILE=)\n"
"and ranks suggestions: box a large inline slot few tasks hold at once,\n"
"hoist a box allocated in a loop, keep a large slot most tasks hold.  Each\n"
"gives its evidence, the predicted change in bytes and allocations, and the\n"
"one-word fix at the await site and the slot's field.\n"
"\n"
"  -b, --binary PATH   the program that wrote the profile: show each state's\n"
"                      layout from its DWARF (needs -g)\n"
"      --breakdown     with --binary: instead of suggestions, where the bytes\n"
"                      of the type with the most live tasks go (a profile\n"
"                      dumped while they are idle: fut-server's SIGUSR1)\n"
"  -p, --pid PID       without PROFILE: a running Rust (tokio) program, read\n"
"                      while it runs: its tasks per async fn and await\n"
"                      (the binary is /proc/PID/exe unless --binary)\n"
"  -u, --uprobes DUR   with --pid: first watch its tasks' polls for DUR (BPF\n"
"                      uprobes; root): each state's tasks entered\n"
"  -j, --json          one JSON object instead of text\n"
"  -h, --help          this text\n"
"  -V, --version       the stacklab release\n"
"\n"
"Examples:\n"
"  fut-server --port 0 --profile prof.json &   ... load it, then SIGTERM\n"
"  " PROG " prof.json                        ranked suggestions\n"
"  " PROG " prof.json --binary build/user/fut-server --json\n"
"  " PROG " prof.json --binary build/user/fut-server --breakdown\n"
"  " PROG " --binary target/release/server     a Rust program's await tree\n"
"  " PROG " --pid $(pidof server) --json       its tasks counted, what to box\n"
"\n"
"Exit status: 0 done, 1 the profile or binary could not be read, 2 bad usage.\n"
"The model and every number: user/advise/README.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "binary", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "uprobes", required_argument, NULL, 'u' },
		{ "breakdown", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *binary = NULL, *path;
	struct dw_info di, *dip = NULL;
	struct profile p;
	struct advice a;
	bool json = false, breakdown = false;
	uint64_t pid = 0, uprobes_ns = 0;
	char err[512];
	int c, ret = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:p:jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'b': binary = optarg; break;
		case 'j': json = true; break;
		case 'p':
			if (!opts_uint(PROG, "pid", optarg, 1, INT32_MAX, &pid))
				return 2;
			break;
		case 'u':
			if (!opts_duration(PROG, "uprobes", optarg, OPTS_MSEC(10),
					   OPTS_SEC(3600), &uprobes_ns))
				return 2;
			break;
		case 'k': breakdown = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': opts_print_version(PROG); return 0;
		default:
			return opts_bad_option(PROG, c, argv);
		}
	}
	if (uprobes_ns && !pid) {
		fprintf(stderr, PROG ": --uprobes watches a running program: give --pid PID\n");
		return 2;
	}
	if (optind == argc && (binary || pid) && !breakdown)
		return rust_advise_main(PROG, binary, (pid_t)pid, uprobes_ns, json);
	if (pid) {
		fprintf(stderr, PROG ": --pid reads a Rust program: give no PROFILE with it\n");
		return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": %s: give one PROFILE (see --help)\n",
			optind == argc ? "no profile" : "too many arguments");
		return 2;
	}
	if (breakdown && !binary) {
		fprintf(stderr, PROG ": --breakdown needs --binary PATH: the layout comes from its DWARF\n");
		return 2;
	}
	path = argv[optind];
	if (profile_load(path, &p, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	if (binary) {
		if (dw_load(binary, &di, err, sizeof(err))) {
			fprintf(stderr, PROG ": --binary %s\n", err);
			profile_free(&p);
			return 1;
		}
		dip = &di;
	}
	if (breakdown) {
		ret = report_idle(stdout, &p, dip, json) ? 1 : 0;
	} else if (advise(&p, &a)) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = 1;
	} else {
		if (json)
			ret = report_json(stdout, path, &p, &a, dip) ? 1 : 0;
		else
			report_text(stdout, path, &p, &a, dip);
		advice_free(&a);
	}
	if (dip)
		dw_free(dip);
	profile_free(&p);
	if (fflush(stdout) || ferror(stdout)) {
		perror(PROG ": stdout");
		ret = 1;
	}
	return ret;
}
