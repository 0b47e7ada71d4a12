// SPDX-License-Identifier: GPL-2.0
/*
 * coro-server: the stackful-coroutine side of the comparison.  N
 * executor threads, each with its own SO_REUSEPORT listener, one
 * coroutine per connection, on a fixed or a split stack.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/net.h"
#include "common/opts.h"
#include "corosrv.h"
#include "workload/workload.h"

#define PROG "coro-server"
/* Frames around the receive buffer and the heavy array. */
#define STACK_MARGIN (16 * 1024)

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " --port P [OPTION]...\n"
"\n"
"HTTP/1.1 server on libfut's executor: one stackful coroutine per\n"
"connection, blocking-style IO on io_uring.  GET / answers a short body;\n"
"GET /heavy digests a --heavy-bytes array on the coroutine's stack.\n"
"\n"
"      --port P              TCP port (0: any free one; the address is printed)\n"
"  -a, --addr A              IPv4 address to listen on (default 127.0.0.1)\n"
"  -t, --threads N           executors, one thread and listener each (default 1)\n"
"      --stack fixed|split   fixed: one mapping per coroutine with a guard page;\n"
"                            split: gcc -fsplit-stack segments (default fixed)\n"
"  -s, --stack-size BYTES    fixed: the stack (default: RLIMIT_STACK, as a\n"
"                            thread's); split: the first segment (default 8K,\n"
"                            libgcc makes it at least 16K); K, M, G suffixes\n"
"  -H, --heavy-bytes N       GET /heavy scratch size (default 256K)\n"
"  -m, --max-conns N         connections served at once; more get 503\n"
"                            (default 100000, or what RLIMIT_NOFILE allows)\n"
"      --max-header-bytes N  request head limit; more gets 431 (default 8K)\n"
"      --idle-timeout D      idle or unfinished-head limit; then 408 (default 10s)\n"
"      --shutdown-timeout D  on SIGINT/SIGTERM, exit within D (default 2s)\n"
OPTS_HELP_STD("             ")
"Old spelling, for one release: -p P (--port).\n"
"\n"
"SIGINT or SIGTERM: stop accepting; finish the request in flight on each\n"
"connection, serve nothing pipelined behind it, close; exit 0 when all are\n"
"closed or at the --shutdown-timeout deadline, whichever is first.\n"
"\n"
"Examples:\n"
"  " PROG " --port 0 --stack split\n"
"  " PROG " --port 8080 --stack fixed --stack-size 512K --heavy-bytes 256K\n"
"  " PROG " --port 0 --stack split --shutdown-timeout 500ms\n");
}

static bool parse_stack(const char *text)
{
	if (!strcmp(text, "fixed"))
		corosrv_cfg.stack = CORO_STACK_FIXED;
	else if (!strcmp(text, "split"))
		corosrv_cfg.stack = CORO_STACK_SPLIT;
	else {
		fprintf(stderr, PROG ": --stack: '%s' is neither fixed nor split\n", text);
		return false;
	}
	return true;
}

static bool parse_args(int argc, char **argv, const char **addr,
		       uint64_t *port, uint64_t *threads, bool *max_conns_given)
{
	static const struct option long_opts[] = {
		{ "port", required_argument, NULL, OPTS_LONG_PORT },
		{ "addr", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 't' },
		{ "stack", required_argument, NULL, 'S' },
		{ "stack-size", required_argument, NULL, 's' },
		{ "heavy-bytes", required_argument, NULL, 'H' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "max-header-bytes", required_argument, NULL, 'M' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "shutdown-timeout", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t value;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:a:t:s:H:m:Vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			opts_deprecated(PROG, "-p (port)", "--port");
			/* fall through */
		case OPTS_LONG_PORT:
			if (!opts_uint(PROG, "port", optarg, 0, 65535, port))
				return false;
			break;
		case 'a':
			*addr = optarg;
			break;
		case 't':
			if (!opts_uint(PROG, "threads", optarg, 1, 256, threads))
				return false;
			break;
		case 'S':
			if (!parse_stack(optarg))
				return false;
			break;
		case 's':
			if (!opts_size(PROG, "stack-size", optarg, CORO_STACK_MIN,
				       1ULL << 36, &value))
				return false;
			corosrv_cfg.stack_size = value;
			break;
		case 'H':
			if (!opts_size(PROG, "heavy-bytes", optarg, 1, 1ULL << 30, &value))
				return false;
			corosrv_cfg.heavy_bytes = value;
			break;
		case 'm':
			if (!opts_uint(PROG, "max-conns", optarg, 1, 1ULL << 32,
				       &corosrv_cfg.max_conns))
				return false;
			*max_conns_given = true;
			break;
		case 'M':
			if (!opts_size(PROG, "max-header-bytes", optarg, 256, 1 << 20, &value))
				return false;
			corosrv_cfg.limits.max_head_bytes = value;
			break;
		case 'i':
			if (!opts_seconds(PROG, "idle-timeout", optarg, 1, 86400, &value))
				return false;
			corosrv_cfg.idle_timeout_s = value;
			break;
		case 'T':
			if (!opts_duration(PROG, "shutdown-timeout", optarg, 0,
					   OPTS_SEC(3600), &corosrv_cfg.shutdown_timeout_ns))
				return false;
			break;
		case 'V':
			opts_print_version(PROG);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return false;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return false;
	}
	if (*port == UINT64_MAX) {
		fprintf(stderr, PROG ": --port is required (0 for any free port)\n");
		usage(stderr);
		return false;
	}
	return true;
}

/* A fixed stack holds the receive buffer and the heavy frame at once. */
static bool stack_fits(void)
{
	struct rlimit rl;
	size_t need;

	if (corosrv_cfg.stack == CORO_STACK_SPLIT) {
		if (!corosrv_cfg.stack_size)
			corosrv_cfg.stack_size = CORO_SPLIT_DEFAULT;
		return true;
	}
	if (!corosrv_cfg.stack_size) {
		corosrv_cfg.stack_size = CORO_FIXED_DEFAULT;
		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur >= CORO_STACK_MIN)
			corosrv_cfg.stack_size = rl.rlim_cur;
	}
	need = corosrv_stack_need() + STACK_MARGIN;
	if (need <= corosrv_cfg.stack_size)
		return true;
	fprintf(stderr,
		PROG ": a %zu-byte fixed stack cannot hold the %zu-byte heavy array, the receive buffers (a %zu-byte one for heads that do not fit the first) and %d KiB for frames (arrays round up to powers of two); raise --stack-size to at least %zu, lower --heavy-bytes, or use --stack split\n",
		corosrv_cfg.stack_size, corosrv_cfg.heavy_bytes,
		corosrv_stack_area_bytes(corosrv_recv_buf_bytes()),
		STACK_MARGIN / 1024, need);
	return false;
}

/* One listener per executor, all on the port the first one got. */
static bool open_listeners(struct corosrv_exec *ctxs, unsigned int n,
			   const char *addr, uint16_t port, uint64_t nofile)
{
	char err[256];

	for (unsigned int i = 0; i < n; i++) {
		ctxs[i].listen_fd = net_listen_tcp(addr, port, n > 1, err, sizeof(err));
		if (ctxs[i].listen_fd < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			return false;
		}
		port = net_local_port(ctxs[i].listen_fd);
		ctxs[i].stop_fd = eventfd(0, EFD_CLOEXEC);
		ctxs[i].table_len = nofile;
		ctxs[i].conns = calloc(nofile, sizeof(*ctxs[i].conns));
		if (ctxs[i].stop_fd < 0 || !ctxs[i].conns) {
			fprintf(stderr, PROG ": out of descriptors or memory\n");
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	uint64_t port = UINT64_MAX, threads = 1, nofile;
	const char *addr = "127.0.0.1";
	bool max_conns_given = false;
	struct fut_runtime *rt;
	struct corosrv_exec *ctxs;
	uint16_t bound;
	sigset_t sigs;
	int sig, rc;

	corosrv_cfg.stack = CORO_STACK_FIXED;
	corosrv_cfg.heavy_bytes = WORKLOAD_HEAVY_BYTES_DEFAULT;
	corosrv_cfg.max_conns = 100000;
	corosrv_cfg.idle_timeout_s = 10;
	corosrv_cfg.shutdown_timeout_ns = OPTS_SEC(2);
	corosrv_cfg.limits = HTTP_DEFAULT_LIMITS;
	if (!parse_args(argc, argv, &addr, &port, &threads, &max_conns_given))
		return 2;
	if (!stack_fits())
		return 2;

	nofile = net_fit_max_conns(PROG, &corosrv_cfg.max_conns, max_conns_given,
				   threads);
	net_warn_somaxconn(PROG);
	ctxs = calloc(threads, sizeof(*ctxs));
	if (!ctxs || !open_listeners(ctxs, threads, addr, port, nofile))
		return 1;
	bound = net_local_port(ctxs[0].listen_fd);

	/* Every thread inherits the mask: main takes SIGINT/SIGTERM. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	rt = fut_runtime_start(threads, NULL, corosrv_exec_setup, ctxs);
	if (!rt) {
		fprintf(stderr, PROG ": cannot start %llu executors: %s (each takes an io_uring, its buffers and descriptors: use fewer --threads, or raise ulimit -l and -n)\n",
			(unsigned long long)threads, strerror(errno));
		return 1;
	}
	printf(PROG ": listening on %s:%u (coroutines, %s stacks of %zu KiB, %llu executor%s, heavy %zu KiB)\n",
	       addr, bound, corosrv_cfg.stack == CORO_STACK_SPLIT ? "split" : "fixed",
	       corosrv_cfg.stack_size / 1024, (unsigned long long)threads,
	       threads > 1 ? "s" : "", corosrv_cfg.heavy_bytes / 1024);
	fflush(stdout);

	sigwait(&sigs, &sig);
	for (unsigned int i = 0; i < threads; i++) {
		uint64_t one = 1;

		if (write(ctxs[i].stop_fd, &one, sizeof(one)) != sizeof(one))
			fut_runtime_stop(rt);
	}
	if (!fut_runtime_join_within(rt, corosrv_cfg.shutdown_timeout_ns, &rc)) {
		/*
		 * A coroutine still runs (one computing never yields to the
		 * stopper): the executors end with the process, with no exit
		 * handlers (nor LSan's) on their live state.
		 */
		printf(PROG ": stopped: %llu requests served, %llu connections cut at the --shutdown-timeout deadline\n",
		       (unsigned long long)corosrv_requests_served(),
		       (unsigned long long)corosrv_live_conns());
		fflush(stdout);
		_exit(0);
	}
	printf(PROG ": stopped: %llu requests served%s\n",
	       (unsigned long long)corosrv_requests_served(),
	       rc ? ", an executor failed" : "");
	for (unsigned int i = 0; i < threads; i++) {
		close(ctxs[i].stop_fd);
		free(ctxs[i].conns);
	}
	free(ctxs);
	return rc ? 1 : 0;
}
