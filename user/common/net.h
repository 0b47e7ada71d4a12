/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_NET_H
#define STACKLAB_NET_H

/* Socket and limit plumbing the servers and loadgen share. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LISTEN_BACKLOG 4096

/*
 * A TCP listener on addr:port (port 0: the kernel picks one), with
 * SO_REUSEADDR, and SO_REUSEPORT when reuseport.  Returns the fd, or -1
 * with the cause and the fix in err.
 */
int net_listen_tcp(const char *addr, uint16_t port, bool reuseport,
		   char *err, size_t err_len);

/* The port a bound socket has, or 0. */
uint16_t net_local_port(int fd);

/*
 * Raise RLIMIT_NOFILE towards want descriptors: the soft limit to the
 * hard one, and both past it where allowed (root, up to fs.nr_open).
 * Returns the soft limit now in force.
 */
uint64_t net_raise_nofile(uint64_t want);

/*
 * Fit *max_conns to the descriptors RLIMIT_NOFILE allows (raising it
 * first): a server's connections plus a reserve, NET_SPARE_FDS for stdio
 * and the like and NET_FDS_PER_EXECUTOR for each of its executors'
 * threads (a listener, a stop eventfd, an io_uring, its eventfd and the
 * runtime's dup of it: 5, with room), so that a connection past
 * *max_conns still gets a descriptor and its 503.  Warns, prefixed with
 * prog, only when the user asked for more (given).  Returns the
 * descriptor limit now in force.
 */
#define NET_SPARE_FDS 64
#define NET_FDS_PER_EXECUTOR 8
uint64_t net_fit_max_conns(const char *prog, uint64_t *max_conns, bool given,
			   uint64_t executors);

/* Warn when net.core.somaxconn caps the accept queue below LISTEN_BACKLOG. */
void net_warn_somaxconn(const char *prog);

/* Disable Nagle: each response is written whole, so it cannot help. */
void net_set_nodelay(int fd);

/* Every byte on a blocking socket (EINTR retried); false when the peer
 * is gone or an error ends it.  No SIGPIPE. */
bool net_send_all(int fd, const char *data, size_t len);

#endif
