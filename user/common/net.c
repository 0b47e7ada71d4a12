// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

int net_listen_tcp(const char *addr, uint16_t port, bool reuseport,
		   char *err, size_t err_len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		snprintf(err, err_len, "'%s' is not an IPv4 address (e.g. 127.0.0.1)",
			 addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_len, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		snprintf(err, err_len, "SO_REUSEPORT: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int saved = errno;

		if (saved == EADDRINUSE)
			snprintf(err, err_len,
				 "cannot listen on %s:%u: address in use; pick another --port, or find the holder with \"ss -ltnp 'sport = :%u'\"",
				 addr, port, port);
		else if (saved == EACCES)
			snprintf(err, err_len,
				 "cannot listen on %s:%u: permission denied (ports below 1024 need root)",
				 addr, port);
		else
			snprintf(err, err_len, "cannot listen on %s:%u: %s",
				 addr, port, strerror(saved));
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) < 0) {
		snprintf(err, err_len, "listen: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

uint16_t net_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return 0;
	return ntohs(sin.sin_port);
}

uint64_t net_raise_nofile(uint64_t want)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
		return 0;
	if (lim.rlim_max < want) {
		struct rlimit raised = { .rlim_cur = want, .rlim_max = want };

		/* Needs CAP_SYS_RESOURCE, and want <= fs.nr_open. */
		if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
			return want;
	}
	lim.rlim_cur = lim.rlim_max < want ? lim.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &lim);
	getrlimit(RLIMIT_NOFILE, &lim);
	return lim.rlim_cur;
}

uint64_t net_fit_max_conns(const char *prog, uint64_t *max_conns, bool given,
			   uint64_t executors)
{
	uint64_t spare = NET_SPARE_FDS + executors * NET_FDS_PER_EXECUTOR;
	uint64_t nofile = net_raise_nofile(*max_conns + spare);
	uint64_t fit = nofile > 2 * spare ? nofile - spare : spare;

	if (nofile >= *max_conns + spare)
		return nofile;
	if (given)
		fprintf(stderr,
			"%s: warning: RLIMIT_NOFILE allows %llu descriptors: --max-conns lowered to %llu (run as root, or raise the hard limit: ulimit -Hn)\n",
			prog, (unsigned long long)nofile, (unsigned long long)fit);
	*max_conns = fit;
	return nofile;
}

void net_warn_somaxconn(const char *prog)
{
	FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
	long somaxconn;

	if (!f)
		return;
	if (fscanf(f, "%ld", &somaxconn) == 1 && somaxconn < LISTEN_BACKLOG)
		fprintf(stderr,
			"%s: warning: net.core.somaxconn is %ld: the accept queue holds at most that many connections; raise it with 'sysctl -w net.core.somaxconn=%d'\n",
			prog, somaxconn, LISTEN_BACKLOG);
	fclose(f);
}

void net_set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

bool net_send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= n;
	}
	return true;
}
