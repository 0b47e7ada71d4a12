// SPDX-License-Identifier: GPL-2.0
/*
 * tpc-server: the thread-per-connection side of the comparison.  One
 * detached pthread per connection with blocking IO; the heavy branch's
 * scratch is an array on that thread's stack.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "common/opts.h"
#include "http/http_response.h"
#include "tpc.h"
#include "workload/workload.h"

#define PROG "tpc-server"
/* Frames, glibc's thread descriptor and TLS at the stack's top. */
#define STACK_MARGIN (32 * 1024)

static int listen_fd = -1;
static volatile sig_atomic_t stopping;

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " --port P [OPTION]...\n"
"\n"
"HTTP/1.1 server, one thread per connection, blocking IO.  GET / answers a\n"
"short body; GET /heavy digests a --heavy-bytes array on the thread's stack.\n"
"\n"
"      --port P              TCP port (0: any free one; the address is printed)\n"
"  -a, --addr A              IPv4 address to listen on (default 127.0.0.1)\n"
"  -s, --stack-size BYTES    thread stack size (default: glibc's, from\n"
"                            RLIMIT_STACK); K, M, G suffixes\n"
"  -H, --heavy-bytes N       GET /heavy scratch size (default 256K)\n"
"      --heavy-on stack|heap where the scratch lives: a stack array (default),\n"
"                            or malloc'd and freed per request (the stack\n"
"                            stays shallow; e.g. --heavy-on heap)\n"
"  -m, --max-conns N         connections served at once; more get 503\n"
"                            (default 100000, or what RLIMIT_NOFILE allows)\n"
"      --max-header-bytes N  request head limit; more gets 431 (default 8K)\n"
"      --idle-timeout D      idle or unfinished-head limit; then 408\n"
"                            (default 10s)\n"
"      --shutdown-timeout D  on SIGINT/SIGTERM, exit within D (default 2s)\n"
OPTS_HELP_STD("             ")
"Old spelling, for one release: -p P (--port).\n"
"\n"
"Examples:\n"
"  " PROG " --port 0                      any free port, glibc's stacks\n"
"  " PROG " --port 8080 --stack-size 64K --heavy-bytes 16K --shutdown-timeout 500ms\n"
"  " PROG " --port 8080 --idle-timeout 1m --max-conns 20000\n"
"\n"
"SIGINT or SIGTERM: stop accepting; finish the request in flight on each\n"
"connection, serve nothing pipelined behind it, close; exit 0 when all are\n"
"closed or at the --shutdown-timeout deadline, whichever is first.\n");
}

/* The signal thread: the only one that takes SIGINT/SIGTERM. */
static void *signal_thread(void *set)
{
	int sig;

	sigwait(set, &sig);
	stopping = 1;
	/* Wakes the accept loop with EINVAL. */
	shutdown(listen_fd, SHUT_RDWR);
	return NULL;
}

static void refuse(int fd, int status)
{
	char out[WORKLOAD_RESPONSE_MAX];
	size_t n = http_format_error(out, sizeof(out), status);

	send(fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

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

	while (!stopping) {
		pthread_t thread;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

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
			refuse(fd, 503);
			continue;
		}
		int err = pthread_create(&thread, attr, tpc_conn_thread,
					 (void *)(intptr_t)fd);
		if (err) {
			tpc_registry_remove(fd);
			warn_limited(&thread_warned,
				     "pthread_create failed (threads-max, memory or RLIMIT_NPROC?): answering 503");
			refuse(fd, 503);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "port", required_argument, NULL, OPTS_LONG_PORT },
		{ "addr", required_argument, NULL, 'a' },
		{ "stack-size", required_argument, NULL, 's' },
		{ "heavy-bytes", required_argument, NULL, 'H' },
		{ "heavy-on", required_argument, NULL, 'O' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "max-header-bytes", required_argument, NULL, 'M' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "shutdown-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	uint64_t port = UINT64_MAX, stack_size = 0, value, nofile;
	bool max_conns_given = false;
	const char *addr = "127.0.0.1";
	pthread_t sig_thread;
	pthread_attr_t attr;
	sigset_t sigs;
	char err[256];
	size_t stack;
	int opt;

	tpc_cfg.heavy_bytes = WORKLOAD_HEAVY_BYTES_DEFAULT;
	tpc_cfg.max_conns = 100000;
	tpc_cfg.idle_timeout_s = 10;
	tpc_cfg.shutdown_timeout_ns = OPTS_SEC(2);
	tpc_cfg.limits = HTTP_DEFAULT_LIMITS;

	while ((opt = getopt_long(argc, argv, "p:a:s:H:m:hV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			opts_deprecated(PROG, "-p (port)", "--port");
			/* fall through */
		case OPTS_LONG_PORT:
			if (!opts_uint(PROG, "port", optarg, 0, 65535, &port))
				return 2;
			break;
		case 'a':
			addr = optarg;
			break;
		case 's':
			if (!opts_size(PROG, "stack-size", optarg, PTHREAD_STACK_MIN,
				       1ULL << 36, &stack_size))
				return 2;
			break;
		case 'H':
			if (!opts_size(PROG, "heavy-bytes", optarg, 1, 1ULL << 32, &value))
				return 2;
			tpc_cfg.heavy_bytes = value;
			break;
		case 'O':
			if (strcmp(optarg, "stack") && strcmp(optarg, "heap")) {
				fprintf(stderr, PROG ": --heavy-on must be 'stack' or 'heap', not '%s'\n",
					optarg);
				return 2;
			}
			tpc_cfg.heavy_on_heap = !strcmp(optarg, "heap");
			break;
		case 'm':
			if (!opts_uint(PROG, "max-conns", optarg, 1, 1ULL << 32,
				       &tpc_cfg.max_conns))
				return 2;
			max_conns_given = true;
			break;
		case 'M':
			if (!opts_size(PROG, "max-header-bytes", optarg, 256, 1 << 20, &value))
				return 2;
			tpc_cfg.limits.max_head_bytes = value;
			break;
		case 'i':
			if (!opts_seconds(PROG, "idle-timeout", optarg, 1, 86400, &value))
				return 2;
			tpc_cfg.idle_timeout_s = value;
			break;
		case 'T':
			if (!opts_duration(PROG, "shutdown-timeout", optarg, 0,
					   OPTS_SEC(3600), &tpc_cfg.shutdown_timeout_ns))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			opts_print_version(PROG);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (port == UINT64_MAX) {
		fprintf(stderr, PROG ": --port is required (0 for any free port)\n");
		usage(stderr);
		return 2;
	}

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (stack_size)
		pthread_attr_setstacksize(&attr, stack_size);
	pthread_attr_getstacksize(&attr, &stack);
	/* The heavy array shares the stack with the receive buffer. */
	if (!tpc_cfg.heavy_on_heap &&
	    tpc_cfg.heavy_bytes + tpc_recv_buf_bytes() + STACK_MARGIN > stack) {
		fprintf(stderr,
			PROG ": a %zu-byte stack cannot hold the %zu-byte heavy array, the %zu-byte receive buffer and %d KiB for frames; raise --stack-size to at least %zu or lower --heavy-bytes (or --heavy-on heap)\n",
			stack, tpc_cfg.heavy_bytes, tpc_recv_buf_bytes(),
			STACK_MARGIN / 1024,
			tpc_cfg.heavy_bytes + tpc_recv_buf_bytes() + STACK_MARGIN);
		return 2;
	}

	/* No executors: a thread per connection holds only its socket. */
	nofile = net_fit_max_conns(PROG, &tpc_cfg.max_conns, max_conns_given, 0);
	net_warn_somaxconn(PROG);
	listen_fd = net_listen_tcp(addr, port, false, err, sizeof(err));
	if (listen_fd < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	if (!tpc_registry_init(nofile)) {
		fprintf(stderr, PROG ": out of memory for the connection table\n");
		return 1;
	}

	/* Every thread inherits the mask: only signal_thread takes them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_create(&sig_thread, NULL, signal_thread, &sigs);

	printf(PROG ": listening on %s:%u (thread per connection, %zu KiB stacks, heavy %zu KiB)\n",
	       addr, net_local_port(listen_fd), stack / 1024,
	       tpc_cfg.heavy_bytes / 1024);
	fflush(stdout);

	accept_loop(&attr);

	close(listen_fd);
	tpc_registry_shutdown_all();
	uint64_t left = tpc_registry_wait_empty(tpc_cfg.shutdown_timeout_ns);

	pthread_join(sig_thread, NULL);
	/* Connections still open at the deadline end with the process. */
	printf(PROG ": stopped: %llu requests served",
	       (unsigned long long)tpc_requests_served());
	if (left)
		printf(", %llu connections cut at the --shutdown-timeout deadline",
		       (unsigned long long)left);
	printf("\n");
	return 0;
}
