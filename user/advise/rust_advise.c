// SPDX-License-Identifier: GPL-2.0
/* fut-advise on a Rust program: its DWARF, a census of its tasks when it
 * runs, the advice, the report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rust_advise.h"
#include "rust_report.h"
#include "rust_uprobes.h"

int rust_advise_main(const char *prog, const char *binary, pid_t pid, uint64_t uprobes_ns,
		     bool json)
{
	struct rs_entered e = { 0 };
	char exe[64], err[768];
	struct rs_census c, *cp = NULL;
	struct rs_advice a;
	struct rs_prog p;
	int ret = 0;

	if (!binary) {
		snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
		if (access(exe, R_OK)) {
			fprintf(stderr, "%s: --pid %d: %s\n", prog, (int)pid,
				errno == ENOENT ? "no such process" :
				errno == EACCES ? "no permission to read its binary (run as its user or root)" :
				strerror(errno));
			return 1;
		}
		binary = exe;
	}
	if (rs_load(binary, &p, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (pid) {
		/* The watch first, then the census at its end: a task that
		 * entered a state and waits there is counted in it. */
		if ((uprobes_ns && rs_uprobes_watch(pid, binary, &p, uprobes_ns, &e, err,
						    sizeof(err))) ||
		    rs_census_run(pid, &p, &c, uprobes_ns ? &e : NULL, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", prog, err);
			rs_entered_free(&e);
			rs_free(&p);
			return 1;
		}
		rs_entered_free(&e);
		cp = &c;
	}
	if (rs_advise(&p, cp, &a)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		ret = 1;
	} else {
		if (json)
			ret = rs_report_json(stdout, binary, &p, cp, &a) ? 1 : 0;
		else
			rs_report_text(stdout, binary, &p, cp, &a);
		rs_advice_free(&a);
	}
	if (cp)
		rs_census_free(cp);
	rs_free(&p);
	return ret;
}
