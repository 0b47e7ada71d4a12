/* SPDX-License-Identifier: GPL-2.0 */
/* libfut reactor operations: io_uring requests as futures. */
#ifndef LIBFUT_FUT_IO_H
#define LIBFUT_FUT_IO_H

#include <linux/time_types.h>
#include <sys/socket.h>

#include "fut_core.h"

/* One io_uring request owned by a task: its user_data is this address.
 * The task is not freed while `pending` completions are owed. */
struct fut_op {
	struct fut_task *task;
	struct fut_op *next;	/* the task's list of ops in flight */
	int32_t res;
	uint32_t cflags;
	uint16_t pending;	/* CQEs still to come */
	uint8_t kind;
	uint8_t state;
};

enum fut_io_kind {
	FUT_IO_NOP, FUT_IO_READ, FUT_IO_WRITE, FUT_IO_RECV, FUT_IO_SEND,
	FUT_IO_ACCEPT, FUT_IO_CONNECT, FUT_IO_CLOSE, FUT_IO_SHUTDOWN,
};

/* A single request.  Result: bytes, an fd, 0, or -errno; -ETIMEDOUT when
 * its timeout (0: none) expired first. */
struct fut_io {
	struct fut_hdr hdr;
	struct fut_op op;
	uint8_t kind;
	int32_t fd;
	uint32_t len;
	int32_t flags;
	void *buf;
	uint64_t off;
	uint64_t timeout_ns;
	struct __kernel_timespec ts;
};
extern struct fut_type fut_io_type;
void fut_nop_init(struct fut_io *io);
void fut_read_init(struct fut_io *io, int fd, void *buf, uint32_t len,
		   uint64_t off, uint64_t timeout_ns);
void fut_write_init(struct fut_io *io, int fd, const void *buf, uint32_t len,
		    uint64_t off, uint64_t timeout_ns);
void fut_recv_init(struct fut_io *io, int fd, void *buf, uint32_t len,
		   int flags, uint64_t timeout_ns);
void fut_send_init(struct fut_io *io, int fd, const void *buf, uint32_t len,
		   int flags, uint64_t timeout_ns);
void fut_accept_init(struct fut_io *io, int fd, uint64_t timeout_ns);
/* addr must stay valid until the future completes. */
void fut_connect_init(struct fut_io *io, int fd, const struct sockaddr *addr,
		      socklen_t addrlen, uint64_t timeout_ns);
void fut_close_init(struct fut_io *io, int fd);
void fut_shutdown_init(struct fut_io *io, int fd, int how);

/*
 * Acceptor: a listening socket's stream of connections, multishot accept
 * where the kernel has it.  EMFILE/ENFILE: backs off (1 ms doubling to 1 s)
 * and keeps serving.  Lives in a task's state; fut_acceptor_release in its
 * drop function and before the state ends.
 */
struct fut_acceptor {
	struct fut_op op;
	int32_t fd;
	int32_t err;		/* last error the stream stopped on */
	uint32_t qhead, qlen, qcap;
	int32_t *q;		/* accepted fds not yet taken */
	struct fut_timer backoff;
	uint32_t backoff_ms;
	uint8_t multishot;
	uint64_t accepted;
	uint64_t emfile;	/* EMFILE/ENFILE back-offs */
};
void fut_acceptor_init(struct fut_acceptor *a, int listen_fd);
/* Closes accepted fds not taken; never closes the listening fd. */
void fut_acceptor_release(struct fut_acceptor *a);
/* Await the next connection: an fd, or -errno other than EMFILE/ENFILE. */
struct fut_accept_next {
	struct fut_hdr hdr;
	struct fut_acceptor *a;
};
extern struct fut_type fut_accept_next_type;
void fut_accept_next_init(struct fut_accept_next *n, struct fut_acceptor *a);

/*
 * Receiver: a connected socket's stream of data, multishot recv into the
 * executor's provided buffer ring where the kernel has them; -ENOBUFS
 * re-arms once buffers come back.  The data of the last fut_recv_next is at
 * r->data / r->data_len until the next one or fut_recver_done.
 */
struct fut_recver {
	struct fut_op op;
	int32_t fd;
	uint8_t mode;
	uint8_t waiting_bufs;	/* on the buffer ring's wait list */
	uint16_t cur_buf;	/* 1 + the buffer id user code holds; 0 none,
				 * so a zeroed, never-started receiver holds none */
	struct fut_recver *next_waiter;
	uint32_t qhead, qlen, qcap;
	uint32_t qbufs;		/* ring buffers held by the queue */
	/* A completion not taken yet: in a ring buffer, or copied out. */
	struct fut_recv_ent { int32_t res; uint32_t cflags; char *copy; } *q;
	char *cur_copy;		/* the data user code holds, if copied */
	void *own_buf;		/* fallback mode without a buffer ring */
	const char *data;
	uint32_t data_len;
	uint32_t eof;
	uint32_t enobufs;	/* times the kernel found no buffer */
	uint8_t qcls;		/* the queue's slab class (in the padding) */
};
/* Ordered without holes: an idle fut-server connection holds one, and its
 * task must stay in the 320-byte slab class (asserted in
 * user/futsrv/conn.c). */
void fut_recver_init(struct fut_recver *r, int fd);
void fut_recver_done(struct fut_recver *r);	/* return the current buffer */
void fut_recver_release(struct fut_recver *r);	/* never closes fd */
/* Result: bytes (> 0) at r->data, 0 at EOF, or -errno. */
struct fut_recv_next {
	struct fut_hdr hdr;
	struct fut_recver *r;
	uint64_t timeout_ns;
	struct fut_timer t;
};
extern struct fut_type fut_recv_next_type;
void fut_recv_next_init(struct fut_recv_next *n, struct fut_recver *r,
			uint64_t timeout_ns);

/* --- several cores ----------------------------------------------------------*/

/* A TCP listener on addr:port (port 0: any; see getsockname), SO_REUSEPORT
 * when reuseport, non-blocking off.  fd or -errno. */
int fut_listen_tcp(const char *addr, uint16_t port, int backlog,
		   bool reuseport);

/* Runs n threads, each one executor: setup(ex, index, arg) spawns its
 * tasks, then the executor runs until it has none or fut_runtime_stop.
 * Returns once all are set up; NULL with errno when one could not be (its
 * cause: ENOMEM, EMFILE ...), the others stopped and joined. */
struct fut_runtime;
typedef void (*fut_setup_fn)(struct fut_exec *ex, unsigned int index,
			     void *arg);
struct fut_runtime *fut_runtime_start(unsigned int n,
				      const struct fut_exec_opts *opts,
				      fut_setup_fn setup, void *arg);
void fut_runtime_stop(struct fut_runtime *rt);	/* async-signal-safe */
/* Waits for every thread, frees rt; 0 or the first -errno. */
int fut_runtime_join(struct fut_runtime *rt);
/*
 * fut_runtime_join, bounded: true and *rc set when every thread returned
 * within timeout_ns (rt freed); false at the deadline, with rt and the
 * threads still running (a server then exits the process: a deadline it
 * promised must not wait on a task that computes without yielding).
 */
bool fut_runtime_join_within(struct fut_runtime *rt, uint64_t timeout_ns,
			     int *rc);

#endif
