// SPDX-License-Identifier: GPL-2.0
/*
 * fut-server: the futures side of the comparison.  N executor threads,
 * each with its own SO_REUSEPORT listener, one task per connection.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/net.h"
#include "common/server_cli.h"
#include "futsrv.h"
#include "workload/workload.h"

#define PROG "fut-server"

enum {
	OPT_HEAVY = SERVER_CLI_OWN_FIRST,
	OPT_RESPONSE_BUFFERS,
};

static const char *profile;	/* --profile FILE */

static bool parse_own(int opt, const char *arg)
{
	uint64_t value;

	switch (opt) {
	case OPT_HEAVY:
		if (strcmp(arg, "inline") && strcmp(arg, "boxed")) {
			fprintf(stderr, PROG ": --heavy: '%s' is neither inline nor boxed\n",
				arg);
			return false;
		}
		futsrv_cfg.heavy_boxed = !strcmp(arg, "boxed");
		return true;
	case 'P':
		profile = arg;
		return true;
	case OPT_RESPONSE_BUFFERS:
		if (!opts_uint(PROG, "response-buffers", arg, 1, 1u << 20, &value))
			return false;
		futsrv_cfg.response_buffers = value;
		return true;
	}
	abort();
}

static const struct server_cli cli = {
	.prog = PROG,
	.about =
"HTTP/1.1 server on libfut: stackless futures on io_uring, one task per\n"
"connection.  GET / answers a short body; GET /heavy awaits a child future\n"
"whose --heavy-bytes scratch is its state, inline in the connection's\n"
"state (every connection pays for it) or boxed (only the requests that take\n"
"the branch do).\n",
	.threads = true,
	.own = (const struct option[]){
		{ "heavy", required_argument, NULL, OPT_HEAVY },
		{ "profile", required_argument, NULL, 'P' },
		{ "response-buffers", required_argument, NULL, OPT_RESPONSE_BUFFERS },
		{ 0 }
	},
	.own_short = "P:",
	.own_help =
"      --heavy inline|boxed  where the heavy branch's state lives (default inline)\n"
"  -P, --profile FILE        write the libfut profile (JSON) there at exit and\n"
"                            on SIGUSR1; fut-advise reads it\n"
"      --response-buffers N  requests in flight an executor answers at once;\n"
"                            more wait for a buffer (default 256)\n",
	.examples =
"  " PROG " --port 0                      any free port, heavy branch inline\n"
"  " PROG " --port 8080 --heavy boxed --shutdown-timeout 500ms\n"
"  " PROG " --port 8080 -t 2 --idle-timeout 1m --profile prof.json\n",
	.notes =
"--profile FILE is written once at start, so that a path that cannot be\n"
"written fails then, not at exit.\n"
"SIGUSR2: print a stats line (connections, response buffers held, made,\n"
"waits) on stdout.\n",
	.parse_own = parse_own,
};

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
	struct server_opts *o = &futsrv_cfg.srv;
	struct futsrv_exec *ctxs;
	struct fut_runtime *rt;
	size_t conn_state;
	sigset_t sigs;
	int sig, rc;

	futsrv_cfg.response_buffers = 256;
	server_cli_parse(&cli, argc, argv, o);

	/* Written now, by the code that writes it at exit: fail early. */
	if (profile && (rc = fut_prof_dump(profile)) < 0) {
		fprintf(stderr, PROG ": --profile %s: cannot write the profile there (%s); name a file in a writable directory\n",
			profile, strerror(-rc));
		return 1;
	}
	ctxs = calloc(o->threads, sizeof(*ctxs));
	if (!ctxs ||
	    !server_listen(PROG, o, o->threads, &ctxs->net, sizeof(*ctxs)))
		return 1;
	for (unsigned int i = 0; i < o->threads; i++)
		if (!(ctxs[i].open_fds = calloc(o->nofile, 1)))
			return server_out_of_memory(PROG);
	conn_state = futsrv_size_types();
	if (profile && fut_prof_enable(profile, SIGUSR1) < 0) {
		fprintf(stderr, PROG ": --profile %s: cannot write there\n", profile);
		return 1;
	}

	/* Every thread inherits the mask: main takes the signals. */
	server_block_signals(&sigs, SIGUSR2);

	/*
	 * A buffer for every connection an executor may hold: with fewer, the
	 * pool runs dry when most connections have a request in flight, and
	 * each recv past the pool ends with -ENOBUFS, waits for a returned
	 * buffer and re-arms, several io_uring operations for one request.
	 * Requests are tens of bytes; longer heads are reassembled.
	 */
	const struct fut_exec_opts exec_opts = {
		.sq_entries = 1024,
		.buf_count = recv_buf_count(o->max_conns, o->threads),
		.buf_size = RECV_BUF_SIZE,
		/* states committed at spawn, as the experiments measure them */
		.flags = FUT_EXEC_COMMIT_STATES,
	};

	rt = fut_runtime_start(o->threads, &exec_opts, futsrv_exec_setup, ctxs);
	if (!rt) {
		server_exec_start_failed(PROG, o->threads, errno);
		return 1;
	}
	printf(PROG ": listening on %s:%u (futures, %u executor%s, heavy %s %zu KiB, %zu-byte connection state)\n",
	       o->addr, net_local_port(ctxs->net.listen_fd), o->threads,
	       o->threads > 1 ? "s" : "", futsrv_cfg.heavy_boxed ? "boxed" : "inline",
	       o->heavy_bytes / 1024, conn_state);
	fflush(stdout);

	while (!sigwait(&sigs, &sig) && sig == SIGUSR2)
		print_stats(ctxs, o->threads);
	if (!server_stop_executors(&ctxs->net, sizeof(*ctxs), o->threads))
		fut_runtime_stop(rt);
	if (!fut_runtime_join_within(rt, o->shutdown_timeout_ns, &rc)) {
		/*
		 * The executors still run and end with the process: no exit
		 * handlers (nor LSan's) on their live state; the profile is
		 * written here instead.
		 */
		if (profile && (rc = fut_prof_dump(profile)) < 0)
			fprintf(stderr, PROG ": --profile %s: %s\n", profile,
				strerror(-rc));
		server_print_stopped(PROG, futsrv_requests_served(),
				     futsrv_live_conns(), false);
		_exit(0);
	}
	server_print_stopped(PROG, futsrv_requests_served(), 0, rc);
	server_close_stop_fds(&ctxs->net, sizeof(*ctxs), o->threads);
	for (unsigned int i = 0; i < o->threads; i++) {
		free(ctxs[i].open_fds);
		resp_pool_destroy(&ctxs[i].resp_pool);
	}
	free(ctxs);
	return rc ? 1 : 0;
}
