/* SPDX-License-Identifier: GPL-2.0 */
/* Loopback TCP echo over libfut, shared by the reactor tests: a server
 * task (acceptor), one echo task per connection (receiver + send), and
 * client tasks (connect, send, receive, close). */
#ifndef TCP_ECHO_H
#define TCP_ECHO_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "futtest.h"

struct echo_stats {
	int served, clients_ok, client_errors, last_err;
	long bytes;
};

/* One connection: echo until EOF. */
#define ECHO_CONN_BRANCHES(B, U) \
	U(B(inline, fut_recv_next, next) B(inline, fut_io, io))
struct echo_conn {
	struct fut_hdr hdr;
	int fd;
	intptr_t r;
	struct echo_stats *st;
	struct fut_recver rx;
	FUT_BRANCHES(ECHO_CONN_BRANCHES);
};
static intptr_t echo_conn_poll(struct fut_hdr *h, struct fut_task *task);
static void echo_conn_drop(struct fut_hdr *h)
{
	struct echo_conn *self = (void *)h;

	fut_recver_release(&self->rx);
	close(self->fd);
}
static __attribute__((unused)) struct fut_type echo_conn_type = FUT_TYPE_DESC(echo_conn, echo_conn_poll, echo_conn_drop, ECHO_CONN_BRANCHES);

static intptr_t echo_conn_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct echo_conn *self = (void *)h;

	FUT_BEGIN;
	fut_recver_init(&self->rx, self->fd);
	for (;;) {
		FUT_AWAIT(next, self->r, fut_recv_next_init, &self->rx, 0);
		if (self->r <= 0)
			break;
		self->st->bytes += self->r;
		FUT_AWAIT(io, self->r, fut_send_init, self->fd,
			  self->rx.data, self->rx.data_len, 0, 0);
		if (self->r < 0)
			break;
	}
	if (self->r < 0)
		self->st->last_err = self->r;
	fut_recver_release(&self->rx);
	FUT_AWAIT(io, self->r, fut_close_init, self->fd);
	self->st->served++;
	return 0;
	FUT_END;
}

static inline void echo_conn_init(struct echo_conn *s, int fd, struct echo_stats *st)
{
	s->fd = fd;
	s->st = st;
}

/* Accepts n connections, spawning an echo task for each. */
#define ECHO_SERVER_BRANCHES(B, U) B(inline, fut_accept_next, next)
struct echo_server {
	struct fut_hdr hdr;
	int lfd, n, i;
	intptr_t r;
	struct echo_stats *st;
	struct fut_acceptor acc;
	FUT_BRANCHES(ECHO_SERVER_BRANCHES);
};
static intptr_t echo_server_poll(struct fut_hdr *h, struct fut_task *task);
static void echo_server_drop(struct fut_hdr *h)
{
	fut_acceptor_release(&((struct echo_server *)h)->acc);
}
static __attribute__((unused)) struct fut_type echo_server_type = FUT_TYPE_DESC(echo_server, echo_server_poll, echo_server_drop, ECHO_SERVER_BRANCHES);

static intptr_t echo_server_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct echo_server *self = (void *)h;

	FUT_BEGIN;
	fut_acceptor_init(&self->acc, self->lfd);
	for (self->i = 0; self->i < self->n; self->i++) {
		FUT_AWAIT(next, self->r, fut_accept_next_init, &self->acc);
		if (self->r < 0) {
			self->st->last_err = self->r;
			break;
		}
		FUT_SPAWN(NULL, &echo_conn_type, true, echo_conn_init, self->r, self->st);
	}
	fut_acceptor_release(&self->acc);
	return self->i;
	FUT_END;
}

static inline void echo_server_init(struct echo_server *s, int lfd, int n,
			     struct echo_stats *st)
{
	s->lfd = lfd;
	s->n = n;
	s->st = st;
}

/* Connects, sends `rounds` messages, checks each echo, closes. */
#define ECHO_CLIENT_BRANCHES(B, U) B(inline, fut_io, io)
struct echo_client {
	struct fut_hdr hdr;
	int fd, rounds, i, got, len;
	intptr_t r;
	struct echo_stats *st;
	struct sockaddr_in sa;
	char msg[32], buf[32];
	FUT_BRANCHES(ECHO_CLIENT_BRANCHES);
};
static intptr_t echo_client_poll(struct fut_hdr *h, struct fut_task *task);
static __attribute__((unused)) struct fut_type echo_client_type = FUT_TYPE_DESC(echo_client, echo_client_poll, NULL, ECHO_CLIENT_BRANCHES);

static intptr_t echo_client_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct echo_client *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(io, self->r, fut_connect_init, self->fd,
		  (struct sockaddr *)&self->sa, sizeof(self->sa), 0);
	if (self->r < 0)
		goto fail;
	for (self->i = 0; self->i < self->rounds; self->i++) {
		self->len = snprintf(self->msg, sizeof(self->msg), "msg %d/%d", self->fd, self->i);
		FUT_AWAIT(io, self->r, fut_send_init, self->fd,
			  self->msg, self->len, 0, 0);
		if (self->r != self->len)
			goto fail;
		for (self->got = 0; self->got < self->len; self->got += self->r) {
			FUT_AWAIT(io, self->r, fut_recv_init, self->fd,
				  self->buf + self->got, self->len - self->got, 0, 0);
			if (self->r <= 0)
				goto fail;
		}
		if (memcmp(self->buf, self->msg, self->len))
			goto fail;
	}
	self->st->clients_ok++;
	FUT_AWAIT(io, self->r, fut_close_init, self->fd);
	return 0;
fail:
	self->st->client_errors++;
	self->st->last_err = self->r;
	close(self->fd);
	return -1;
	FUT_END;
}

static inline void echo_client_init(struct echo_client *s, uint16_t port, int rounds,
			     struct echo_stats *st)
{
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s->sa.sin_family = AF_INET;
	s->sa.sin_port = htons(port);
	s->sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->rounds = rounds;
	s->st = st;
}

/* Sleeps, then cancels a task. */
#define KILLER_BRANCHES(B, U) B(inline, fut_sleep, s)
struct killer {
	struct fut_hdr hdr;
	struct fut_handle victim;
	uint64_t ns;
	intptr_t r;
	FUT_BRANCHES(KILLER_BRANCHES);
};
static intptr_t killer_poll(struct fut_hdr *h, struct fut_task *task);
static __attribute__((unused)) struct fut_type killer_type = FUT_TYPE_DESC(killer, killer_poll, NULL, KILLER_BRANCHES);

static intptr_t killer_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct killer *self = (void *)h;

	FUT_BEGIN;
	FUT_AWAIT(s, self->r, fut_sleep_init, self->ns);
	return fut_cancel(self->victim);
	FUT_END;
}

static inline void killer_init(struct killer *s, struct fut_handle victim,
			       uint64_t ms)
{
	s->victim = victim;
	s->ns = ms * 1000000;
}

static inline uint16_t port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return ntohs(sa.sin_port);
}

#endif
