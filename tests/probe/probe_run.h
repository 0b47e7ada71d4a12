/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run bpf/stacklab-probe from the build tree's root (the suites' cwd) and
 * collect its exit status, output and JSON reports.
 */
#ifndef STACKLAB_PROBE_RUN_H
#define STACKLAB_PROBE_RUN_H

#include <jansson.h>
#include <sys/types.h>

#define PROBE_BIN "bpf/stacklab-probe"

struct probe_run {
	pid_t pid;
	int out_fd, err_fd;
	int status;		/* exit code, or 128 + signal */
	char *out, *err;	/* everything it printed (err: the command's stdout too) */
	size_t out_len, err_len;
	json_t *final;		/* the last {"type":"final"} line, or NULL */
	int n_intervals;	/* {"type":"interval"} lines */
};

/* Start PROBE_BIN with args (NULL-terminated, without argv[0]). */
int probe_start(struct probe_run *r, const char *const args[]);

/*
 * Read its stdout until a line containing needle arrives: 0, or -1 at EOF
 * or after timeout_ms.
 */
int probe_wait_output(struct probe_run *r, const char *needle, int timeout_ms);

/*
 * The same on its stderr, where a command it started writes its stdout
 * (no -o): for the command's own lines.
 */
int probe_wait_command(struct probe_run *r, const char *needle, int timeout_ms);

/* Read its output to EOF, reap it, parse the JSON lines.  0 or -1. */
int probe_finish(struct probe_run *r);

/* probe_start + probe_finish. */
int probe_run(struct probe_run *r, const char *const args[]);

/* An integer field of the final report, -1 when absent. */
long long probe_final_int(const struct probe_run *r, const char *key);

void probe_free(struct probe_run *r);

/*
 * A link to the workload at path, in a fresh directory under /tmp, named
 * prefix and this test's pid: a process run through it has a comm (at most
 * 15 bytes) that no other process has, not even the same test run by
 * another suite at once, so --comm finds it alone.  Fills comm and link
 * (PATH_MAX bytes); 0, or -1 with errno.  probe_unlink_named() removes it.
 */
int probe_named_link(const char *path, const char *prefix, char comm[16], char *link);
void probe_unlink_named(const char *link);

#endif
