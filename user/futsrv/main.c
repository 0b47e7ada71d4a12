// SPDX-License-Identifier: GPL-2.0
/*
 * fut-server: the futures side of the comparison.  N executor threads,
 * each with its own SO_REUSEPORT listener, one task per connection.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/net.h"
#include "common/opts.h"
#include "futsrv.h"
#include "workload/workload.h"

#define PROG "fut-server"

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " --port P [OPTION]...\n"
"\n"
"HTTP/1.1 server on libfut: stackless futures on io_uring, one task per\n"
"connection.  GET / answers a short body; GET /heavy awaits a child future\n"
"whose --heavy-bytes scratch is its state, inline in the connection's\n"
"state (every connection pays for it) or boxed (only the requests that take\n"
"the branch do).\n"
"\n"
"      --port P              TCP port (0: any free one; the address is printed)\n"
"  -a, --addr A              IPv4 address to listen on (default 127.0.0.1)\n"
"  -t, --threads N           executors, one thread and listener each (default 1)\n"
"      --heavy inline|boxed  where the heavy branch's state lives (default inline)\n"
"  -H, --heavy-bytes N       GET /heavy scratch size (default 256K)\n"
"  -P, --profile FILE        write the libfut profile (JSON) there at exit and\n"
"                            on SIGUSR1; fut-advise reads it\n"
"  -m, --max-conns N         connections served at once; more get 503\n"
"                            (default 100000, or what RLIMIT_NOFILE allows)\n"
"      --max-header-bytes N  request head limit; more gets 431 (default 8K)\n"
"      --idle-timeout D      idle or unfinished-head limit; then 408 (default 10s)\n"
"      --shutdown-timeout D  on SIGINT/SIGTERM, exit within D (default 2s)\n"
"      --response-buffers N  requests in flight an executor answers at once;\n"
"                            more wait for a buffer (default 256)\n"
OPTS_HELP_STD("             ")
"Old spelling, for one release: -p P (--port).\n"
"\n"
"Examples:\n"
"  " PROG " --port 0                      any free port, heavy branch inline\n"
"  " PROG " --port 8080 --heavy boxed --shutdown-timeout 500ms\n"
"  " PROG " --port 8080 -t 2 --idle-timeout 1m --profile prof.json\n"
"\n"
"--profile FILE is written once at start, so that a path that cannot be\n"
"written fails then, not at exit.\n"
"SIGINT or SIGTERM: stop accepting; finish the request in flight on each\n"
"connection, serve nothing pipelined behind it, close; exit 0 when all are\n"
"closed or at the --shutdown-timeout deadline, whichever is first.\n"
"SIGUSR2: print a stats line (connections, response buffers held, made,\n"
"waits) on stdout.\n");
}

static bool parse_args(int argc, char **argv, const char **addr,
		       uint64_t *port, uint64_t *threads, const char **profile,
		       bool *max_conns_given)
{
	static const struct option long_opts[] = {
		{ "port", required_argument, NULL, OPTS_LONG_PORT },
		{ "addr", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 't' },
		{ "heavy", required_argument, NULL, 'B' },
		{ "heavy-bytes", required_argument, NULL, 'H' },
		{ "profile", required_argument, NULL, 'P' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "max-header-bytes", required_argument, NULL, 'M' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "shutdown-timeout", required_argument, NULL, 'T' },
		{ "response-buffers", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	uint64_t value;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:a:t:H:P:m:hV", long_opts, NULL)) != -1) {
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
		case 'B':
			if (!strcmp(optarg, "inline") || !strcmp(optarg, "boxed")) {
				futsrv_cfg.heavy_boxed = !strcmp(optarg, "boxed");
				break;
			}
			fprintf(stderr, PROG ": --heavy: '%s' is neither inline nor boxed\n", optarg);
			return false;
		case 'H':
			if (!opts_size(PROG, "heavy-bytes", optarg, 1, 1ULL << 30, &value))
				return false;
			futsrv_cfg.heavy_bytes = value;
			break;
		case 'P':
			*profile = optarg;
			break;
		case 'm':
			if (!opts_uint(PROG, "max-conns", optarg, 1, 1ULL << 32,
				       &futsrv_cfg.max_conns))
				return false;
			*max_conns_given = true;
			break;
		case 'M':
			if (!opts_size(PROG, "max-header-bytes", optarg, 256, 1 << 20, &value))
				return false;
			futsrv_cfg.limits.max_head_bytes = value;
			break;
		case 'i':
			if (!opts_seconds(PROG, "idle-timeout", optarg, 1, 86400, &value))
				return false;
			futsrv_cfg.idle_timeout_s = value;
			break;
		case 'T':
			if (!opts_duration(PROG, "shutdown-timeout", optarg, 0,
					   OPTS_SEC(3600),
					   &futsrv_cfg.shutdown_timeout_ns))
				return false;
			break;
		case 'R':
			if (!opts_uint(PROG, "response-buffers", optarg, 1,
				       1u << 20, &value))
				return false;
			futsrv_cfg.response_buffers = value;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			opts_print_version(PROG);
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

/* One listener per executor, all on the port the first one got. */
static bool open_listeners(struct futsrv_exec *ctxs, unsigned int n,
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
		ctxs[i].open_fds = calloc(nofile, 1);
		if (ctxs[i].stop_fd < 0 || !ctxs[i].open_fds) {
			fprintf(stderr, PROG ": out of descriptors or memory\n");
			return false;
		}
	}
	return true;
}

/*
 * Provided buffers an executor registers: the power of two at or above
 * its share of --max-conns, from 64 up to the kernel's 32768 ring entries.
 * They are committed at start: RECV_BUF_SIZE times this, an executor.
 */
enum { RECV_BUF_SIZE = 1024, RECV_BUFS_MIN = 64, RECV_BUFS_MAX = 32768 };

static unsigned int recv_buf_count(uint64_t max_conns, uint64_t threads)
{
	uint64_t share = (max_conns + threads - 1) / threads;
	unsigned int n = RECV_BUFS_MIN;

	while (n < share && n < RECV_BUFS_MAX)
		n *= 2;
	return n;
}

/* SIGUSR2: what the connections hold now, summed over the executors. */
static void print_stats(const struct futsrv_exec *ctxs, unsigned int n)
{
	struct resp_pool_stats sum = { 0 }, st;

	for (unsigned int i = 0; i < n; i++) {
		resp_pool_stats(&ctxs[i].resp_pool, &st);
		sum.made += st.made;
		sum.held += st.held;
		sum.peak_held += st.peak_held;
		sum.waits += st.waits;
	}
	printf(PROG ": stats: connections %llu requests %llu response_buffers_held %llu response_buffers_made %llu response_buffers_peak %llu response_buffer_waits %llu\n",
	       (unsigned long long)futsrv_live_conns(),
	       (unsigned long long)futsrv_requests_served(),
	       (unsigned long long)sum.held, (unsigned long long)sum.made,
	       (unsigned long long)sum.peak_held, (unsigned long long)sum.waits);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t port = UINT64_MAX, threads = 1, nofile;
	const char *addr = "127.0.0.1", *profile = NULL;
	bool max_conns_given = false;
	struct fut_runtime *rt;
	struct futsrv_exec *ctxs;
	size_t conn_state;
	sigset_t sigs;
	int sig, rc;

	futsrv_cfg.heavy_bytes = WORKLOAD_HEAVY_BYTES_DEFAULT;
	futsrv_cfg.max_conns = 100000;
	futsrv_cfg.idle_timeout_s = 10;
	futsrv_cfg.shutdown_timeout_ns = OPTS_SEC(2);
	futsrv_cfg.response_buffers = 256;
	futsrv_cfg.limits = HTTP_DEFAULT_LIMITS;
	if (!parse_args(argc, argv, &addr, &port, &threads, &profile,
			&max_conns_given))
		return 2;

	/* Written now, by the code that writes it at exit: fail early. */
	if (profile && (rc = fut_prof_dump(profile)) < 0) {
		fprintf(stderr, PROG ": --profile %s: cannot write the profile there (%s); name a file in a writable directory\n",
			profile, strerror(-rc));
		return 1;
	}
	nofile = net_fit_max_conns(PROG, &futsrv_cfg.max_conns, max_conns_given,
				   threads);
	net_warn_somaxconn(PROG);

	ctxs = calloc(threads, sizeof(*ctxs));
	if (!ctxs || !open_listeners(ctxs, threads, addr, port, nofile))
		return 1;
	conn_state = futsrv_size_types();
	if (profile && fut_prof_enable(profile, SIGUSR1) < 0) {
		fprintf(stderr, PROG ": --profile %s: cannot write there\n", profile);
		return 1;
	}

	/* Every thread inherits the mask: main takes SIGINT/SIGTERM. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * A buffer for every connection an executor may hold: with fewer, the
	 * pool runs dry when most connections have a request in flight, and
	 * each recv past the pool ends with -ENOBUFS, waits for a returned
	 * buffer and re-arms (11 io_uring operations a request at 10000
	 * connections with 4096 buffers, when every return still woke every
	 * waiter; 2 with 16384).  Requests are tens of bytes; longer heads
	 * are reassembled.
	 */
	const struct fut_exec_opts exec_opts = {
		.sq_entries = 1024,
		.buf_count = recv_buf_count(futsrv_cfg.max_conns, threads),
		.buf_size = RECV_BUF_SIZE,
		/* states committed at spawn, as the experiments measure them */
		.flags = FUT_EXEC_COMMIT_STATES,
	};

	rt = fut_runtime_start(threads, &exec_opts, futsrv_exec_setup, ctxs);
	if (!rt) {
		fprintf(stderr, PROG ": cannot start %llu executors: %s (each takes an io_uring, its buffers and descriptors: use fewer --threads, or raise ulimit -l and -n)\n",
			(unsigned long long)threads, strerror(errno));
		return 1;
	}
	printf(PROG ": listening on %s:%u (futures, %llu executor%s, heavy %s %zu KiB, %zu-byte connection state)\n",
	       addr, net_local_port(ctxs[0].listen_fd), (unsigned long long)threads,
	       threads > 1 ? "s" : "", futsrv_cfg.heavy_boxed ? "boxed" : "inline",
	       futsrv_cfg.heavy_bytes / 1024, conn_state);
	fflush(stdout);

	while (!sigwait(&sigs, &sig) && sig == SIGUSR2)
		print_stats(ctxs, threads);
	for (unsigned int i = 0; i < threads; i++) {
		uint64_t one = 1;

		if (write(ctxs[i].stop_fd, &one, sizeof(one)) != sizeof(one))
			fut_runtime_stop(rt);
	}
	if (!fut_runtime_join_within(rt, futsrv_cfg.shutdown_timeout_ns, &rc)) {
		/*
		 * The executors still run and end with the process: no exit
		 * handlers (nor LSan's) on their live state; the profile is
		 * written here instead.
		 */
		if (profile && (rc = fut_prof_dump(profile)) < 0)
			fprintf(stderr, PROG ": --profile %s: %s\n", profile,
				strerror(-rc));
		printf(PROG ": stopped: %llu requests served, %llu connections cut at the --shutdown-timeout deadline\n",
		       (unsigned long long)futsrv_requests_served(),
		       (unsigned long long)futsrv_live_conns());
		fflush(stdout);
		_exit(0);
	}
	printf(PROG ": stopped: %llu requests served%s\n",
	       (unsigned long long)futsrv_requests_served(),
	       rc ? ", an executor failed" : "");
	for (unsigned int i = 0; i < threads; i++) {
		close(ctxs[i].stop_fd);
		free(ctxs[i].open_fds);
		resp_pool_destroy(&ctxs[i].resp_pool);
	}
	free(ctxs);
	return rc ? 1 : 0;
}
