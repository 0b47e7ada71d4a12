// SPDX-License-Identifier: GPL-2.0
/*
 * coro-server: the stackful-coroutine side of the comparison.  N
 * executor threads, each with its own SO_REUSEPORT listener, one
 * coroutine per connection, on a fixed or a split stack.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/net.h"
#include "common/server_cli.h"
#include "corosrv.h"
#include "workload/workload.h"

#define PROG "coro-server"
/* Frames around the receive buffer and the heavy array. */
#define STACK_MARGIN (16 * 1024)

enum { OPT_STACK = SERVER_CLI_OWN_FIRST };

static bool parse_own(int opt, const char *arg)
{
	if (opt != OPT_STACK)
		abort();
	if (!strcmp(arg, "fixed"))
		corosrv_cfg.stack = CORO_STACK_FIXED;
	else if (!strcmp(arg, "split"))
		corosrv_cfg.stack = CORO_STACK_SPLIT;
	else {
		fprintf(stderr, PROG ": --stack: '%s' is neither fixed nor split\n", arg);
		return false;
	}
	return true;
}

static const struct server_cli cli = {
	.prog = PROG,
	.about =
"HTTP/1.1 server on libfut's executor: one stackful coroutine per\n"
"connection, blocking-style IO on io_uring.  GET / answers a short body;\n"
"GET /heavy digests a --heavy-bytes array on the coroutine's stack.\n",
	.threads = true,
	.stack_size_min = CORO_STACK_MIN,
	.stack_size_help =
"  -s, --stack-size BYTES    fixed: the stack (default: RLIMIT_STACK, as a\n"
"                            thread's); split: the first segment (default 8K,\n"
"                            libgcc makes it at least 16K); K, M, G suffixes\n",
	.own = (const struct option[]){
		{ "stack", required_argument, NULL, OPT_STACK },
		{ 0 }
	},
	.own_help =
"      --stack fixed|split   fixed: one mapping per coroutine with a guard page;\n"
"                            split: gcc -fsplit-stack segments (default fixed)\n",
	.examples =
"  " PROG " --port 0 --stack split\n"
"  " PROG " --port 8080 --stack fixed --stack-size 512K --heavy-bytes 256K\n"
"  " PROG " --port 0 --stack split --shutdown-timeout 500ms\n",
	.parse_own = parse_own,
};

/* A fixed stack holds the receive buffer and the heavy frame at once. */
static bool stack_fits(void)
{
	struct rlimit rl;
	size_t need;

	if (corosrv_cfg.stack == CORO_STACK_SPLIT) {
		if (!corosrv_cfg.srv.stack_size)
			corosrv_cfg.srv.stack_size = CORO_SPLIT_DEFAULT;
		return true;
	}
	if (!corosrv_cfg.srv.stack_size) {
		corosrv_cfg.srv.stack_size = CORO_FIXED_DEFAULT;
		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur >= CORO_STACK_MIN)
			corosrv_cfg.srv.stack_size = rl.rlim_cur;
	}
	need = corosrv_stack_need() + STACK_MARGIN;
	if (need <= corosrv_cfg.srv.stack_size)
		return true;
	fprintf(stderr,
		PROG ": a %zu-byte fixed stack cannot hold the %zu-byte heavy array, the receive buffers (a %zu-byte one for heads that do not fit the first) and %d KiB for frames (arrays round up to powers of two); raise --stack-size to at least %zu, lower --heavy-bytes, or use --stack split\n",
		corosrv_cfg.srv.stack_size, corosrv_cfg.srv.heavy_bytes,
		corosrv_stack_area_bytes(corosrv_recv_buf_bytes()),
		STACK_MARGIN / 1024, need);
	return false;
}

int main(int argc, char **argv)
{
	struct server_opts *o = &corosrv_cfg.srv;
	struct corosrv_exec *ctxs;
	struct fut_runtime *rt;
	sigset_t sigs;
	int sig, rc;

	corosrv_cfg.stack = CORO_STACK_FIXED;
	server_cli_parse(&cli, argc, argv, o);
	if (!stack_fits())
		return 2;

	ctxs = calloc(o->threads, sizeof(*ctxs));
	if (!ctxs ||
	    !server_listen(PROG, o, o->threads, &ctxs->net, sizeof(*ctxs)))
		return 1;
	for (unsigned int i = 0; i < o->threads; i++)
		if (!(ctxs[i].conns = calloc(o->nofile, sizeof(*ctxs[i].conns))))
			return server_out_of_memory(PROG);

	/* Every thread inherits the mask: main takes SIGINT/SIGTERM. */
	server_block_signals(&sigs, 0);

	rt = fut_runtime_start(o->threads, NULL, corosrv_exec_setup, ctxs);
	if (!rt) {
		server_exec_start_failed(PROG, o->threads, errno);
		return 1;
	}
	printf(PROG ": listening on %s:%u (coroutines, %s stacks of %zu KiB, %u executor%s, heavy %zu KiB)\n",
	       o->addr, net_local_port(ctxs->net.listen_fd),
	       corosrv_cfg.stack == CORO_STACK_SPLIT ? "split" : "fixed",
	       o->stack_size / 1024, o->threads, o->threads > 1 ? "s" : "",
	       o->heavy_bytes / 1024);
	fflush(stdout);

	sigwait(&sigs, &sig);
	if (!server_stop_executors(&ctxs->net, sizeof(*ctxs), o->threads))
		fut_runtime_stop(rt);
	if (!fut_runtime_join_within(rt, o->shutdown_timeout_ns, &rc)) {
		/*
		 * A coroutine still runs (one computing never yields to the
		 * stopper): the executors end with the process, with no exit
		 * handlers (nor LSan's) on their live state.
		 */
		server_print_stopped(PROG, corosrv_requests_served(),
				     corosrv_live_conns(), false);
		_exit(0);
	}
	server_print_stopped(PROG, corosrv_requests_served(), 0, rc);
	server_close_stop_fds(&ctxs->net, sizeof(*ctxs), o->threads);
	for (unsigned int i = 0; i < o->threads; i++)
		free(ctxs[i].conns);
	free(ctxs);
	return rc ? 1 : 0;
}
