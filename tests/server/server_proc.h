/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_TEST_SERVER_PROC_H
#define STACKLAB_TEST_SERVER_PROC_H

/*
 * Test helpers: run a server under test, and speak to it as a minimal
 * HTTP client.  The server binary is $STACKLAB_SERVER (relative to the
 * build tree root), with $STACKLAB_SERVER_ARGS appended.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct server_proc {
	pid_t pid;
	uint16_t port;
	int stdout_fd;
};

/*
 * Start the server with "--port 0" and extra (NULL-terminated) arguments;
 * wait for its "listening on ADDR:PORT" line.  false on failure.
 */
bool server_start(struct server_proc *srv, const char *const *extra);

/* SIGTERM, wait up to timeout_s; the exit status, or -1 if killed. */
int server_stop(struct server_proc *srv, unsigned int timeout_s);
/* The same, and what the server wrote to stdout after its first line
 * (its "stopped: ..." report) in out, NUL terminated. */
int server_stop_report(struct server_proc *srv, unsigned int timeout_s,
		       char *out, size_t cap);

/* A blocking TCP connection to 127.0.0.1:port with a receive timeout. */
int client_connect(uint16_t port, unsigned int recv_timeout_s);

bool client_send(int fd, const char *data, size_t len);
bool client_send_str(int fd, const char *text);

/*
 * Read one response: its head and Content-Length body (none for a
 * head_request) into buf (NUL
 * terminated).  Returns the status, 0 on EOF before any byte, -1 on error
 * or timeout.  *total gets the response's length.
 */
int client_read_response(int fd, bool head_request, char *buf, size_t cap,
			 size_t *total);

/* Whether a fresh connection gets a 200 for GET / (the server still serves). */
bool client_served(uint16_t port);

/* Whether the peer closes (EOF) within the receive timeout, data drained. */
bool client_sees_eof(int fd);

/* "VmRSS:" or "Threads:" of a process, in kB or as a count; -1 if gone. */
long proc_status(pid_t pid, const char *key);
/* The same from another /proc/PID file ("smaps_rollup": "Anonymous:"). */
long proc_field(pid_t pid, const char *file, const char *key);
/* Open fds of a process: its connections. */
long proc_fds(pid_t pid);

#endif
