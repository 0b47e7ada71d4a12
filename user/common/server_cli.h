/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_SERVER_CLI_H
#define STACKLAB_SERVER_CLI_H

/*
 * The command line, listeners and shutdown every C server shares
 * (tpc-server, fut-server, coro-server): docs/design.md promises them the
 * same flags, so one parser reads them and one --help text says them; a
 * server adds only its own options.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/opts.h"
#include "http/http_parse.h"

/* --heavy-bytes at most: a stack array or a future's state that large. */
#define SERVER_HEAVY_BYTES_MAX (1ULL << 30)

struct server_opts {
	const char *addr;		/* --addr */
	uint16_t port;			/* --port (0: any free one) */
	unsigned int threads;		/* --threads: executors */
	size_t stack_size;		/* --stack-size; 0: the server's default */
	size_t heavy_bytes;		/* --heavy-bytes: GET /heavy's scratch */
	uint64_t max_conns;		/* --max-conns; more get 503 */
	bool max_conns_given;		/* asked for: warn when cut */
	unsigned int idle_timeout_s;	/* idle, or a head unfinished: 408 */
	uint64_t shutdown_timeout_ns;	/* SIGTERM to exit, at most */
	struct http_limits limits;	/* --max-header-bytes */
	uint64_t nofile;		/* descriptors allowed: a connection table's length */
};

/* getopt_long values a server's own long-only options may use. */
enum { SERVER_CLI_OWN_FIRST = OPTS_LONG_FIRST_FREE + 16 };

/* What one server adds to the shared command line. */
struct server_cli {
	const char *prog;
	const char *about;		/* --help: what the server is */
	bool threads;			/* takes -t/--threads */
	uint64_t stack_size_min;	/* takes -s/--stack-size when not 0 */
	const char *stack_size_help;	/* --help lines of --stack-size */
	const struct option *own;	/* the server's own options, {0}-ended */
	const char *own_short;		/* their short letters, getopt style */
	const char *own_help;		/* their --help lines */
	const char *examples;		/* --help: "Examples:" lines */
	const char *notes;		/* --help: last, after the signals */
	/* One of the server's own options; false: refused, said on stderr. */
	bool (*parse_own)(int opt, const char *arg);
};

/*
 * Fills *o from argv: the defaults, then the options.  Exits 0 after
 * --help or --version; exits 2 after one line on stderr for a bad flag,
 * value or argument, or a missing --port.
 */
void server_cli_parse(const struct server_cli *cli, int argc, char **argv,
		      struct server_opts *o);

/*
 * A listening socket and, for an executor, the eventfd that stops it: the
 * first member of an executor's struct (fut-server's, coro-server's).
 */
struct server_listener {
	int listen_fd;			/* SO_REUSEPORT when more than one */
	int stop_fd;			/* eventfd: main writes it to stop; -1 without an executor */
};

/*
 * Fits o->max_conns to RLIMIT_NOFILE (o->nofile: the limit now in
 * force), then opens max(executors, 1) listeners on o's address, all on
 * the port the first one got, with a stop eventfd for each executor.
 * The listeners are the first members of structs stride bytes apart from
 * first (an array of executors).  False after a line on stderr.
 */
bool server_listen(const char *prog, struct server_opts *o,
		   unsigned int executors, struct server_listener *first,
		   size_t stride);

/* The listener of executor i, in the array server_listen() filled. */
static inline struct server_listener *
server_listener_at(struct server_listener *first, size_t stride, unsigned int i)
{
	return (struct server_listener *)((char *)first + i * stride);
}

/*
 * Writes every executor's stop eventfd; false when one could not be
 * written.  Closes them with server_close_stop_fds() after the join.
 */
bool server_stop_executors(struct server_listener *first, size_t stride,
			   unsigned int n);
void server_close_stop_fds(struct server_listener *first, size_t stride,
			   unsigned int n);

/*
 * SIGINT and SIGTERM (and extra, when not 0) blocked in this thread and
 * every thread it starts later, for sigwait() on *set; SIGPIPE ignored:
 * a peer's close is an error return, not an exit.
 */
void server_block_signals(sigset_t *set, int extra);

/*
 * The listener and the stop of a server whose main thread blocks in
 * accept() and starts a thread per connection (tpc-server,
 * floor-threads).  Call it before any connection thread: it opens one
 * listener (server_listen() without executors: a connection thread holds
 * only its socket), blocks the signals (server_block_signals) in the
 * caller, which every later thread inherits, and starts the one thread
 * that takes them.  The first SIGINT or SIGTERM shuts the listener down,
 * so that a blocked accept() returns (EINVAL), then sets what
 * server_stop_thread_stopping() reads: close the listener only once the
 * loop has seen that, so never before the thread's shutdown of it.
 */
struct server_stop_thread {
	int listen_fd;
	bool stopping;			/* atomic: server_stop_thread_stopping() */
	sigset_t sigs;
	pthread_t thread;
};

/* False after a line on stderr: no listener, or no thread. */
bool server_listen_stop_thread(const char *prog, struct server_opts *o,
			       struct server_stop_thread *st);
bool server_stop_thread_stopping(struct server_stop_thread *st);
/* After the accept loop: the thread has ended once a signal came. */
void server_stop_thread_join(struct server_stop_thread *st);

/*
 * *attr for a connection thread: detached (nothing joins it), with a
 * stack of stack_size bytes, or glibc's default (RLIMIT_STACK) for 0.
 * Returns the stack size the threads get.
 */
size_t server_conn_thread_attr(pthread_attr_t *attr, size_t stack_size);

/* A connection not taken: status's answer if the socket takes it at
 * once, then closed. */
void server_refuse(int fd, int status);

/* No memory for a connection table: says so; returns 1, the exit status. */
int server_out_of_memory(const char *prog);

/* The executors could not start: the cause and what to change. */
void server_exec_start_failed(const char *prog, unsigned int threads, int err);

/*
 * The last stdout line: "PROG: stopped: N requests served", with the
 * connections cut at the --shutdown-timeout deadline when any, or that
 * an executor failed.
 */
void server_print_stopped(const char *prog, uint64_t served, uint64_t cut,
			  bool exec_failed);

#endif
