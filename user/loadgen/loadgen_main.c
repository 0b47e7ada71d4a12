// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen: HTTP/1.1 keep-alive load for tpc-server and fut-server (or any
 * server), closed loop, open loop or idle, with a latency histogram.
 */
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "common/opts.h"
#include "loadgen.h"

#define PROG "loadgen"

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " --port P --connections N (--requests M | --duration S) [OPTION]...\n"
"       " PROG " --port P --connections N --idle [--duration S]\n"
"\n"
"Opens N keep-alive connections to ADDR:P and sends GET / (or GET /heavy,\n"
"with probability --heavy-ratio) on them from one thread and one io_uring.\n"
"\n"
"  -p, --port P            server port\n"
"  -a, --addr A            server IPv4 address (default 127.0.0.1)\n"
"  -c, --connections N     connections held open (on loopback, past a quarter\n"
"                          of ip_local_port_range they come from 127.0.0.2,\n"
"                          .3, ...: connect() slows down as ports fill up)\n"
"  -n, --requests M        stop after M requests in all\n"
"  -d, --duration S        stop sending after S seconds (fractions allowed)\n"
"  -r, --heavy-ratio R     share of GET /heavy, 0..1 (default 0)\n"
"  -R, --rate Q            open loop: Q requests/s in all, latency counted from\n"
"                          when each request was due (default: closed loop)\n"
"  -i, --idle              one request per connection, then hold them all\n"
"                          (until --duration, or SIGINT); stderr says\n"
"                          \"loadgen: idle: N connections open\" once they are\n"
"  -I, --idle-requests K   --idle: K requests per connection (each GET /heavy\n"
"                          with probability --heavy-ratio) before holding\n"
"                          (default 1)\n""  -t, --timeout S         per request and per connect (default 10)\n"
"  -s, --seed N            heavy/root choice seed (default fixed)\n"
"  -C, --cpu N             pin loadgen to CPU N\n"
"  -j, --json              one JSON object on stdout instead of the table\n"
"  -q, --quiet             no progress lines on stderr\n"
"  -h, --help              this text\n"
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
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "connections", required_argument, NULL, 'c' },
		{ "requests", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "heavy-ratio", required_argument, NULL, 'r' },
		{ "rate", required_argument, NULL, 'R' },
		{ "idle", no_argument, NULL, 'i' },
		{ "idle-requests", required_argument, NULL, 'I' },
		{ "timeout", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct loadgen_config cfg = { .addr = "127.0.0.1", .timeout_s = 10,
				      .progress = true };
	struct loadgen_stats *stats;
	uint64_t port = 0, value, cpu = UINT64_MAX, nofile;
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "p:a:c:n:d:r:R:iI:t:s:C:jqh",
				  long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
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
			if (!parse_fraction("duration", optarg, 0.001, 1e6, &cfg.duration_s))
				return 2;
			break;
		case 'r':
			if (!parse_fraction("heavy-ratio", optarg, 0, 1, &cfg.heavy_ratio))
				return 2;
			break;
		case 'R':
			if (!parse_fraction("rate", optarg, 0.001, 1e9, &cfg.rate))
				return 2;
			break;
		case 'i': cfg.idle = true; break;
		case 'I':
			if (!opts_uint(PROG, "idle-requests", optarg, 1, 1000000, &value))
				return 2;
			cfg.idle_requests = value;
			break;
		case 't':
			if (!opts_uint(PROG, "timeout", optarg, 1, 3600, &value))
				return 2;
			cfg.timeout_s = value;
			break;
		case 's':
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
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!port || !cfg.connections) {
		fprintf(stderr, PROG ": --port and --connections are required\n");
		usage(stderr);
		return 2;
	}
	if (!cfg.idle && !cfg.requests == !cfg.duration_s) {
		fprintf(stderr, PROG ": give exactly one of --requests and --duration\n");
		return 2;
	}
	if (cfg.idle_requests && !cfg.idle) {
		fprintf(stderr, PROG ": --idle-requests goes with --idle\n");
		return 2;
	}
	if (cfg.idle && (cfg.requests || cfg.rate > 0)) {
		fprintf(stderr, PROG ": --idle sends --idle-requests per connection: no --requests or --rate\n");
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
	nofile = net_raise_nofile(cfg.connections + 64ULL);
	if (nofile < cfg.connections + 64ULL) {
		fprintf(stderr,
			PROG ": %u connections need %u descriptors but RLIMIT_NOFILE allows %llu: lower --connections, raise ulimit -n, or run as root\n",
			cfg.connections, cfg.connections + 64,
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
