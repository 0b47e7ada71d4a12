// SPDX-License-Identifier: GPL-2.0
/*
 * tpc-server: the thread-per-connection side of the comparison.  One
 * detached pthread per connection with blocking IO; the heavy branch's
 * scratch is an array on that thread's stack.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "common/server_cli.h"
#include "http/http_response.h"
#include "tpc.h"
#include "workload/workload.h"

#define PROG "tpc-server"
/* Frames, glibc's thread descriptor and TLS at the stack's top. */
#define STACK_MARGIN (32 * 1024)

enum { OPT_HEAVY_ON = SERVER_CLI_OWN_FIRST };

static struct server_stop_thread stop;

static bool parse_own(int opt, const char *arg)
{
	if (opt != OPT_HEAVY_ON)
		abort();
	if (strcmp(arg, "stack") && strcmp(arg, "heap")) {
		fprintf(stderr, PROG ": --heavy-on must be 'stack' or 'heap', not '%s'\n",
			arg);
		return false;
	}
	tpc_cfg.heavy_on_heap = !strcmp(arg, "heap");
	return true;
}

/* Not const: PTHREAD_STACK_MIN is sysconf()'s, set in main. */
static struct server_cli cli = {
	.prog = PROG,
	.about =
"HTTP/1.1 server, one thread per connection, blocking IO.  GET / answers a\n"
"short body; GET /heavy digests a --heavy-bytes array on the thread's stack.\n",
	.stack_size_help =
"  -s, --stack-size BYTES    thread stack size (default: glibc's, from\n"
"                            RLIMIT_STACK); K, M, G suffixes\n",
	.own = (const struct option[]){
		{ "heavy-on", required_argument, NULL, OPT_HEAVY_ON },
		{ 0 }
	},
	.own_help =
"      --heavy-on stack|heap where the scratch lives: a stack array (default),\n"
"                            or malloc'd and freed per request (the stack\n"
"                            stays shallow; e.g. --heavy-on heap)\n",
	.examples =
"  " PROG " --port 0                      any free port, glibc's stacks\n"
"  " PROG " --port 8080 --stack-size 64K --heavy-bytes 16K --shutdown-timeout 500ms\n"
"  " PROG " --port 8080 --idle-timeout 1m --max-conns 20000\n",
	.parse_own = parse_own,
};

/* At most one line a second for a repeated condition. */
static void warn_limited(time_t *last, const char *what)
{
	time_t now = time(NULL);

	if (now != *last) {
		fprintf(stderr, PROG ": %s\n", what);
		*last = now;
	}
}

static void accept_loop(pthread_attr_t *attr)
{
	const struct timespec backoff = { .tv_nsec = 10 * 1000 * 1000 };
	time_t fd_warned = 0, thread_warned = 0, full_warned = 0;

	while (!server_stop_thread_stopping(&stop)) {
		pthread_t thread;
		int fd = accept4(stop.listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				warn_limited(&fd_warned,
					     "accept: out of descriptors or memory; backing off (raise ulimit -n)");
				nanosleep(&backoff, NULL);
			}
			continue;
		}
		net_set_nodelay(fd);
		if (!tpc_registry_add(fd)) {
			warn_limited(&full_warned, "--max-conns reached: answering 503");
			server_refuse(fd, 503);
			continue;
		}
		int err = pthread_create(&thread, attr, tpc_conn_thread,
					 (void *)(intptr_t)fd);
		if (err) {
			char why[128];

			tpc_registry_remove(fd);
			/* EAGAIN: threads-max, pid_max or RLIMIT_NPROC; ENOMEM:
			 * the stack's mapping (memory, vm.max_map_count). */
			snprintf(why, sizeof(why),
				 "pthread_create failed: %s (%s): answering 503",
				 strerror(err), strerrorname_np(err));
			warn_limited(&thread_warned, why);
			server_refuse(fd, 503);
		}
	}
}

int main(int argc, char **argv)
{
	struct server_opts *o = &tpc_cfg.srv;
	pthread_attr_t attr;
	size_t stack;

	cli.stack_size_min = PTHREAD_STACK_MIN;
	server_cli_parse(&cli, argc, argv, o);

	stack = server_conn_thread_attr(&attr, o->stack_size);
	/* The heavy array shares the stack with the receive buffer. */
	if (!tpc_cfg.heavy_on_heap &&
	    o->heavy_bytes + tpc_recv_buf_bytes() + STACK_MARGIN > stack) {
		fprintf(stderr,
			PROG ": a %zu-byte stack cannot hold the %zu-byte heavy array, the %zu-byte receive buffer and %d KiB for frames; raise --stack-size to at least %zu or lower --heavy-bytes (or --heavy-on heap)\n",
			stack, o->heavy_bytes, tpc_recv_buf_bytes(),
			STACK_MARGIN / 1024,
			o->heavy_bytes + tpc_recv_buf_bytes() + STACK_MARGIN);
		return 2;
	}

	if (!server_listen_stop_thread(PROG, o, &stop))
		return 1;
	if (!tpc_registry_init(o->nofile))
		return server_out_of_memory(PROG);

	printf(PROG ": listening on %s:%u (thread per connection, %zu KiB stacks, heavy %zu KiB)\n",
	       o->addr, net_local_port(stop.listen_fd), stack / 1024,
	       o->heavy_bytes / 1024);
	fflush(stdout);

	accept_loop(&attr);

	close(stop.listen_fd);
	tpc_registry_shutdown_all();
	uint64_t left = tpc_registry_wait_empty(o->shutdown_timeout_ns);

	server_stop_thread_join(&stop);
	/* Connections still open at the deadline end with the process. */
	server_print_stopped(PROG, tpc_requests_served(), left, false);
	return 0;
}
