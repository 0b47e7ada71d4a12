/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_FLOOR_H
#define STACKLAB_FLOOR_H

/*
 * The floors: what any server on the same kernel interface pays per
 * request, with nothing above it.  floor-uring (io_uring, one thread) and
 * floor-threads (a thread per connection, blocking IO) find the end of
 * each request head and answer it with one fixed response, the bytes
 * fut-server sends for loadgen's request; no parser, no routes, no
 * futures.  bench-http divides a server's CPU per request by its floor's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/server_cli.h"

/* Copies of the response in floor_responses: pipelined heads at once. */
#define FLOOR_BATCH 32

/*
 * The response to "GET / HTTP/1.1" with keep-alive, from the workload's
 * own formatter, FLOOR_BATCH times back to back; floor_response_len is
 * one copy's length.  Set by floor_init.
 */
extern const char *floor_responses;
extern size_t floor_response_len;

/* --help's last lines, the same for both floors. */
#define FLOOR_CLI_NOTES \
"A floor answers every request head (up to its blank line) with the bytes\n" \
"fut-server sends for GET / with keep-alive; --heavy-bytes,\n" \
"--max-header-bytes and --idle-timeout are taken and have no effect.\n"

/* server_cli's parse_own for a floor: it has no option of its own. */
bool floor_no_own_option(int opt, const char *arg);

/*
 * The command line (server_cli's, nothing of a floor's own), then the
 * response.  Exits as server_cli_parse does on bad usage.
 */
void floor_init(const struct server_cli *cli, int argc, char **argv,
		struct server_opts *o);

/*
 * The heads that end in buf[0..len): each "\r\n\r\n", *matched carrying
 * the bytes of one already seen at the end of the previous read (0 on a
 * new connection), so a head split anywhere across reads counts once.
 */
unsigned int floor_count_heads(unsigned int *matched, const char *buf,
			       size_t len);

/* The first stdout line, which scripts and tests parse for the port. */
void floor_print_listening(const char *prog, const struct server_opts *o,
			   int listen_fd, const char *how);

#endif
