// SPDX-License-Identifier: GPL-2.0
/* fut-advise on a Rust program: its DWARF, a census of its tasks when it
 * runs, the advice, the report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rust_advise.h"
#include "rust_report.h"

int rust_advise_main(const char *prog, const char *binary, pid_t pid, bool json)
{
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
		if (rs_census_run(pid, &p, &c, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", prog, err);
			rs_free(&p);
			return 1;
		}
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
