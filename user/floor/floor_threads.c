// SPDX-License-Identifier: GPL-2.0
/*
 * floor-threads: the thread-per-connection floor.  A detached thread per
 * connection, blocking recv into a stack buffer, and a blocking send of
 * the fixed response for every head that ends: what tpc-server does
 * without its parser, routes and timeouts.  Its live connections are
 * kept in tpc-server's registry (tpc_registry.c), for the same shutdown.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/net.h"
#include "floor.h"
#include "http/http_response.h"
#include "tpc/tpc.h"
#include "workload/workload.h"

#define PROG "floor-threads"

/* The registry reads --max-conns from here; nothing else of tpc's is used. */
struct tpc_config tpc_cfg;

static uint64_t served;

static const struct server_cli cli = {
	.prog = PROG,
	.about =
"The thread-per-connection floor: a thread per connection, blocking reads,\n"
"and one fixed response written for every request head.\n",
	.examples =
"  " PROG " --port 0                    any free port (printed)\n"
"  " PROG " --port 8080 --max-conns 20000 --shutdown-timeout 500ms\n",
	.notes = FLOOR_CLI_NOTES,
	.parse_own = floor_no_own_option,
};

/* Until the peer closes or an error; a read that ends while stopping
 * answers nothing (its heads are behind the one in flight). */
static void serve(int fd)
{
	char buf[4096];
	unsigned int matched = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		unsigned int heads;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || tpc_registry_stopping())
			return;
		heads = floor_count_heads(&matched, buf, n);
		while (heads) {
			unsigned int k = heads < FLOOR_BATCH ? heads : FLOOR_BATCH;

			__atomic_add_fetch(&served, k, __ATOMIC_RELAXED);
			if (!net_send_all(fd, floor_responses, k * floor_response_len))
				return;
			heads -= k;
		}
	}
}

static void *conn_thread(void *fd_as_ptr)
{
	int fd = (int)(intptr_t)fd_as_ptr;

	serve(fd);
	tpc_registry_remove(fd);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct server_opts *o = &tpc_cfg.srv;
	struct server_stop_thread stop;
	pthread_attr_t attr;

	floor_init(&cli, argc, argv, o);
	if (!server_listen_stop_thread(PROG, o, &stop))
		return 1;
	if (!tpc_registry_init(o->nofile))
		return server_out_of_memory(PROG);
	server_conn_thread_attr(&attr, o->stack_size);
	floor_print_listening(PROG, o, stop.listen_fd,
			      "a thread per connection, blocking IO");

	while (!server_stop_thread_stopping(&stop)) {
		pthread_t thread;
		int fd = accept4(stop.listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			continue;
		net_set_nodelay(fd);
		if (!tpc_registry_add(fd)) {
			server_refuse(fd, 503);
			continue;
		}
		if (pthread_create(&thread, &attr, conn_thread,
				   (void *)(intptr_t)fd)) {
			tpc_registry_remove(fd);
			server_refuse(fd, 503);
		}
	}

	close(stop.listen_fd);
	tpc_registry_shutdown_all();
	uint64_t left = tpc_registry_wait_empty(o->shutdown_timeout_ns);

	server_stop_thread_join(&stop);
	server_print_stopped(PROG, __atomic_load_n(&served, __ATOMIC_RELAXED),
			     left, false);
	return 0;
}
