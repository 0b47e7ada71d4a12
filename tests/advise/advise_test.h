/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for fut-advise tests: run it, capture stdout and stderr. */
#ifndef ADVISE_TEST_H
#define ADVISE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Its ASan/UBSan build: a leak or a wrapped subtraction fails the test. */
#define FUT_ADVISE "san/fut-advise"

/*
 * Runs `fut-advise ARGS`, output in out/err (malloc'd); exit status, or -2
 * when a sanitizer reported (a leak keeps the exit status an error path has).
 */
static inline int run_advise(const char *args, char **out, char **err)
{
	char cmd[1024], ef[] = "/tmp/advise-err-XXXXXX";
	size_t n = 0, cap = 1 << 16;
	int fd = mkstemp(ef), st;
	FILE *f, *e;

	if (fd < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), FUT_ADVISE " %s 2>%s", args, ef);
	f = popen(cmd, "r");
	*out = calloc(1, cap);
	while (f && n + 1 < cap && fgets(*out + n, cap - n, f))
		n += strlen(*out + n);
	st = f ? pclose(f) : -1;
	*err = calloc(1, 4096);
	e = fdopen(fd, "r");
	if (e) {
		size_t r = fread(*err, 1, 4095, e);

		(*err)[r] = 0;
		fclose(e);
	}
	unlink(ef);
	if (strstr(*err, "Sanitizer"))
		return -2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#ifdef JANSSON_H
/*
 * Dump the profile of what ran on ex, destroy ex, and return fut-advise
 * --json's answer on it (NULL if it failed; its stdout, malloc'd, in out
 * for logs).  For the tests that build a program's futures in-process.
 */
static inline json_t *dump_and_advise(struct fut_exec *ex, char **out)
{
	char path[] = "/tmp/advise-prof-XXXXXX", args[128], *err = NULL;
	json_t *root = NULL;
	int fd = mkstemp(path);

	*out = NULL;
	if (fd < 0)
		return NULL;
	close(fd);
	if (fut_prof_dump(path) == 0) {
		fut_exec_destroy(ex);
		snprintf(args, sizeof(args), "%s --json", path);
		if (run_advise(args, out, &err) == 0)
			root = json_loads(*out, 0, NULL);
		free(err);
	}
	unlink(path);
	return root;
}
/*
 * A fresh process (zero counters) spawns what spawn() adds to an executor
 * with branch timing on, runs it, and returns fut-advise --json's answer on
 * its profile, as dump_and_advise (NULL if anything failed).  For the
 * suggestions that hang on branch time, which one preemption inside a
 * microseconds-long run can tip: such a test may take a few fresh ones.
 */
static inline json_t *advise_fresh(int (*spawn)(struct fut_exec *ex), char **out)
{
	size_t len = 0, cap = 1 << 16;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	*out = calloc(1, cap + 1);
	if (!*out || pipe(fds))
		return NULL;
	pid = fork();
	if (pid == 0) {
		struct fut_exec *ex = fut_exec_create(NULL);
		char *text;

		close(fds[0]);
		if (!ex)
			_exit(1);
		fut_prof_timing(1);
		if (spawn(ex) || fut_exec_run(ex) || !dump_and_advise(ex, &text) ||
		    write(fds[1], text, strlen(text)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	while (pid > 0 && len < cap && (n = read(fds[0], *out + len, cap - len)) > 0)
		len += n;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return NULL;
	return json_loads(*out, 0, NULL);
}
#endif

#endif
