// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed coroutine stack that overflows faults in its guard page.  The
 * fault cannot be handled on the stack that overflowed, so each thread
 * that runs coroutines gets an alternate signal stack, and one SIGSEGV
 * handler names the coroutine, its stack size and the fault address,
 * then lets the default action end the process (a core, not silent
 * corruption).  Faults elsewhere go to the handler installed before.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "coro_internal.h"

/* Room for the handler and for ASan's, which may run on it too. */
#define ALT_STACK_BYTES (64 * 1024)

__thread struct coro_running coro__running;
static __thread char alt_stack[ALT_STACK_BYTES] __attribute__((aligned(16)));
static __thread int alt_stack_set;
static struct sigaction previous;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

/* Async-signal-safe formatting: no stdio in a handler. */
static size_t put_str(char *out, size_t at, size_t cap, const char *s)
{
	while (*s && at < cap)
		out[at++] = *s++;
	return at;
}

static size_t put_num(char *out, size_t at, size_t cap, uint64_t v,
		      unsigned int base)
{
	char digits[24];
	unsigned int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && at < cap)
		out[at++] = digits[--n];
	return at;
}

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
	const char *addr = si->si_addr;
	char msg[256];
	size_t n = 0;

	if (coro__running.guard_lo && addr >= coro__running.guard_lo &&
	    addr < coro__running.guard_hi) {
		n = put_str(msg, n, sizeof(msg), "libfut: coroutine '");
		n = put_str(msg, n, sizeof(msg), coro__running.name);
		n = put_str(msg, n, sizeof(msg), "' overflowed its fixed stack of ");
		n = put_num(msg, n, sizeof(msg), coro__running.size, 10);
		n = put_str(msg, n, sizeof(msg), " bytes (fault at 0x");
		n = put_num(msg, n, sizeof(msg), (uintptr_t)addr, 16);
		n = put_str(msg, n, sizeof(msg),
			    " in its guard page): give it a larger stack\n");
		if (write(STDERR_FILENO, msg, n) < 0)
			n = 0;
		signal(SIGSEGV, SIG_DFL);
		return;	/* the access faults again, now fatally */
	}
	if (previous.sa_flags & SA_SIGINFO) {
		previous.sa_sigaction(sig, si, uctx);
		return;
	}
	if (previous.sa_handler == SIG_IGN || previous.sa_handler == SIG_DFL) {
		signal(SIGSEGV, SIG_DFL);
		return;
	}
	previous.sa_handler(sig);
}

static void install_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &previous);
}

void coro_guard_thread_init(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
	stack_t old;

	if (alt_stack_set)
		return;
	alt_stack_set = 1;
	pthread_once(&handler_once, install_handler);
	/* Keep an alternate stack someone else set up (ASan sets one). */
	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return;
	sigaltstack(&ss, NULL);
}
