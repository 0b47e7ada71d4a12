// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the stacklab.ko tests: see stacklab_test.h. */
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stacklab_test.h"

int sl_module_load(void)
{
	char path[128];
	struct utsname u;
	struct stat st;
	int fd, err = 0;

	if (stat("/proc/stacklab", &st) == 0)
		return 0;
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "kmod/%s/stacklab.ko", u.release);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "# cannot open %s: %s (run from the build tree)\n",
			path, strerror(errno));
		return err;
	}
	if (syscall(SYS_finit_module, fd, "", 0)) {
		err = -errno;
		fprintf(stderr, "# finit_module(%s): %s\n", path, strerror(errno));
	}
	close(fd);
	return err ? err : 1;
}

int sl_module_unload(void)
{
	return syscall(SYS_delete_module, "stacklab", O_NONBLOCK) ? -errno : 0;
}

int sl_write_target(const void *buf, size_t len)
{
	int fd, err = 0;

	fd = open(SL_TARGET, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

int sl_set_target(pid_t tgid)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)tgid);

	return sl_write_target(buf, n);
}

ssize_t sl_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n = 0, len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	close(fd);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

long sl_get_target(void)
{
	char buf[32];
	ssize_t n = sl_read_file(SL_TARGET, buf, sizeof(buf));

	return n < 0 ? n : strtol(buf, NULL, 10);
}

static const char tasks_header[] =
	"tgid tid comm kstack_size kstack_used ustack_size ustack_resident "
	"ustack_used nvcsw nivcsw ustack_exact\n";

int sl_read_tasks(struct sl_row **rows)
{
	struct sl_row *out = NULL, *grown, r;
	size_t cap = 0, len = 0;
	char *line = NULL;
	size_t linecap = 0;
	int n = 0, err = 0;
	ssize_t got;
	FILE *f;

	*rows = NULL;
	f = fopen(SL_TASKS, "re");
	if (!f)
		return -errno;
	if (getline(&line, &linecap, f) < 0 ||
	    strncmp(line, tasks_header, sizeof(tasks_header) - 1)) {
		err = ferror(f) ? -errno : -EPROTO;
		goto out;
	}
	while ((got = getline(&line, &linecap, f)) > 0) {
		/* A row cut short: the read failed (ferror() tells below). */
		if (line[got - 1] != '\n')
			break;
		if (sscanf(line, "%d %d %31s %lu %lu %lu %lu %lu %lu %lu %d",
			   &r.tgid, &r.tid, r.comm, &r.kstack_size,
			   &r.kstack_used, &r.ustack_size, &r.ustack_resident,
			   &r.ustack_used, &r.nvcsw, &r.nivcsw,
			   &r.ustack_exact) != 11) {
			fprintf(stderr, "# tasks row does not parse: %s", line);
			err = -EPROTO;
			goto out;
		}
		if (len == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(out, cap * sizeof(*out));
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			out = grown;
		}
		out[len++] = r;
	}
	if (ferror(f))
		err = errno ? -errno : -EIO;
	else if (got > 0)
		err = -EPROTO;
	n = len;
out:
	free(line);
	fclose(f);
	if (err) {
		free(out);
		return err;
	}
	*rows = out;
	return n;
}

const struct sl_row *sl_find_row(const struct sl_row *rows, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (rows[i].tid == tid)
			return &rows[i];
	return NULL;
}

int sl_read_summary(struct sl_summary *sum)
{
	static const char *const keys[] = {
		"target", "threads", "kstack_size_total", "kstack_used_total",
		"kstack_used_max", "ustack_size_total",
		"ustack_resident_total", "ustack_resident_max", "ustack_inexact",
	};
	long *vals = &sum->target;
	char buf[1024], key[64], *p, *nl;
	long val;
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		vals[i] = -1;
	n = sl_read_file(SL_SUMMARY, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (p = buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl || sscanf(p, "%63s %ld", key, &val) != 2)
			return -EPROTO;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				vals[i] = val;
	}
	return 0;
}

int sl_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int sl_kmsg_bad_lines(int fd, char *first, size_t size)
{
	static const char *const bad[] = { "BUG", "WARNING", "Oops", "Call Trace" };
	char rec[8192];
	int count = 0;
	ssize_t n;

	if (size)
		first[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (!strstr(rec, bad[i]))
				continue;
			if (!count++ && size)
				snprintf(first, size, "%s", rec);
			break;
		}
	}
	return count;
}

void __attribute__((noinline)) sl_touch_stack(int pages)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *buf;

	if (pages <= 0)
		return;
	buf = alloca(pages * page);
	/* Top down, as a growing stack would be touched. */
	for (int i = pages - 1; i >= 0; i--)
		buf[i * page] = 1;
}

struct child_thread {
	int touch_pages;
	int stop_rd;
	pthread_barrier_t *ready;
};

static void *child_thread(void *arg)
{
	struct child_thread *ct = arg;
	char c;

	sl_touch_stack(ct->touch_pages);
	pthread_barrier_wait(ct->ready);
	/* Blocks until the parent closes its end. */
	while (read(ct->stop_rd, &c, 1) > 0)
		;
	return NULL;
}

static void __attribute__((noreturn))
child_main(int nthreads, size_t stack_size, int touch_pages, int stop_rd,
	   int ready_wr)
{
	pthread_t *threads = calloc(nthreads, sizeof(*threads));
	pthread_barrier_t ready;
	struct child_thread ct = { touch_pages, stop_rd, &ready };
	pthread_attr_t attr;
	char c = 1;

	if (!threads || pthread_barrier_init(&ready, NULL, nthreads + 1) ||
	    pthread_attr_init(&attr))
		_exit(10);
	if (stack_size && pthread_attr_setstacksize(&attr, stack_size))
		_exit(11);
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], &attr, child_thread, &ct))
			_exit(12);
	pthread_barrier_wait(&ready);
	if (write(ready_wr, &c, 1) != 1)
		_exit(13);
	while (read(stop_rd, &c, 1) > 0)
		;
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	_exit(0);
}

int sl_child_start(struct sl_child *c, int nthreads, size_t stack_size,
		   int touch_pages)
{
	int stop[2], ready[2], err = 0;
	char byte;

	if (pipe2(stop, O_CLOEXEC))
		return -errno;
	if (pipe2(ready, O_CLOEXEC)) {
		err = -errno;
		goto close_stop;
	}
	c->nthreads = nthreads;
	c->pid = fork();
	if (c->pid < 0) {
		err = -errno;
		goto close_ready;
	}
	if (c->pid == 0) {
		int lo = stop[0] < ready[1] ? stop[0] : ready[1];
		int hi = stop[0] < ready[1] ? ready[1] : stop[0];

		/*
		 * Keep only our two ends: an inherited stop pipe of another
		 * child would keep that child from ever seeing its EOF.
		 */
		close_range(3, lo - 1, 0);
		close_range(lo + 1, hi - 1, 0);
		close_range(hi + 1, ~0U, 0);
		child_main(nthreads, stack_size, touch_pages, stop[0], ready[1]);
	}
	close(stop[0]);
	close(ready[1]);
	c->stop_fd = stop[1];
	if (read(ready[0], &byte, 1) != 1) {
		sl_child_stop(c);
		err = -ECHILD;
	}
	close(ready[0]);
	return err;
close_ready:
	close(ready[0]);
	close(ready[1]);
close_stop:
	close(stop[0]);
	close(stop[1]);
	return err;
}

int sl_child_stop(struct sl_child *c)
{
	int status;

	if (c->pid <= 0)
		return -ECHILD;
	close(c->stop_fd);
	if (waitpid(c->pid, &status, 0) < 0)
		return -errno;
	c->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
