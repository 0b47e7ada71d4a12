// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_proc.h"

#define MAX_ARGS 64

bool server_start(struct server_proc *srv, const char *const *extra)
{
	const char *bin = getenv("STACKLAB_SERVER");
	char *env_args = getenv("STACKLAB_SERVER_ARGS");
	char *argv[MAX_ARGS], *copy = NULL, line[512];
	int out[2], argc = 0;
	size_t len = 0;

	if (!bin) {
		fprintf(stderr, "# STACKLAB_SERVER is not set\n");
		return false;
	}
	argv[argc++] = (char *)bin;
	argv[argc++] = "--port";
	argv[argc++] = "0";
	if (env_args) {
		copy = strdup(env_args);
		for (char *tok = strtok(copy, " "); tok && argc < MAX_ARGS - 16;
		     tok = strtok(NULL, " "))
			argv[argc++] = tok;
	}
	for (; extra && *extra && argc < MAX_ARGS - 1; extra++)
		argv[argc++] = (char *)*extra;
	argv[argc] = NULL;

	if (pipe2(out, O_CLOEXEC) < 0)
		return false;
	srv->pid = fork();
	if (srv->pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		execv(bin, argv);
		fprintf(stderr, "# exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	free(copy);
	close(out[1]);
	srv->stdout_fd = out[0];
	srv->port = 0;

	/* The first line names the port; allow a slow start on a busy VM. */
	struct pollfd pfd = { .fd = out[0], .events = POLLIN };

	while (len < sizeof(line) - 1 && poll(&pfd, 1, 20000) == 1) {
		ssize_t n = read(out[0], line + len, 1);

		if (n <= 0)
			break;
		if (line[len++] == '\n')
			break;
	}
	line[len] = '\0';
	char *at = strstr(line, "listening on ");
	char *colon = at ? strrchr(at, ':') : NULL;

	if (colon)
		srv->port = atoi(colon + 1);
	if (!srv->port) {
		fprintf(stderr, "# server did not say where it listens: '%s'\n", line);
		kill(srv->pid, SIGKILL);
		waitpid(srv->pid, NULL, 0);
		return false;
	}
	return true;
}

/* What the exited server wrote after its first line, up to cap - 1 bytes. */
static void read_rest(int fd, char *out, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	if (!out || !cap)
		return;
	while (len < cap - 1 && (n = read(fd, out + len, cap - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
}

int server_stop_report(struct server_proc *srv, unsigned int timeout_s,
		       char *out, size_t cap)
{
	int status, ret = -1;

	kill(srv->pid, SIGTERM);
	for (unsigned int ms = 0; ms < timeout_s * 1000; ms += 10) {
		if (waitpid(srv->pid, &status, WNOHANG) == srv->pid) {
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			goto out;
		}
		usleep(10000);
	}
	kill(srv->pid, SIGKILL);
	waitpid(srv->pid, &status, 0);
out:
	read_rest(srv->stdout_fd, out, cap);
	close(srv->stdout_fd);
	return ret;
}

int server_stop(struct server_proc *srv, unsigned int timeout_s)
{
	return server_stop_report(srv, timeout_s, NULL, 0);
}

int client_connect(uint16_t port, unsigned int recv_timeout_s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = recv_timeout_s };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

bool client_send(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		data += n;
		len -= n;
	}
	return true;
}

bool client_send_str(int fd, const char *text)
{
	return client_send(fd, text, strlen(text));
}

int client_read_response(int fd, bool head_request, char *buf, size_t cap,
			 size_t *total)
{
	size_t len = 0, want = 0;
	int status;

	*total = 0;
	for (;;) {
		char *end;

		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end && !want) {
			char *cl = strcasestr(buf, "\r\nContent-Length:");
			size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;

			/* A response to HEAD has a length but no body. */
			if (head_request)
				body = 0;
			want = end + 4 - buf + body;
		}
		if (want && len >= want)
			break;
		if (len + 1 >= cap)
			return -1;
		/* Exactly what this response needs: the next stays queued. */
		size_t ask = want ? want - len : 1;
		ssize_t n = recv(fd, buf + len, ask, 0);

		if (n == 0)
			return len ? -1 : 0;
		if (n < 0)
			return -1;
		len += n;
	}
	buf[want] = '\0';
	*total = want;
	if (sscanf(buf, "HTTP/1.1 %d ", &status) != 1)
		return -1;
	return status;
}

bool client_served(uint16_t port)
{
	char buf[4096];
	size_t len;
	int fd = client_connect(port, 10);
	bool ok = fd >= 0 &&
		  client_send_str(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n") &&
		  client_read_response(fd, false, buf, sizeof(buf), &len) == 200;

	if (fd >= 0)
		close(fd);
	return ok;
}

bool client_sees_eof(int fd)
{
	char sink[4096];

	for (;;) {
		ssize_t n = recv(fd, sink, sizeof(sink), 0);

		if (n == 0)
			return true;
		if (n < 0)
			return errno == ECONNRESET;
	}
}

/* "VmRSS:" or "Threads:" of a process, in kB or as a count; -1 if gone. */
long proc_status(pid_t pid, const char *key)
{
	return proc_field(pid, "status", key);
}

long proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			value = atol(line + strlen(key));
	fclose(f);
	return value;
}

/* Open fds of a process: its connections. */
long proc_fds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	long n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}
