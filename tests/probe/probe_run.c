// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe_run.h"

int probe_start(struct probe_run *r, const char *const args[])
{
	const char *argv[64] = { PROBE_BIN };
	int out[2], err[2];
	size_t n = 1;

	memset(r, 0, sizeof(*r));
	while (args[n - 1] && n < 63) {
		argv[n] = args[n - 1];
		n++;
	}
	if (pipe(out) || pipe(err))
		return -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		execv(PROBE_BIN, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", PROBE_BIN, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	r->out_fd = out[0];
	r->err_fd = err[0];
	return 0;
}

/* Append what fd has now to *buf; 0 at EOF. */
static ssize_t drain(int fd, char **buf, size_t *len)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	char *p;

	if (n <= 0)
		return n;
	p = realloc(*buf, *len + (size_t)n + 1);
	if (!p)
		return -1;
	memcpy(p + *len, chunk, (size_t)n);
	*len += (size_t)n;
	p[*len] = '\0';
	*buf = p;
	return n;
}

static void parse_reports(struct probe_run *r)
{
	char *save, *line;

	if (!r->out)
		return;
	char *copy = strdup(r->out);

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *o;
		const char *type;

		if (line[0] != '{')
			continue;	/* the command's own output */
		o = json_loads(line, 0, NULL);
		if (!o)
			continue;
		type = json_string_value(json_object_get(o, "type"));
		if (type && strcmp(type, "interval") == 0)
			r->n_intervals++;
		if (type && strcmp(type, "final") == 0) {
			json_decref(r->final);
			r->final = o;
		} else {
			json_decref(o);
		}
	}
	free(copy);
}

static int wait_for(int fd, char **buf, size_t *len, const char *needle,
		    int timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	while (!*buf || !strstr(*buf, needle)) {
		int n = poll(&p, 1, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || drain(fd, buf, len) <= 0)
			return -1;
	}
	return 0;
}

int probe_wait_output(struct probe_run *r, const char *needle, int timeout_ms)
{
	return wait_for(r->out_fd, &r->out, &r->out_len, needle, timeout_ms);
}

int probe_wait_command(struct probe_run *r, const char *needle, int timeout_ms)
{
	return wait_for(r->err_fd, &r->err, &r->err_len, needle, timeout_ms);
}

int probe_finish(struct probe_run *r)
{
	struct pollfd p[2] = { { r->out_fd, POLLIN, 0 }, { r->err_fd, POLLIN, 0 } };
	int open = 2, st;

	while (open > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (drain(p[i].fd, i ? &r->err : &r->out,
				  i ? &r->err_len : &r->out_len) <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open--;
			}
		}
	}
	if (waitpid(r->pid, &st, 0) < 0)
		return -1;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	parse_reports(r);
	return 0;
}

int probe_run(struct probe_run *r, const char *const args[])
{
	return probe_start(r, args) ? -1 : probe_finish(r);
}

long long probe_final_int(const struct probe_run *r, const char *key)
{
	json_t *v = r->final ? json_object_get(r->final, key) : NULL;

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

void probe_free(struct probe_run *r)
{
	free(r->out);
	free(r->err);
	json_decref(r->final);
	memset(r, 0, sizeof(*r));
}

int probe_named_link(const char *path, const char *prefix, char comm[16], char *link)
{
	char dir[] = "/tmp/probe-named-XXXXXX", real[PATH_MAX];

	if (!realpath(path, real) || !mkdtemp(dir))
		return -1;
	snprintf(comm, 16, "%s%d", prefix, (int)getpid());
	if (snprintf(link, PATH_MAX, "%s/%s", dir, comm) >= PATH_MAX) {
		rmdir(dir);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (symlink(real, link)) {
		rmdir(dir);
		return -1;
	}
	return 0;
}

void probe_unlink_named(const char *link)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", link);
	unlink(link);
	rmdir(dirname(dir));
}

