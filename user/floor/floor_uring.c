// SPDX-License-Identifier: GPL-2.0
/*
 * floor-uring: the io_uring floor.  One thread and one ring: a multishot
 * accept, a multishot recv per connection into a ring of provided
 * buffers, and a send of the fixed response for every head that ends.
 * No futures, no tasks, no parser: the least a server on io_uring does
 * for a request, so that bench-http can price what fut-server adds.
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "floor.h"
#include "http/http_response.h"
#include "workload/workload.h"

#define PROG "floor-uring"
#define RING_ENTRIES 256
/* Provided buffers: a power of two; a read lands in one. */
#define BUF_COUNT 1024
#define BUF_SIZE 4096
#define BGID 1
/*
 * Owed answers at which a connection stops receiving, and below which it
 * starts again: a client that sends and never reads must not be read
 * forever (the kernel's buffers then push back on it).
 */
#define OWED_PAUSE (4 * FLOOR_BATCH)
#define OWED_RESUME FLOOR_BATCH

/* user_data: the fd above the kind, so a completion finds its connection. */
enum op { OP_ACCEPT, OP_RECV, OP_SEND, OP_STOP, OP_CANCEL };
#define UD(fd, op) (((uint64_t)(uint32_t)(fd) << 8) | (op))
#define UD_FD(ud) ((int)((ud) >> 8))
#define UD_OP(ud) ((enum op)((ud) & 0xff))

struct conn {
	uint32_t owed;		/* heads received, not yet answered */
	uint32_t send_len;	/* the send in flight; 0: none */
	uint32_t send_done;	/* its bytes already sent */
	unsigned int matched;	/* floor_count_heads' carry */
	bool open;
	bool recv_armed;	/* a multishot recv may still complete */
	bool paused;		/* its recv cancelled at OWED_PAUSE */
};

static struct io_uring ring;
static struct io_uring_buf_ring *bufs;
static char *buf_mem;
static struct conn *conns;
static struct server_opts opts;
static struct server_listener lis;
static uint64_t live, served;
static uint64_t stop_value;
static bool stopping;

static const struct server_cli cli = {
	.prog = PROG,
	.about =
"The io_uring floor: a multishot accept, multishot receives into provided\n"
"buffers, and one fixed response sent for every request head.\n",
	.examples =
"  " PROG " --port 0                      any free port (printed)\n"
"  " PROG " --port 8080 --max-conns 20000 --shutdown-timeout 500ms\n",
	.notes = FLOOR_CLI_NOTES,
	.parse_own = floor_no_own_option,
};

static struct io_uring_sqe *sqe_get(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	if (!sqe) {
		/* The SQ is full: hand it to the kernel and take a slot. */
		io_uring_submit(&ring);
		sqe = io_uring_get_sqe(&ring);
	}
	return sqe;
}

static void arm_accept(void)
{
	struct io_uring_sqe *sqe = sqe_get();

	io_uring_prep_multishot_accept(sqe, lis.listen_fd, NULL, NULL,
				       SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, UD(lis.listen_fd, OP_ACCEPT));
}

static void arm_recv(int fd)
{
	struct io_uring_sqe *sqe = sqe_get();

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, UD(fd, OP_RECV));
	conns[fd].recv_armed = true;
}

/*
 * The send in flight's rest, else at most FLOOR_BATCH owed responses in
 * one send.  One send at a time: a short send's rest goes out before
 * anything behind it.
 */
static void send_owed(int fd)
{
	struct conn *c = &conns[fd];
	uint32_t n = c->owed < FLOOR_BATCH ? c->owed : FLOOR_BATCH;
	struct io_uring_sqe *sqe;

	if (!c->send_len) {
		if (!n)
			return;
		c->owed -= n;
		served += n;
		c->send_len = n * floor_response_len;
		c->send_done = 0;
	}
	sqe = sqe_get();
	io_uring_prep_send(sqe, fd, floor_responses + c->send_done,
			   c->send_len - c->send_done, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, UD(fd, OP_SEND));
}

/* Closed once nothing of the kernel's can still complete for it. */
static void maybe_close(int fd)
{
	struct conn *c = &conns[fd];

	if (c->recv_armed || c->send_len)
		return;
	close(fd);
	c->open = false;
	live--;
}

/* Too much owed: the recv is cancelled (it ends with -ECANCELED). */
static void pause_recv(int fd)
{
	struct io_uring_sqe *sqe = sqe_get();

	conns[fd].paused = true;
	io_uring_prep_cancel64(sqe, UD(fd, OP_RECV), 0);
	io_uring_sqe_set_data64(sqe, UD(fd, OP_CANCEL));
}

/* Paused, its recv ended, and the answers owed down to OWED_RESUME. */
static void resume_recv(int fd)
{
	struct conn *c = &conns[fd];

	if (c->paused && !c->recv_armed && c->owed < OWED_RESUME && !stopping) {
		c->paused = false;
		arm_recv(fd);
	}
}

static void on_accept(int res, unsigned int flags)
{
	if (res >= 0) {
		if (stopping || live >= opts.max_conns ||
		    (uint64_t)res >= opts.nofile) {
			server_refuse(res, 503);
		} else {
			net_set_nodelay(res);
			conns[res] = (struct conn){ .open = true };
			live++;
			arm_recv(res);
		}
	}
	/* Ended (an error, or the kernel dropped it): again, unless stopping. */
	if (!(flags & IORING_CQE_F_MORE) && !stopping)
		arm_accept();
}

static void on_recv(int fd, int res, unsigned int flags)
{
	struct conn *c = &conns[fd];

	if (res > 0) {
		unsigned int bid = flags >> IORING_CQE_BUFFER_SHIFT;
		char *buf = buf_mem + (size_t)bid * BUF_SIZE;
		unsigned int heads = floor_count_heads(&c->matched, buf, res);

		io_uring_buf_ring_add(bufs, buf, BUF_SIZE, bid,
				      io_uring_buf_ring_mask(BUF_COUNT), 0);
		io_uring_buf_ring_advance(bufs, 1);
		if (!stopping && heads) {
			c->owed += heads;
			if (!c->send_len)
				send_owed(fd);
			if (c->owed >= OWED_PAUSE && !c->paused &&
			    (flags & IORING_CQE_F_MORE))
				pause_recv(fd);
		}
	}
	if (flags & IORING_CQE_F_MORE)
		return;
	c->recv_armed = false;
	/* Paused: armed again once the answers owed are sent. */
	if (c->paused && !stopping && (res > 0 || res == -ECANCELED ||
				       res == -ENOBUFS)) {
		resume_recv(fd);
		return;
	}
	/* Data, or no buffer free a moment ago: the connection goes on. */
	if (!stopping && (res > 0 || res == -ENOBUFS))
		arm_recv(fd);
	else
		maybe_close(fd);
}

static void on_send(int fd, int res)
{
	struct conn *c = &conns[fd];

	if (res < 0) {
		/* The peer is gone: its recv ends too, then it closes. */
		c->send_len = 0;
		c->owed = 0;
		shutdown(fd, SHUT_RDWR);
		maybe_close(fd);
		return;
	}
	c->send_done += res;
	if (c->send_done < c->send_len) {
		send_owed(fd);
		return;
	}
	c->send_len = 0;
	if (stopping) {
		maybe_close(fd);
		return;
	}
	send_owed(fd);
	resume_recv(fd);
}

/* Stop accepting; the send in flight finishes, nothing behind it. */
static void begin_stop(void)
{
	struct io_uring_sqe *sqe = sqe_get();

	stopping = true;
	io_uring_prep_cancel64(sqe, UD(lis.listen_fd, OP_ACCEPT), 0);
	io_uring_sqe_set_data64(sqe, UD(0, OP_CANCEL));
	for (uint64_t fd = 0; fd < opts.nofile; fd++) {
		if (!conns[fd].open)
			continue;
		conns[fd].owed = 0;
		/* Ends its recv with 0: closed after its send, if any. */
		shutdown(fd, SHUT_RD);
	}
}

static void on_cqe(const struct io_uring_cqe *cqe)
{
	int fd = UD_FD(cqe->user_data);

	switch (UD_OP(cqe->user_data)) {
	case OP_ACCEPT:
		on_accept(cqe->res, cqe->flags);
		break;
	case OP_RECV:
		on_recv(fd, cqe->res, cqe->flags);
		break;
	case OP_SEND:
		on_send(fd, cqe->res);
		break;
	case OP_STOP:
		begin_stop();
		break;
	case OP_CANCEL:
		break;
	}
}

static int setup_ring(void)
{
	/* As libfut's executors: the kernel runs our completions only when
	 * we wait, and one thread submits. */
	static const unsigned int tries[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	int ret = -EINVAL;

	for (unsigned int i = 0; i < 3 && ret == -EINVAL; i++) {
		struct io_uring_params p = {
			/* Multishot posts many completions per submission. */
			.flags = tries[i] | IORING_SETUP_CQSIZE,
			.cq_entries = RING_ENTRIES * 16,
		};

		ret = io_uring_queue_init_params(RING_ENTRIES, &ring, &p);
	}
	return ret;
}

/* liburing 2.3's way: our own mapping, registered as the ring. */
static int setup_bufs(void)
{
	struct io_uring_buf_reg reg = { .ring_entries = BUF_COUNT, .bgid = BGID };
	int ret;

	bufs = mmap(NULL, BUF_COUNT * sizeof(struct io_uring_buf),
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	buf_mem = mmap(NULL, (size_t)BUF_COUNT * BUF_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (bufs == MAP_FAILED || buf_mem == MAP_FAILED)
		return -ENOMEM;
	reg.ring_addr = (uint64_t)(uintptr_t)bufs;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret)
		return ret;
	io_uring_buf_ring_init(bufs);
	for (unsigned int i = 0; i < BUF_COUNT; i++)
		io_uring_buf_ring_add(bufs, buf_mem + (size_t)i * BUF_SIZE,
				      BUF_SIZE, i, io_uring_buf_ring_mask(BUF_COUNT),
				      i);
	io_uring_buf_ring_advance(bufs, BUF_COUNT);
	return 0;
}

static void *signal_thread(void *set)
{
	int sig;

	sigwait(set, &sig);
	server_stop_executors(&lis, sizeof(lis), 1);
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Until stopped and every connection closed, or the shutdown deadline:
 * the connections still open then. */
static uint64_t run(void)
{
	uint64_t deadline = 0;

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;
		int ret;

		if (stopping && !deadline)
			deadline = now_ns() + opts.shutdown_timeout_ns;
		if (stopping && !live)
			return 0;
		if (!stopping) {
			ret = io_uring_submit_and_wait(&ring, 1);
		} else {
			uint64_t now = now_ns(), left = deadline > now ? deadline - now : 0;
			struct __kernel_timespec ts = { .tv_sec = left / 1000000000,
							.tv_nsec = left % 1000000000 };

			if (!left)
				return live;
			ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
			if (ret == -ETIME)
				continue;
		}
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, PROG ": io_uring_enter: %s\n", strerror(-ret));
			return live;
		}
		io_uring_for_each_cqe(&ring, head, cqe) {
			on_cqe(cqe);
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
	}
}

int main(int argc, char **argv)
{
	pthread_t sig_thread;
	struct io_uring_sqe *sqe;
	sigset_t sigs;
	uint64_t cut;
	int ret;

	floor_init(&cli, argc, argv, &opts);
	/* One executor: the listener and the eventfd that stops it. */
	if (!server_listen(PROG, &opts, 1, &lis, sizeof(lis)))
		return 1;
	conns = calloc(opts.nofile, sizeof(*conns));
	if (!conns)
		return server_out_of_memory(PROG);
	ret = setup_ring();
	if (!ret)
		ret = setup_bufs();
	if (ret) {
		server_exec_start_failed(PROG, 1, -ret);
		return 1;
	}
	server_block_signals(&sigs, 0);
	pthread_create(&sig_thread, NULL, signal_thread, &sigs);

	arm_accept();
	sqe = sqe_get();
	io_uring_prep_read(sqe, lis.stop_fd, &stop_value, sizeof(stop_value), 0);
	io_uring_sqe_set_data64(sqe, UD(lis.stop_fd, OP_STOP));
	floor_print_listening(PROG, &opts, lis.listen_fd,
			      "io_uring, multishot accept and recv, one thread");

	cut = run();

	pthread_join(sig_thread, NULL);
	/* The ring first: no completion may write into what is unmapped. */
	io_uring_queue_exit(&ring);
	munmap(buf_mem, (size_t)BUF_COUNT * BUF_SIZE);
	munmap(bufs, BUF_COUNT * sizeof(struct io_uring_buf));
	for (uint64_t fd = 0; fd < opts.nofile; fd++)
		if (conns[fd].open)
			close(fd);
	free(conns);
	close(lis.listen_fd);
	server_close_stop_fds(&lis, sizeof(lis), 1);
	server_print_stopped(PROG, served, cut, false);
	return 0;
}
