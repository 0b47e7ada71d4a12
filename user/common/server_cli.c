// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/net.h"
#include "http/http_response.h"
#include "server_cli.h"
#include "workload/workload.h"

enum {
	OPT_MAX_HEADER_BYTES = OPTS_LONG_FIRST_FREE,
	OPT_IDLE_TIMEOUT,
	OPT_SHUTDOWN_TIMEOUT,
};

static const struct option shared_opts[] = {
	{ "port", required_argument, NULL, OPTS_LONG_PORT },
	{ "addr", required_argument, NULL, 'a' },
	{ "threads", required_argument, NULL, 't' },
	{ "stack-size", required_argument, NULL, 's' },
	{ "heavy-bytes", required_argument, NULL, 'H' },
	{ "max-conns", required_argument, NULL, 'm' },
	{ "max-header-bytes", required_argument, NULL, OPT_MAX_HEADER_BYTES },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

#define N_SHARED (sizeof(shared_opts) / sizeof(shared_opts[0]))
/* Room for a server's own options past the shared ones. */
#define N_OWN_MAX 8

static void usage(const struct server_cli *cli)
{
	printf("usage: %s --port P [OPTION]...\n\n%s\n", cli->prog, cli->about);
	printf(
"      --port P              TCP port (0: any free one; the address is printed)\n"
"  -a, --addr A              IPv4 address to listen on (default 127.0.0.1)\n");
	if (cli->threads)
		printf(
"  -t, --threads N           executors, one thread and listener each (default 1)\n");
	if (cli->stack_size_min)
		fputs(cli->stack_size_help, stdout);
	printf(
"  -H, --heavy-bytes N       GET /heavy scratch size (default 256K, at most 1G)\n"
"  -m, --max-conns N         connections served at once; more get 503\n"
"                            (default 100000, or what RLIMIT_NOFILE allows)\n"
"      --max-header-bytes N  request head limit; more gets 431 (default 8K)\n"
"      --idle-timeout D      idle or unfinished-head limit; then 408 (default 10s)\n"
"      --shutdown-timeout D  on SIGINT/SIGTERM, exit within D (default 2s)\n"
"%s"
OPTS_HELP_STD("             ")
"Old spelling, for one release: -p P (--port).\n"
"\n"
"Examples:\n"
"%s"
"\n"
"SIGINT or SIGTERM: stop accepting; finish the request in flight on each\n"
"connection, serve nothing pipelined behind it, close; exit 0 when all are\n"
"closed or at the --shutdown-timeout deadline, whichever is first.\n"
"%s",
	       cli->own_help ? cli->own_help : "", cli->examples,
	       cli->notes ? cli->notes : "");
}

static bool parse_shared(const struct server_cli *cli, int opt,
			 const char *arg, struct server_opts *o)
{
	const char *prog = cli->prog;
	uint64_t value;

	switch (opt) {
	case 'p':
		opts_deprecated(prog, "-p (port)", "--port");
		/* fall through */
	case OPTS_LONG_PORT:
		if (!opts_uint(prog, "port", arg, 0, 65535, &value))
			return false;
		o->port = value;
		return true;
	case 'a':
		o->addr = arg;
		return true;
	case 't':
		if (!opts_uint(prog, "threads", arg, 1, 256, &value))
			return false;
		o->threads = value;
		return true;
	case 's':
		if (!opts_size(prog, "stack-size", arg, cli->stack_size_min,
			       1ULL << 36, &value))
			return false;
		o->stack_size = value;
		return true;
	case 'H':
		if (!opts_size(prog, "heavy-bytes", arg, 1, SERVER_HEAVY_BYTES_MAX,
			       &value))
			return false;
		o->heavy_bytes = value;
		return true;
	case 'm':
		if (!opts_uint(prog, "max-conns", arg, 1, 1ULL << 32,
			       &o->max_conns))
			return false;
		o->max_conns_given = true;
		return true;
	case OPT_MAX_HEADER_BYTES:
		if (!opts_size(prog, "max-header-bytes", arg, 256, 1 << 20, &value))
			return false;
		o->limits.max_head_bytes = value;
		return true;
	case OPT_IDLE_TIMEOUT:
		if (!opts_seconds(prog, "idle-timeout", arg, 1, 86400, &value))
			return false;
		o->idle_timeout_s = value;
		return true;
	case OPT_SHUTDOWN_TIMEOUT:
		return opts_duration(prog, "shutdown-timeout", arg, 0,
				     OPTS_SEC(3600), &o->shutdown_timeout_ns);
	}
	return cli->parse_own(opt, arg);
}

void server_cli_parse(const struct server_cli *cli, int argc, char **argv,
		      struct server_opts *o)
{
	struct option longs[N_SHARED + N_OWN_MAX + 1] = { { 0 } };
	char shorts[64];
	size_t n = 0;
	bool port_given = false;
	int opt;

	*o = (struct server_opts){
		.addr = "127.0.0.1",
		.threads = 1,
		.heavy_bytes = WORKLOAD_HEAVY_BYTES_DEFAULT,
		.max_conns = 100000,
		.idle_timeout_s = 10,
		.shutdown_timeout_ns = OPTS_SEC(2),
		.limits = HTTP_DEFAULT_LIMITS,
	};
	/* Only the options this server takes: another's is unknown here. */
	for (size_t i = 0; i < N_SHARED; i++) {
		if ((shared_opts[i].val == 't' && !cli->threads) ||
		    (shared_opts[i].val == 's' && !cli->stack_size_min))
			continue;
		longs[n++] = shared_opts[i];
	}
	for (size_t i = 0; cli->own && cli->own[i].name; i++) {
		if (i == N_OWN_MAX)
			abort();	/* a server with more: raise N_OWN_MAX */
		longs[n++] = cli->own[i];
	}
	snprintf(shorts, sizeof(shorts), ":p:a:H:m:hV%s%s%s",
		 cli->threads ? "t:" : "", cli->stack_size_min ? "s:" : "",
		 cli->own_short ? cli->own_short : "");

	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(cli);
			exit(0);
		case 'V':
			opts_print_version(cli->prog);
			exit(0);
		case '?':
		case ':':
			exit(opts_bad_option(cli->prog, opt, argv));
		case 'p':
		case OPTS_LONG_PORT:
			port_given = true;
			/* fall through */
		default:
			if (!parse_shared(cli, opt, optarg, o))
				exit(2);
		}
	}
	if (optind < argc)
		exit(opts_stray_argument(cli->prog, argv[optind]));
	if (!port_given) {
		fprintf(stderr, "%s: --port is required (0 for any free port); try '%s --help'\n",
			cli->prog, cli->prog);
		exit(2);
	}
}

bool server_listen(const char *prog, struct server_opts *o,
		   unsigned int executors, struct server_listener *first,
		   size_t stride)
{
	unsigned int n = executors ? executors : 1;
	uint16_t port = o->port;
	char err[256];

	o->nofile = net_fit_max_conns(prog, &o->max_conns, o->max_conns_given,
				      executors);
	net_warn_somaxconn(prog);
	for (unsigned int i = 0; i < n; i++) {
		struct server_listener *lis = server_listener_at(first, stride, i);

		lis->stop_fd = -1;
		lis->listen_fd = net_listen_tcp(o->addr, port, n > 1, err,
						sizeof(err));
		if (lis->listen_fd < 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return false;
		}
		/* --port 0: the others join the port the first one got. */
		port = net_local_port(lis->listen_fd);
		if (!executors)
			continue;
		lis->stop_fd = eventfd(0, EFD_CLOEXEC);
		if (lis->stop_fd < 0) {
			fprintf(stderr, "%s: cannot make an eventfd: %s (raise ulimit -n)\n",
				prog, strerror(errno));
			return false;
		}
	}
	return true;
}

bool server_stop_executors(struct server_listener *first, size_t stride,
			   unsigned int n)
{
	bool all = true;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t one = 1;
		int fd = server_listener_at(first, stride, i)->stop_fd;

		if (write(fd, &one, sizeof(one)) != sizeof(one))
			all = false;
	}
	return all;
}

void server_close_stop_fds(struct server_listener *first, size_t stride,
			   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		close(server_listener_at(first, stride, i)->stop_fd);
}

void server_block_signals(sigset_t *set, int extra)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	if (extra)
		sigaddset(set, extra);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void *stop_thread(void *arg)
{
	struct server_stop_thread *st = arg;
	int sig;

	sigwait(&st->sigs, &sig);
	shutdown(st->listen_fd, SHUT_RDWR);
	__atomic_store_n(&st->stopping, true, __ATOMIC_RELEASE);
	return NULL;
}

bool server_listen_stop_thread(const char *prog, struct server_opts *o,
			       struct server_stop_thread *st)
{
	struct server_listener lis;
	int err;

	if (!server_listen(prog, o, 0, &lis, sizeof(lis)))
		return false;
	st->listen_fd = lis.listen_fd;
	st->stopping = false;
	server_block_signals(&st->sigs, 0);
	err = pthread_create(&st->thread, NULL, stop_thread, st);
	if (err) {
		fprintf(stderr, "%s: cannot start the signal thread: %s (raise ulimit -u or free memory)\n",
			prog, strerror(err));
		return false;
	}
	return true;
}

bool server_stop_thread_stopping(struct server_stop_thread *st)
{
	return __atomic_load_n(&st->stopping, __ATOMIC_ACQUIRE);
}

void server_stop_thread_join(struct server_stop_thread *st)
{
	pthread_join(st->thread, NULL);
}

size_t server_conn_thread_attr(pthread_attr_t *attr, size_t stack_size)
{
	size_t got;

	pthread_attr_init(attr);
	pthread_attr_setdetachstate(attr, PTHREAD_CREATE_DETACHED);
	if (stack_size)
		pthread_attr_setstacksize(attr, stack_size);
	pthread_attr_getstacksize(attr, &got);
	return got;
}

void server_refuse(int fd, int status)
{
	char out[WORKLOAD_RESPONSE_MAX];
	size_t n = http_format_error(out, sizeof(out), status);

	send(fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

int server_out_of_memory(const char *prog)
{
	fprintf(stderr, "%s: out of memory for the connection table (an entry per descriptor ulimit -n allows)\n",
		prog);
	return 1;
}

void server_exec_start_failed(const char *prog, unsigned int threads, int err)
{
	fprintf(stderr, "%s: cannot start %u executors: %s (each takes an io_uring, its buffers and descriptors: use fewer --threads, or raise ulimit -l and -n)\n",
		prog, threads, strerror(err));
}

void server_print_stopped(const char *prog, uint64_t served, uint64_t cut,
			  bool exec_failed)
{
	printf("%s: stopped: %llu requests served", prog,
	       (unsigned long long)served);
	if (cut)
		printf(", %llu connections cut at the --shutdown-timeout deadline",
		       (unsigned long long)cut);
	if (exec_failed)
		printf(", an executor failed");
	printf("\n");
	fflush(stdout);
}
