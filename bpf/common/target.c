// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "target.h"

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* The Tgid: line of /proc/PID/status, 0 when there is no such process. */
static pid_t tgid_of(pid_t pid)
{
	char path[64], line[256];
	pid_t tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* Whether /proc/PATH/comm (PATH: "PID" or "PID/task/TID") reads comm. */
static bool comm_is_path(const char *pid_path, const char *comm)
{
	char path[96], buf[TARGET_COMM_LEN + 2];
	bool same = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid_path);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		same = strcmp(buf, comm) == 0;
	}
	fclose(f);
	return same;
}

static int prepare_pid(struct target *t, char *err, size_t err_len)
{
	pid_t tgid = tgid_of(t->tgid);

	if (!tgid) {
		snprintf(err, err_len,
			 "no process %d: check the PID (ps -e) or start it first",
			 t->tgid);
		return -1;
	}
	t->tgid = tgid;
	t->pidfd = pidfd_open_compat(tgid);
	if (t->pidfd < 0) {
		snprintf(err, err_len, "cannot watch process %d: %s%s", tgid,
			 strerror(errno),
			 errno == ESRCH ? " (it has exited)" : "");
		return -1;
	}
	return 0;
}

/* Child side: wait for the go byte, then exec; report exec's errno. */
static void __attribute__((noreturn))
run_held(const struct target *t, int go_rd, int err_wr)
{
	char go;
	int e;

	if (read(go_rd, &go, 1) != 1)
		_exit(127);	/* the probe gave up before attaching */
	close(go_rd);
	if (t->stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	execvp(t->argv[0], t->argv);
	e = errno;
	if (write(err_wr, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int prepare_command(struct target *t, char *err, size_t err_len)
{
	int go[2], exec_err[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(exec_err, O_CLOEXEC)) {
		snprintf(err, err_len, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, err_len, "cannot fork for the command: %s",
			 strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(go[1]);
		close(exec_err[0]);
		run_held(t, go[0], exec_err[1]);
	}
	close(go[0]);
	close(exec_err[1]);
	t->tgid = pid;
	t->go_fd = go[1];
	t->exec_err_fd = exec_err[0];
	t->pidfd = pidfd_open_compat(pid);
	if (t->pidfd < 0) {
		snprintf(err, err_len, "pidfd_open: %s (needs Linux 5.3)",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int target_prepare(struct target *t, char *err, size_t err_len)
{
	t->pidfd = t->go_fd = t->exec_err_fd = -1;
	switch (t->kind) {
	case TARGET_PID:
		return prepare_pid(t, err, err_len);
	case TARGET_COMMAND:
		return prepare_command(t, err, err_len);
	case TARGET_COMM:
		return 0;
	default:
		snprintf(err, err_len, "no target: give -p TGID, --comm COMM or -- COMMAND");
		return -1;
	}
}

/* Every thread in /proc/TGID/task (of one name, for -c). */
static int for_each_task_of(pid_t tgid, const char *comm, target_thread_fn fn,
			    void *arg)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", tgid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		pid_t tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		if (comm) {
			snprintf(path, sizeof(path), "%d/task/%d", tgid, tid);
			if (!comm_is_path(path, comm))
				continue;
		}
		fn(tgid, tid, arg);
		n++;
	}
	closedir(d);
	return n;
}

int target_for_each_thread(const struct target *t, target_thread_fn fn, void *arg)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	if (t->kind == TARGET_COMMAND) {
		fn(t->tgid, t->tgid, arg);	/* held before exec: one thread */
		return 1;
	}
	if (t->kind == TARGET_PID)
		return target_for_each_task(t->tgid, fn, arg);
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		pid_t pid = atoi(e->d_name);

		if (pid > 0)
			n += for_each_task_of(pid, t->comm, fn, arg);
	}
	closedir(d);
	return n;
}

int target_for_each_task(pid_t tgid, target_thread_fn fn, void *arg)
{
	return for_each_task_of(tgid, NULL, fn, arg);
}

bool target_thread_alive(pid_t tgid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", tgid, tid);
	return access(path, F_OK) == 0;
}

int target_release(struct target *t, char *err, size_t err_len)
{
	int child_errno;
	ssize_t n;

	if (t->kind != TARGET_COMMAND)
		return 0;
	if (write(t->go_fd, "g", 1) != 1) {
		snprintf(err, err_len, "cannot release the command: %s",
			 strerror(errno));
		return -1;
	}
	close(t->go_fd);
	t->go_fd = -1;
	/* EOF: exec succeeded and closed the O_CLOEXEC write end. */
	do
		n = read(t->exec_err_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(t->exec_err_fd);
	t->exec_err_fd = -1;
	if (n == sizeof(child_errno)) {
		snprintf(err, err_len, "cannot run '%s': %s%s", t->argv[0],
			 strerror(child_errno),
			 child_errno == ENOENT ? " (check the name and PATH)" : "");
		waitpid(t->tgid, &t->wait_status, 0);
		t->exited = true;
		return -1;
	}
	return 0;
}

int target_wait(struct target *t, int timeout_ms)
{
	struct pollfd p = { .fd = t->pidfd, .events = POLLIN };
	int r;

	if (t->exited)
		return 1;
	/* poll() with no fd (-c) is a plain interruptible sleep. */
	r = poll(&p, t->pidfd >= 0 ? 1 : 0, timeout_ms);
	if (r < 0)
		return errno == EINTR ? -1 : 0;
	if (r == 0)
		return 0;
	if (t->kind == TARGET_COMMAND)
		waitpid(t->tgid, &t->wait_status, 0);
	t->exited = true;
	return 1;
}

/* Whether the command exits within ms; reaps it when it does. */
static bool reaped_within(struct target *t, int ms)
{
	struct pollfd p = { .fd = t->pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return false;
	waitpid(t->tgid, &t->wait_status, 0);
	t->exited = true;
	return true;
}

void target_stop(struct target *t)
{
	char name[128];

	if (t->kind != TARGET_COMMAND || t->exited)
		return;
	if (t->go_fd >= 0) {
		/* Never released: closing the pipe makes it exit. */
		close(t->go_fd);
		t->go_fd = -1;
	} else {
		kill(t->tgid, SIGTERM);
		/* A stopped command acts on SIGTERM only once continued. */
		kill(t->tgid, SIGCONT);
	}
	if (reaped_within(t, TARGET_GRACE_MS))
		return;
	target_describe(t, name, sizeof(name));
	fprintf(stderr, "%s: %s did not exit %d ms after SIGTERM: sending SIGKILL\n",
		cli.prog, name, TARGET_GRACE_MS);
	kill(t->tgid, SIGKILL);
	if (reaped_within(t, TARGET_GRACE_MS))
		return;
	/* Uninterruptible in the kernel: leave it rather than hang. */
	fprintf(stderr, "%s: %s is still there %d ms after SIGKILL: not waiting for it\n",
		cli.prog, name, TARGET_GRACE_MS);
}

void target_describe(const struct target *t, char *buf, size_t len)
{
	switch (t->kind) {
	case TARGET_PID:
		snprintf(buf, len, "pid %d", t->tgid);
		break;
	case TARGET_COMM:
		snprintf(buf, len, "comm %s", t->comm);
		break;
	case TARGET_COMMAND:
		snprintf(buf, len, "command %s (pid %d)", t->argv[0], t->tgid);
		break;
	default:
		snprintf(buf, len, "none");
	}
}
