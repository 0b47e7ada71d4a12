// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen: HTTP/1.1 keep-alive load for tpc-server and fut-server (or any
 * server), closed loop, open loop or idle, with a latency histogram.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "common/opts.h"
#include "loadgen.h"

#define PROG "loadgen"

/* Long-only options of loadgen's own. */
enum { OPT_IDLE = OPTS_LONG_FIRST_FREE, OPT_SEED, OPT_IDLE_REQUESTS,
       OPT_IDLE_BATCHES, OPT_WARMUP, OPT_SERVER_PID };

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " --port P -c N (-n M | -d DURATION) [--warmup D] [OPTION]...\n"
"       " PROG " --port P -c N --idle [--idle-batches S] [-d DURATION]\n"
"\n"
"Opens N keep-alive connections to ADDR:P and sends GET / (or GET /heavy,\n"
"with probability --heavy-ratio) on them from one thread and one io_uring.\n"
"Phases: connect (every connection opens or fails; nothing is sent), warm-up\n"
"(--warmup: the same load, not counted), then the measured phase that every\n"
"request figure counts.  Idle connections take requests least recently used\n"
"first.\n"
"\n"
"      --port P            server port\n"
"  -a, --addr A            server IPv4 address (default 127.0.0.1)\n"
"  -c, --connections N     connections held open (on loopback, past a quarter\n"
"                          of ip_local_port_range they come from 127.0.0.2,\n"
"                          .3, ...: connect() slows down as ports fill up)\n"
"  -n, --requests M        measure M requests in all, then stop\n"
"  -d, --duration D        measure for D, then stop sending: 500ms, 2s, 1m,\n"
"                          bare seconds (fractions allowed: 1.5)\n"
"      --warmup D          once the connections are up, load for D first, the\n"
"                          same mode and rate, answered but not counted\n"
"                          (default 0; not with --idle)\n"
"  -r, --heavy-ratio R     share of GET /heavy, 0..1 (default 0)\n"
"  -R, --rate Q            open loop: Q requests/s in all, latency counted from\n"
"                          when each request was due, the schedule starting\n"
"                          once the connections are up (default: closed loop)\n"
"      --idle              one request per connection, then hold them all\n"
"                          (until --duration, or SIGINT); stderr says\n"
"                          \"loadgen: idle: N connections open\" once they are\n"
"      --idle-requests K   --idle: K requests per connection (each GET /heavy\n"
"                          with probability --heavy-ratio) before holding\n"
"                          (default 1)\n"
"      --idle-batches S    --idle: open the N connections in S batches, one\n"
"                          a SIGUSR1 (batch i: N*i/S - N*(i-1)/S of them),\n"
"                          each announced as above once settled, from\n"
"                          one process; \"0 connections open\" first, with\n"
"                          the fd table already sized for N; no request\n"
"                          stays posted on a held connection (closes are\n"
"                          seen at each announcement and at exit)\n"
"  -T, --timeout D         per request and per connect, in whole seconds\n"
"                          (default 10s; checked once a second)\n"
"      --seed N            heavy/root choice seed (default fixed)\n"
"      --server-pid PID    report PID's CPU time (utime + stime, all threads)\n"
"                          over the measured phase, and per response\n"
"  -C, --cpu N             pin loadgen to CPU N\n"
"  -j, --json              one JSON object on stdout instead of the table\n"
"  -q, --quiet             no progress lines on stderr\n"
OPTS_HELP_STD("           ")
"Old spellings, for one release: -p P (--port), -t S (-T), -i (--idle),\n"
"-s N (--seed): the letters mean other things in the other tools.\n"
"\n"
"Examples:\n"
"  " PROG " --port 8080 -c 100 -d 10s              closed loop, 10 seconds\n"
"  " PROG " --port 8080 -c 100 -n 100000 -r 0.01   100k requests, 1%% heavy\n"
"  " PROG " --port 8080 -c 50 --rate 5000 -d 1m    open loop, 5000 requests/s\n"
"  " PROG " --port 8080 -c 10000 --idle -d 30s     hold 10k idle connections\n"
"  " PROG " --port 8080 -c 10000 --idle --idle-batches 4\n"
"          the same 10k in 4 batches of 2500, one a SIGUSR1, each sent\n"
"          once the line of the one before (first \"0 connections open\")\n"
"          is there\n"
"  " PROG " --port 8080 -c 10000 --rate 20000 --warmup 3 -d 5 --server-pid 4242\n"
"          open loop at 10k connections: 3 s of warm-up, then 5 s measured,\n"
"          with the server's CPU time per response\n"
"\n"
"Exit status: 0 when the run completed and at least one response came back\n"
"(errors are counted in the report); 1 when it could not start, or when\n"
"every connection failed (nothing listening on the port, every connection\n"
"reset, closed or timed out: the report is still printed, stderr says\n"
"why); 2 on bad usage.\n"
"\n"
"example: " PROG " --port 8080 -c 100 --duration 10 --heavy-ratio 0.01 --json\n");
}

static bool parse_fraction(const char *flag, const char *text, double min,
			   double max, double *out)
{
	char *end;
	double value = strtod(text, &end);

	if (end == text || *end || value < min || value > max || value != value) {
		fprintf(stderr, PROG ": --%s: '%s' is not a number in [%g, %g]\n",
			flag, text, min, max);
		return false;
	}
	*out = value;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "port", required_argument, NULL, OPTS_LONG_PORT },
		{ "addr", required_argument, NULL, 'a' },
		{ "connections", required_argument, NULL, 'c' },
		{ "requests", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "heavy-ratio", required_argument, NULL, 'r' },
		{ "rate", required_argument, NULL, 'R' },
		{ "idle", no_argument, NULL, OPT_IDLE },
		{ "idle-requests", required_argument, NULL, OPT_IDLE_REQUESTS },
		{ "idle-batches", required_argument, NULL, OPT_IDLE_BATCHES },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "server-pid", required_argument, NULL, OPT_SERVER_PID },
		{ "timeout", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "cpu", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct loadgen_config cfg = { .addr = "127.0.0.1", .timeout_s = 10,
				      .progress = true };
	struct loadgen_stats *stats;
	uint64_t port = 0, value, cpu = UINT64_MAX, nofile, ns, ticks;
	bool json = false, warmup = false;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:a:c:n:d:r:R:it:T:s:C:jqhV",
				  long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			opts_deprecated(PROG, "-p (port)", "--port");
			/* fall through */
		case OPTS_LONG_PORT:
			if (!opts_uint(PROG, "port", optarg, 1, 65535, &port))
				return 2;
			break;
		case 'a': cfg.addr = optarg; break;
		case 'c':
			if (!opts_uint(PROG, "connections", optarg, 1, 1000000, &value))
				return 2;
			cfg.connections = value;
			break;
		case 'n':
			if (!opts_uint(PROG, "requests", optarg, 1, UINT64_MAX >> 1,
				       &cfg.requests))
				return 2;
			break;
		case 'd':
			if (!opts_duration(PROG, "duration", optarg, OPTS_MSEC(1),
					   OPTS_SEC(1000000), &ns))
				return 2;
			cfg.duration_s = (double)ns / OPTS_NSEC_PER_SEC;
			break;
		case 'r':
			if (!parse_fraction("heavy-ratio", optarg, 0, 1, &cfg.heavy_ratio))
				return 2;
			break;
		case 'R':
			if (!parse_fraction("rate", optarg, 0.001, 1e9, &cfg.rate))
				return 2;
			break;
		case 'i':
			opts_deprecated(PROG, "-i (idle)", "--idle");
			/* fall through */
		case OPT_IDLE:
			cfg.hold = true;
			break;
		case OPT_WARMUP:
			if (!opts_duration(PROG, "warmup", optarg, 0,
					   OPTS_SEC(1000000), &ns))
				return 2;
			cfg.warmup_s = (double)ns / OPTS_NSEC_PER_SEC;
			warmup = true;
			break;
		case OPT_SERVER_PID:
			if (!opts_uint(PROG, "server-pid", optarg, 1, INT_MAX, &value))
				return 2;
			cfg.server_pid = value;
			break;
		case OPT_IDLE_REQUESTS:
			if (!opts_uint(PROG, "idle-requests", optarg, 1, 1000000, &value))
				return 2;
			cfg.hold_requests = value;
			break;
		case OPT_IDLE_BATCHES:
			/* Checked against --connections once both are read. */
			if (!opts_uint(PROG, "idle-batches", optarg, 1, 1000000, &value))
				return 2;
			cfg.hold_batches = value;
			break;
		case 't':
			opts_deprecated(PROG, "-t (timeout)", "-T or --timeout");
			/* fall through */
		case 'T':
			/* Timeouts are checked once a second: whole seconds. */
			if (!opts_seconds(PROG, "timeout", optarg, 1, 3600, &value))
				return 2;
			cfg.timeout_s = value;
			break;
		case 's':
			opts_deprecated(PROG, "-s (seed)", "--seed");
			/* fall through */
		case OPT_SEED:
			if (!opts_uint(PROG, "seed", optarg, 0, UINT64_MAX, &cfg.seed))
				return 2;
			break;
		case 'C':
			if (!opts_uint(PROG, "cpu", optarg, 0, CPU_SETSIZE - 1, &cpu))
				return 2;
			break;
		case 'j': json = true; break;
		case 'q': cfg.progress = false; break;
		case 'h': usage(stdout); return 0;
		case 'V': opts_print_version(PROG); return 0;
		default: return opts_bad_option(PROG, opt, argv);
		}
	}
	if (optind < argc)
		return opts_stray_argument(PROG, argv[optind]);
	if (!port || !cfg.connections) {
		fprintf(stderr, PROG ": --port and --connections are required; try '" PROG " --help'\n");
		return 2;
	}
	if (!cfg.hold && !cfg.requests == !cfg.duration_s) {
		fprintf(stderr, PROG ": give exactly one of --requests and --duration\n");
		return 2;
	}
	if (cfg.hold_requests && !cfg.hold) {
		fprintf(stderr, PROG ": --idle-requests goes with --idle\n");
		return 2;
	}
	if (cfg.hold_batches && !cfg.hold) {
		fprintf(stderr, PROG ": --idle-batches goes with --idle\n");
		return 2;
	}
	if (cfg.hold_batches > cfg.connections) {
		fprintf(stderr, PROG ": --idle-batches %u: more batches than the %u connections; give at most --connections\n",
			cfg.hold_batches, cfg.connections);
		return 2;
	}
	if (cfg.hold && (cfg.requests || cfg.rate > 0)) {
		fprintf(stderr, PROG ": --idle sends --idle-requests per connection: no --requests or --rate\n");
		return 2;
	}
	if (cfg.hold && warmup) {
		fprintf(stderr, PROG ": --warmup goes with a load (closed or open loop), not with --idle\n");
		return 2;
	}
	/* A PID that is not there is a typo: say so before any connect. */
	if (cfg.server_pid && loadgen_cpu_ticks(cfg.server_pid, &ticks) < 0) {
		if (errno == ENOENT || errno == ESRCH)
			fprintf(stderr, PROG ": --server-pid %d: no such process (/proc/%d/stat: %s)\n",
				cfg.server_pid, cfg.server_pid, strerror(errno));
		else
			fprintf(stderr, PROG ": --server-pid %d: /proc/%d/stat: %s\n",
				cfg.server_pid, cfg.server_pid, strerror(errno));
		return 2;
	}
	cfg.port = port;

	if (cpu != UINT64_MAX) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, PROG ": --cpu %llu: %m (is that CPU online?)\n",
				(unsigned long long)cpu);
			return 1;
		}
	}
	nofile = net_raise_nofile(cfg.connections + (uint64_t)LOADGEN_SPARE_FDS);
	if (nofile < cfg.connections + (uint64_t)LOADGEN_SPARE_FDS) {
		fprintf(stderr,
			PROG ": %u connections need %u descriptors but RLIMIT_NOFILE allows %llu: lower --connections, raise ulimit -n, or run as root\n",
			cfg.connections, cfg.connections + LOADGEN_SPARE_FDS,
			(unsigned long long)nofile);
		return 1;
	}
	/* Progress lines are for people, not for the JSON consumer's logs. */
	if (json)
		cfg.progress = false;

	stats = malloc(sizeof(*stats));
	if (!stats)
		return 1;
	ret = loadgen_run(&cfg, stats);
	if (ret == 0) {
		if (json)
			loadgen_report_json(&cfg, stats);
		else
			loadgen_report_text(&cfg, stats);
		if (loadgen_all_failed(&cfg, stats))
			ret = 1;
	}
	free(stats);
	return ret ? 1 : 0;
}
