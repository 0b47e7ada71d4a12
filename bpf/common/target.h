/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process a BPF tool watches, stacklab-probe and stack-advise alike: an
 * existing one (-p TGID), or a command the tool starts itself and holds
 * until its programs are attached (-- COMMAND); for stacklab-probe only,
 * every process with a given name (--comm COMM).
 */
#ifndef STACKLAB_TARGET_H
#define STACKLAB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TARGET_COMM_LEN 16

enum target_kind { TARGET_NONE, TARGET_PID, TARGET_COMM, TARGET_COMMAND };

struct target {
	enum target_kind kind;
	pid_t tgid;		/* -p, or the command's process */
	char comm[TARGET_COMM_LEN];
	char **argv;		/* the command */
	bool stdout_to_stderr;	/* command: the report has stdout, so it gets fd 2 */
	int pidfd;		/* readable once the process has exited; -1 for --comm */
	int go_fd;		/* command: writing releases the held child */
	int exec_err_fd;	/* command: the child's exec errno, EOF on success */
	bool exited;
	int wait_status;	/* command: waitpid() status once exited */
};

/*
 * -p: check the process exists (a TID is mapped to its TGID); -- : fork the
 * command, held before exec.  0, or -1 with a one-line error in err.
 */
int target_prepare(struct target *t, char *err, size_t err_len);

typedef void (*target_thread_fn)(pid_t tgid, pid_t tid, void *arg);

/*
 * Call fn for every thread the target has now (for --comm, every thread
 * named COMM); the number of calls.
 */
int target_for_each_thread(const struct target *t, target_thread_fn fn, void *arg);

/* Call fn for every thread process tgid has now; the number of calls. */
int target_for_each_task(pid_t tgid, target_thread_fn fn, void *arg);

/* Whether thread tid of process tgid still exists. */
bool target_thread_alive(pid_t tgid, pid_t tid);

/* Let the held command exec; -1 with err when exec failed. */
int target_release(struct target *t, char *err, size_t err_len);

/*
 * Wait up to timeout_ms for the target to exit: 1 when it has (and, for a
 * command, it was reaped), 0 on timeout, -1 when a signal interrupted.
 * --comm targets never "exit": they wait out the timeout.
 */
int target_wait(struct target *t, int timeout_ms);

/* How long a command gets to exit after SIGTERM, then after SIGKILL. */
#define TARGET_GRACE_MS 2000

/*
 * A command still running when the tool stops gets SIGTERM (and SIGCONT, in
 * case it is stopped) and is reaped; one still there TARGET_GRACE_MS later
 * gets SIGKILL, said on stderr; one that outlives that too is left, said.
 */
void target_stop(struct target *t);

/* "pid 123", "comm nginx", "command ./x (pid 123)" for reports. */
void target_describe(const struct target *t, char *buf, size_t len);

#endif
