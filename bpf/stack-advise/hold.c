// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "hold.h"

int sa_hold_start(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL))
		return -errno;
	return 0;
}

static bool is_event(int st, int event)
{
	return WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (event << 8));
}

int sa_hold_poll(pid_t pid, struct sa_symbolizer **sz, int *status)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG | __WALL);

		if (r == 0)
			return 0;
		if (r < 0)
			return errno == EINTR ? 0 : 1;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			*status = st;
			return 1;
		}
		if (is_event(st, PTRACE_EVENT_EXIT)) {
			sa_maps_snapshot(sz, pid);	/* the last copy, complete */
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (WIFSTOPPED(st)) {
			/* A signal for the program: deliver it. */
			int sig = WSTOPSIG(st);

			ptrace(PTRACE_CONT, pid, 0, sig == SIGTRAP ? 0 : sig);
		}
	}
}

void sa_hold_release(pid_t pid)
{
	int st;

	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0))
		return;
	while (waitpid(pid, &st, __WALL) == pid) {
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return;
		if (is_event(st, PTRACE_EVENT_STOP)) {
			ptrace(PTRACE_DETACH, pid, 0, 0);
			return;
		}
		/* A signal stop came first: hand the signal over as we leave. */
		ptrace(PTRACE_DETACH, pid, 0, WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st));
		return;
	}
}
