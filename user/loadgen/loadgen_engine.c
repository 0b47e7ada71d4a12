// SPDX-License-Identifier: GPL-2.0
/*
 * The loadgen engine: each connection is a small state machine stepped by
 * the CQEs of one io_uring.  A busy connection has a send and the recv
 * for its answer in flight; a ready one has nothing (or, in --idle mode
 * without --idle-batches, a recv that notices the server closing it).
 * Errors on a busy connection shut its socket down, so that its pending
 * recv completes and one path cleans up: no buffer is reused while the
 * kernel may write it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "http/http_response_parse.h"
#include "loadgen.h"

#define SQ_ENTRIES 4096
#define RESP_BUF 512
#define CONNECT_WINDOW 256	/* connects in flight: stay under the backlog */
#define BACKLOG_MAX (1U << 20)	/* open-loop sends waiting for a connection */

#define REQ(path) "GET " path " HTTP/1.1\r\nHost: loadgen\r\n\r\n"
static const char req_root[] = REQ("/");
static const char req_heavy[] = REQ("/heavy");

enum op { OP_CONNECT = 1, OP_SEND, OP_RECV, OP_TICK, OP_CANCEL };

enum conn_state { CS_NEW, CS_CONNECTING, CS_READY, CS_BUSY, CS_CLOSED };

struct conn {
	int fd;
	enum conn_state state;
	bool heavy;
	bool took_heavy;	/* --idle: sent GET /heavy at least once */
	bool head_done;
	bool answered;		/* --idle: its requests are done */
	uint32_t served;	/* --idle: responses so far */
	bool watching;		/* --idle: a recv waits for the server to close */
	bool warm;		/* the request in flight is a warm-up one */
	bool first_connect_over;	/* open, or failed: it has tried once */
	bool whole;		/* open through the whole measured phase so far */
	uint32_t measured;	/* measured responses on it */
	int failed;		/* error kind + 1 while shutting down */
	uint16_t len;		/* bytes in buf */
	uint64_t body_left;
	uint64_t started_ns;	/* request start (open loop: when it was due) */
	uint64_t rng;		/* its heavy/root choices (conn_seed) */
	char buf[RESP_BUF];
};

struct engine {
	const struct loadgen_config *cfg;
	struct loadgen_stats *st;
	struct io_uring ring;
	struct conn *conns;
	struct sockaddr_in dest;
	bool spread_sources;
	uint32_t conns_per_source;

	/*
	 * When each connection's connect or request began, 0 while it has
	 * none: the timeout scan reads 8 bytes a connection, not its struct.
	 */
	uint64_t *busy_since;
	uint32_t *to_connect, connect_head, connect_count;
	uint32_t *ready, ready_head, ready_count;	/* FIFO: least recently used first */
	uint32_t connecting, open_now, settled;
	uint32_t first_connects_over;	/* connections past their first connect */

	uint64_t *backlog, backlog_head, backlog_count;
	uint64_t backlog_measured;	/* of those, due in the measured phase */
	uint64_t scheduled;	/* open loop: intended sends so far */
	uint64_t measured_scheduled;
	bool schedule_done;	/* open loop: the measured phase is all due */
	uint64_t in_flight, in_flight_measured;

	/*
	 * The phases: connect until every connection has tried once; then
	 * load_start_ns, the warm-up until measure_start_ns, the measured
	 * phase until stop_ns (--duration) or -n measured requests, over
	 * once the last measured answer is in.  Before: 0 and UINT64_MAX.
	 */
	uint64_t load_start_ns, measure_start_ns;
	bool measuring, measure_done;
	bool cpu_ok;
	uint64_t cpu_start;
	uint64_t start_ns, stop_ns, first_send_ns, last_done_ns;
	uint64_t next_progress_ns, next_timeout_scan_ns;
	struct __kernel_timespec tick;	/* when the pending tick fires */
	uint64_t tick_ns;		/* the tick's period */
	bool announced;		/* --idle: said once settled (each batch's) */
	bool fd_warned;

	/* --idle-batches: batches opened, SIGUSR1s taken (opened or ignored). */
	uint32_t batches_open;
	sig_atomic_t batch_signals_taken;
	sigset_t wait_mask;	/* --idle: the signals are unblocked in the wait only */
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t batch_signals;	/* SIGUSR1s so far */

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		batch_signals++;
	else
		stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t encode(uint32_t index, enum op op)
{
	return (uint64_t)index << 8 | op;
}

/* Each connection slot draws its heavy/root choices from a stream of its
 * own, seeded from --seed and its index (splitmix64), so that which
 * requests of which connection are heavy does not depend on the order in
 * which the connections happen to run: two runs send the same mix, and
 * after K requests each the same connections have taken GET /heavy. */
static uint64_t conn_seed(uint64_t seed, uint32_t i)
{
	uint64_t z = seed + (i + 1ULL) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;	/* xorshift's state must not be 0 */
}

/* xorshift64*: one draw in [0, 1) from a connection's stream. */
static double uniform(uint64_t *rng)
{
	*rng ^= *rng >> 12;
	*rng ^= *rng << 25;
	*rng ^= *rng >> 27;
	return (*rng * 0x2545f4914f6cdd1dULL >> 11) * 0x1.0p-53;
}

static struct io_uring_sqe *sqe_get(struct engine *e)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);

	if (!sqe) {
		io_uring_submit(&e->ring);
		sqe = io_uring_get_sqe(&e->ring);
	}
	return sqe;
}

/*
 * Whether more requests may go out, now or later: always before and in
 * the warm-up; in the measured phase until --duration is over or -n
 * measured requests went out.  The open loop's schedule says for it.
 */
static bool may_send(struct engine *e, uint64_t now)
{
	const struct loadgen_config *cfg = e->cfg;

	if (stop_requested || cfg->hold)
		return false;
	if (cfg->rate > 0)
		return !e->schedule_done;
	if (now < e->measure_start_ns)
		return true;
	if (cfg->requests)
		return e->st->sent < cfg->requests;
	return now < e->stop_ns;
}

int loadgen_cpu_ticks(int pid, uint64_t *ticks)
{
	char path[64], line[1024], *p;
	unsigned long long utime, stime;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	if (p)
		p = strrchr(line, ')');
	/* Past ')': state (field 3) ... cmajflt (13), then utime and stime. */
	n = p ? sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		       &utime, &stime) : 0;
	if (n != 2) {
		errno = EINVAL;
		return -EINVAL;
	}
	*ticks = utime + stime;
	return 0;
}

/* The measured phase begins: who is open now, the server's CPU so far. */
static void begin_measure(struct engine *e)
{
	e->measuring = true;
	for (uint32_t i = 0; i < e->cfg->connections; i++)
		e->conns[i].whole = e->conns[i].state == CS_READY ||
				    e->conns[i].state == CS_BUSY;
	if (e->cfg->server_pid) {
		e->cpu_ok = loadgen_cpu_ticks(e->cfg->server_pid, &e->cpu_start) == 0;
		if (!e->cpu_ok)
			fprintf(stderr, "loadgen: --server-pid %d: /proc/%d/stat: %s\n",
				e->cfg->server_pid, e->cfg->server_pid, strerror(errno));
	}
}

/* The last measured answer is in (or the run ends): the second read. */
static void end_measure(struct engine *e)
{
	uint64_t ticks;

	e->measure_done = true;
	if (!e->cfg->server_pid || !e->cpu_ok)
		return;
	if (loadgen_cpu_ticks(e->cfg->server_pid, &ticks) < 0) {
		fprintf(stderr, "loadgen: --server-pid %d: /proc/%d/stat: %s (did the server exit?)\n",
			e->cfg->server_pid, e->cfg->server_pid, strerror(errno));
		return;
	}
	e->st->server_cpu_valid = true;
	e->st->server_cpu_s = (double)(ticks - e->cpu_start) / sysconf(_SC_CLK_TCK);
}

static void post_recv(struct engine *e, uint32_t i)
{
	struct conn *c = &e->conns[i];
	size_t room = RESP_BUF - c->len;
	struct io_uring_sqe *sqe = sqe_get(e);

	if (c->head_done && c->body_left < room)
		room = c->body_left;
	io_uring_prep_recv(sqe, c->fd, c->buf + c->len, room, 0);
	io_uring_sqe_set_data64(sqe, encode(i, OP_RECV));
}

static void send_request(struct engine *e, uint32_t i, uint64_t intended_ns)
{
	struct conn *c = &e->conns[i];
	struct io_uring_sqe *sqe = sqe_get(e);
	const char *req;

	c->heavy = uniform(&c->rng) < e->cfg->heavy_ratio;
	c->took_heavy |= c->heavy;
	req = c->heavy ? req_heavy : req_root;
	io_uring_prep_send(sqe, c->fd, req, strlen(req), MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, encode(i, OP_SEND));
	c->state = CS_BUSY;
	c->len = 0;
	c->head_done = false;
	c->started_ns = intended_ns;
	e->busy_since[i] = intended_ns;
	post_recv(e, i);

	e->in_flight++;
	/* A request is of the phase it was due in, whenever it goes out. */
	c->warm = intended_ns < e->measure_start_ns;
	if (c->warm) {
		e->st->warmup_sent++;
		return;
	}
	if (!e->measuring)
		begin_measure(e);
	e->st->sent++;
	e->st->heavy_sent += c->heavy;
	e->in_flight_measured++;
	if (!e->first_send_ns)
		e->first_send_ns = now_ns();
}

/*
 * Ready connections (open, nothing in flight) queue FIFO, so that the least recently used one takes
 * the next request: every connection carries load, the server sees each
 * one in its coldest state, and a connection it starves shows.  (A stack
 * would hand a few hot connections all of the work.)  A connection is
 * queued at most once: n slots.
 */
static void ready_push(struct engine *e, uint32_t i)
{
	e->ready[(e->ready_head + e->ready_count++) % e->cfg->connections] = i;
}

static uint32_t ready_pop(struct engine *e)
{
	uint32_t i = e->ready[e->ready_head];

	e->ready_head = (e->ready_head + 1) % e->cfg->connections;
	e->ready_count--;
	return i;
}

/* A connection with nothing to do: give it work, or park it. */
static void became_ready(struct engine *e, uint32_t i)
{
	struct conn *c = &e->conns[i];
	uint64_t now = now_ns();

	c->state = CS_READY;
	e->busy_since[i] = 0;
	if (e->cfg->hold) {
		if (!c->answered) {
			send_request(e, i, now);
			return;
		}
		if (e->cfg->hold_batches)
			return;		/* nothing posted: reap_closed() */
		c->watching = true;
		c->head_done = false;
		c->len = 0;
		post_recv(e, i);
		return;
	}
	if (!e->load_start_ns) {
		/* Connect phase: the load starts when every connection has tried. */
		ready_push(e, i);
		return;
	}
	if (e->cfg->rate > 0 && e->backlog_count) {
		uint64_t intended = e->backlog[e->backlog_head];

		e->backlog_head = (e->backlog_head + 1) % BACKLOG_MAX;
		e->backlog_count--;
		e->backlog_measured -= intended >= e->measure_start_ns;
		send_request(e, i, intended);
		return;
	}
	if (e->cfg->rate <= 0 && may_send(e, now)) {
		send_request(e, i, now);
		return;
	}
	ready_push(e, i);
}

/* A connection's first connect is over, either way. */
static void count_first_connect(struct engine *e, struct conn *c)
{
	if (!c->first_connect_over) {
		c->first_connect_over = true;
		e->first_connects_over++;
	}
}

static void start_connects(struct engine *e)
{
	while (e->connecting < CONNECT_WINDOW && e->connect_count &&
	       !stop_requested) {
		uint32_t i = e->to_connect[e->connect_head];
		struct conn *c = &e->conns[i];
		struct io_uring_sqe *sqe;

		e->connect_head = (e->connect_head + 1) % e->cfg->connections;
		e->connect_count--;
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			if (!e->fd_warned)
				fprintf(stderr,
					"loadgen: socket: %s (raise ulimit -n above --connections)\n",
					strerror(errno));
			e->fd_warned = true;
			e->st->errors[ERR_CONNECT]++;
			c->state = CS_CLOSED;
			e->settled++;
			count_first_connect(e, c);
			continue;
		}
		if (e->spread_sources) {
			/* 127.0.0.x sources: 20k connections each, port at connect. */
			struct sockaddr_in src = { .sin_family = AF_INET };
			int one = 1;

			src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + i / e->conns_per_source);
			setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
				   &one, sizeof(one));
			bind(c->fd, (struct sockaddr *)&src, sizeof(src));
		}
		net_set_nodelay(c->fd);
		sqe = sqe_get(e);
		io_uring_prep_connect(sqe, c->fd, (struct sockaddr *)&e->dest,
				      sizeof(e->dest));
		io_uring_sqe_set_data64(sqe, encode(i, OP_CONNECT));
		c->state = CS_CONNECTING;
		e->busy_since[i] = now_ns();
		e->connecting++;
	}
}

/* Close a connection; in load modes, connect it again. */
static void drop(struct engine *e, uint32_t i)
{
	struct conn *c = &e->conns[i];
	bool was_open = c->state == CS_READY || c->state == CS_BUSY;

	close(c->fd);
	c->fd = -1;
	c->failed = 0;
	c->watching = false;
	c->state = CS_CLOSED;
	e->busy_since[i] = 0;
	if (was_open)
		e->open_now--;
	if (!e->measure_done)
		c->whole = false;
	if (e->cfg->hold || !may_send(e, now_ns())) {
		e->settled += !c->answered;
		c->answered = true;
		return;
	}
	c->state = CS_NEW;
	e->to_connect[(e->connect_head + e->connect_count) % e->cfg->connections] = i;
	e->connect_count++;
	e->st->reconnects++;
}

static void fail_busy(struct engine *e, uint32_t i, enum loadgen_error kind)
{
	struct conn *c = &e->conns[i];

	if (c->state == CS_BUSY && c->warm)
		e->st->warmup_errors++;
	else
		e->st->errors[kind]++;
	if (c->state == CS_BUSY) {
		e->in_flight--;
		e->in_flight_measured -= !c->warm;
		if (e->cfg->hold && !c->answered) {
			c->answered = true;
			e->settled++;
		}
	}
	drop(e, i);
}

static void on_connect(struct engine *e, uint32_t i, int res)
{
	struct conn *c = &e->conns[i];

	e->connecting--;
	count_first_connect(e, c);
	if (res < 0) {
		e->st->errors[ERR_CONNECT]++;
		e->st->connect_errno = -res;
		close(c->fd);
		c->fd = -1;
		c->state = CS_CLOSED;
		e->busy_since[i] = 0;
		/* A refused or timed-out connect is not retried. */
		if (!c->answered) {
			c->answered = true;
			e->settled++;
		}
		return;
	}
	e->st->connects++;
	if (++e->open_now > e->st->peak_open)
		e->st->peak_open = e->open_now;
	/* --idle (hold mode) measures from the start: every first connection counts. */
	if (e->cfg->hold)
		c->whole = true;
	became_ready(e, i);
}

static void complete(struct engine *e, uint32_t i, bool server_closes)
{
	struct conn *c = &e->conns[i];
	uint64_t now = now_ns();

	e->in_flight--;
	if (c->warm) {
		e->st->warmup_responses++;
	} else {
		hist_record(&e->st->latency,
			    now > c->started_ns ? now - c->started_ns : 0);
		e->st->responses++;
		e->in_flight_measured--;
		e->last_done_ns = now;
		c->measured++;
	}
	if (e->cfg->hold && !c->answered &&
	    ++c->served >= (e->cfg->hold_requests ? e->cfg->hold_requests : 1)) {
		c->answered = true;
		e->settled++;
	}
	if (server_closes)
		drop(e, i);
	else
		became_ready(e, i);
}

static void on_recv(struct engine *e, uint32_t i, int res)
{
	struct conn *c = &e->conns[i];
	struct http_response_head head;
	ssize_t head_len;

	if (c->failed) {
		fail_busy(e, i, c->failed - 1);
		return;
	}
	if (c->watching) {
		/* Anything on a held connection means the server is closing it. */
		e->st->errors[ERR_CLOSED]++;
		drop(e, i);
		return;
	}
	if (res <= 0) {
		fail_busy(e, i, res == 0 ? ERR_CLOSED : ERR_RECV);
		return;
	}
	if (!c->warm)
		e->st->bytes_received += res;
	if (c->head_done) {
		c->body_left -= res;
		if (!c->body_left)
			complete(e, i, false);
		else
			post_recv(e, i);
		return;
	}
	c->len += res;
	head_len = http_parse_response_head(c->buf, c->len, &head);
	if (head_len < 0 || (head_len == 0 && c->len == RESP_BUF) ||
	    (head_len > 0 && c->len - (size_t)head_len > head.body_len)) {
		fail_busy(e, i, ERR_PARSE);
		return;
	}
	if (head_len == 0) {
		post_recv(e, i);
		return;
	}
	if (!c->warm)
		e->st->status_class[head.status < 600 ? head.status / 100 : 0]++;
	c->head_done = true;
	c->body_left = head.body_len - (c->len - head_len);
	c->len = 0;
	if (!c->body_left)
		complete(e, i, head.closes);
	else
		post_recv(e, i);
}

static void on_send(struct engine *e, uint32_t i, int res)
{
	struct conn *c = &e->conns[i];
	size_t want = strlen(c->heavy ? req_heavy : req_root);

	if (res != (int)want && !c->failed) {
		/* The recv still pending completes once the socket is shut. */
		c->failed = ERR_SEND + 1;
		shutdown(c->fd, SHUT_RDWR);
	}
}

/* Open loop: when the next request (the scheduled-th) is due. */
static uint64_t next_due_ns(const struct engine *e)
{
	return e->load_start_ns + (uint64_t)(e->scheduled * 1e9 / e->cfg->rate);
}

/*
 * Open loop: request k is due at load_start_ns + k / rate.  The clock
 * starts once every connection has tried, so that no request waits for
 * connection setup; those due before measure_start_ns are the warm-up's,
 * then those due before stop_ns (or the first -n) are measured.
 */
static void schedule_open_loop(struct engine *e, uint64_t now)
{
	const struct loadgen_config *cfg = e->cfg;

	if (!e->load_start_ns)
		return;
	while (!e->schedule_done && !stop_requested) {
		uint64_t intended = next_due_ns(e);
		bool measured = intended >= e->measure_start_ns;

		if (measured && !cfg->requests && intended >= e->stop_ns) {
			e->schedule_done = true;
			break;
		}
		if (intended > now)
			break;
		e->scheduled++;
		e->measured_scheduled += measured;
		if (cfg->requests && e->measured_scheduled >= cfg->requests)
			e->schedule_done = true;
		if (e->ready_count) {
			send_request(e, ready_pop(e), intended);
		} else if (e->backlog_count < BACKLOG_MAX) {
			e->backlog[(e->backlog_head + e->backlog_count) % BACKLOG_MAX] =
				intended;
			e->backlog_count++;
			e->backlog_measured += measured;
		} else if (measured) {
			/* Overloaded past a million queued sends: lost. */
			e->st->errors[ERR_TIMEOUT]++;
		} else {
			e->st->warmup_errors++;
		}
	}
}

/*
 * Every connection has tried: the load starts, warm-up first.  Closed
 * loop: each open connection sends, in the order they opened.
 */
static void start_load(struct engine *e, uint64_t now)
{
	const struct loadgen_config *cfg = e->cfg;

	e->load_start_ns = now;
	/* Rounded: 0.3 s is 300000000 ns, not one less. */
	e->measure_start_ns = now + (uint64_t)(cfg->warmup_s * 1e9 + 0.5);
	e->stop_ns = e->measure_start_ns + (uint64_t)(cfg->duration_s * 1e9 + 0.5);
	if (cfg->rate > 0) {
		schedule_open_loop(e, now);
		return;
	}
	while (e->ready_count && may_send(e, now))
		send_request(e, ready_pop(e), now);
}

static void check_phase(struct engine *e, uint64_t now)
{
	const struct loadgen_config *cfg = e->cfg;

	if (e->first_connects_over < cfg->connections)
		return;
	if (!e->st->connect_s)
		e->st->connect_s = (now - e->start_ns) / 1e9 ?: 1e-9;
	if (cfg->hold)
		return;		/* measured from start to end */
	if (!e->load_start_ns) {
		if (stop_requested)
			return;
		start_load(e, now);
	}
	if (!e->measuring && now >= e->measure_start_ns)
		begin_measure(e);
	if (e->measuring && !e->measure_done && !may_send(e, now) &&
	    !e->in_flight_measured && !e->backlog_measured)
		end_measure(e);
}

static void scan_timeouts(struct engine *e, uint64_t now)
{
	uint64_t limit = e->cfg->timeout_s * 1000000000ULL;

	for (uint32_t i = 0; i < e->cfg->connections; i++) {
		struct conn *c;
		struct io_uring_sqe *sqe;

		if (!e->busy_since[i] || now - e->busy_since[i] < limit)
			continue;
		c = &e->conns[i];
		if (c->failed)
			continue;
		if (c->state == CS_BUSY) {
			c->failed = ERR_TIMEOUT + 1;
			shutdown(c->fd, SHUT_RDWR);
		} else if (c->state == CS_CONNECTING) {
			sqe = sqe_get(e);
			io_uring_prep_cancel64(sqe, encode(i, OP_CONNECT), 0);
			io_uring_sqe_set_data64(sqe, encode(i, OP_CANCEL));
			e->busy_since[i] = now;
		}
	}
}

static void progress(struct engine *e, uint64_t now)
{
	bool warm = e->load_start_ns && now < e->measure_start_ns;

	fprintf(stderr, "loadgen: %.0f s: %s%u open, %llu sent, %llu answered, %llu errors\n",
		(now - e->start_ns) / 1e9,
		e->cfg->hold ? "" : !e->load_start_ns ? "connecting, " :
		warm ? "warm-up, " : "",
		e->open_now,
		(unsigned long long)(warm ? e->st->warmup_sent : e->st->sent),
		(unsigned long long)(warm ? e->st->warmup_responses : e->st->responses),
		(unsigned long long)(e->st->errors[ERR_CONNECT] + e->st->errors[ERR_SEND] +
				     e->st->errors[ERR_RECV] + e->st->errors[ERR_CLOSED] +
				     e->st->errors[ERR_PARSE] + e->st->errors[ERR_TIMEOUT]));
}

static uint32_t took_heavy(const struct engine *e)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < e->cfg->connections; i++)
		n += e->conns[i].state != CS_CLOSED && e->conns[i].took_heavy;
	return n;
}

/* --idle: the connections opened so far have all settled. */
static void announce(struct engine *e)
{
	/* Scripts wait for this line before measuring. */
	fprintf(stderr, "loadgen: idle: %u connections open\n", e->open_now);
	/* The memory a server keeps depends on it (paired). */
	if (!e->cfg->hold_batches || e->batches_open)
		fprintf(stderr, "loadgen: idle: %u took GET /heavy at least once\n",
			took_heavy(e));
	e->announced = true;
}

/*
 * --idle-batches: whether the server closed a held connection, asked of
 * each socket without waiting, before each announcement and at exit.
 * No request stays posted on a held connection, unlike the watching
 * recv of plain --idle: on Linux 6.x a pending recv holds an io_kiocb
 * and kmalloc'd poll and async msghdr objects (kmalloc-96, -512) for
 * each connection, and experiments/paired would count those in the
 * server's kernel objects per connection.  Data (a 408), end
 * of file and an error alike mean the server is closing it.
 */
static void reap_closed(struct engine *e)
{
	char byte;

	for (uint32_t i = 0; i < e->cfg->connections; i++) {
		if (e->conns[i].state != CS_READY)
			continue;
		if (recv(e->conns[i].fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		e->st->errors[ERR_CLOSED]++;
		drop(e, i);
	}
}

/* --idle-batches: connections in batches 1..b, N * b / S (as paired splits). */
static uint32_t batch_end(const struct engine *e, uint32_t b)
{
	return (uint64_t)e->cfg->connections * b / e->cfg->hold_batches;
}

/*
 * --idle-batches: once the batch opening has settled, announce it; then
 * a SIGUSR1 not yet taken opens the next batch.  Signals that came while
 * a batch was opening wait their turn; past the last batch they are
 * ignored.
 */
static void step_batches(struct engine *e)
{
	uint32_t from = batch_end(e, e->batches_open);

	if (e->settled < from)
		return;
	if (!e->announced) {
		reap_closed(e);
		announce(e);
	}
	if (stop_requested || e->batch_signals_taken == batch_signals)
		return;
	if (e->batches_open == e->cfg->hold_batches) {
		e->batch_signals_taken = batch_signals;
		return;
	}
	e->batch_signals_taken++;
	e->batches_open++;
	/* to_connect holds 0..N-1 in order: the batch is its next slice. */
	e->connect_count += batch_end(e, e->batches_open) - from;
	e->announced = false;
}

static bool finished(struct engine *e, uint64_t now)
{
	if (stop_requested)
		return true;
	if (e->cfg->hold_batches) {
		if (e->cfg->duration_s)
			return e->announced && now >= e->stop_ns;
		return e->announced && e->batches_open == e->cfg->hold_batches &&
		       !e->open_now;
	}
	if (e->cfg->hold) {
		if (!e->announced && e->settled == e->cfg->connections)
			announce(e);
		if (e->cfg->duration_s)
			return e->announced && now >= e->stop_ns;
		return e->settled == e->cfg->connections && !e->open_now;
	}
	if (!e->open_now && !e->connecting && !e->connect_count)
		return true;	/* nothing left that could make progress */
	return !may_send(e, now) && !e->in_flight && !e->backlog_count;
}

/*
 * One timeout in flight, absolute: a period from now or, in open loop,
 * when the next request is due if sooner.  Latency counts from when a
 * request was due, so a request held until a 1 ms tick would be charged
 * up to 1 ms of loadgen's own lag.
 */
static void arm_tick(struct engine *e)
{
	struct io_uring_sqe *sqe = sqe_get(e);
	uint64_t at = now_ns() + e->tick_ns;

	if (e->cfg->rate > 0 && e->load_start_ns && !e->schedule_done &&
	    next_due_ns(e) < at)
		at = next_due_ns(e);
	e->tick.tv_sec = at / 1000000000ULL;
	e->tick.tv_nsec = at % 1000000000ULL;
	io_uring_prep_timeout(sqe, &e->tick, 0, IORING_TIMEOUT_ABS);
	io_uring_sqe_set_data64(sqe, encode(0, OP_TICK));
}

static void on_tick(struct engine *e)
{
	uint64_t now = now_ns();

	if (e->cfg->rate > 0)
		schedule_open_loop(e, now);
	if (now >= e->next_timeout_scan_ns) {
		scan_timeouts(e, now);
		/* Timeouts are whole seconds: a scan a second is enough. */
		e->next_timeout_scan_ns = now + 1000000000ULL;
	}
	if (e->cfg->progress && now >= e->next_progress_ns) {
		progress(e, now);
		e->next_progress_ns = now + 1000000000ULL;
	}
	arm_tick(e);
}

/*
 * Connections one loopback source address should carry: connect() picks
 * ports of one parity first, half of ip_local_port_range, and its search
 * slows down sharply as that half fills; stay at half of the half.
 */
static uint32_t conns_per_source(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned int lo = 32768, hi = 60999;

	if (f) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2 || hi <= lo)
			lo = 32768, hi = 60999;
		fclose(f);
	}
	return (hi - lo + 1) / 4 > 1000 ? (hi - lo + 1) / 4 : 1000;
}

/*
 * --idle-batches: the fd table sized for every socket before the first
 * batch, by a descriptor at the top of the range RLIMIT_NOFILE was raised
 * to.  The kernel's table only grows, and it would otherwise grow (a
 * kmalloc'd, doubled array) within some batch: a client allocation in
 * experiments/paired's per-connection slope.
 */
static void grow_fd_table(struct engine *e)
{
	int top = e->cfg->connections + LOADGEN_SPARE_FDS - 1;

	if (fcntl(top, F_GETFD) >= 0)
		return;		/* inherited, open: the table holds it already */
	if (dup2(e->ring.ring_fd, top) < 0) {
		fprintf(stderr, "loadgen: warning: dup2 onto fd %d: %s: the fd table grows as batches open\n",
			top, strerror(errno));
		return;
	}
	close(top);
}

static int engine_init(struct engine *e, const struct loadgen_config *cfg,
		       struct loadgen_stats *st)
{
	struct io_uring_params params;
	uint32_t n = cfg->connections;
	int ret;

	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->st = st;
	e->dest.sin_family = AF_INET;
	e->dest.sin_port = htons(cfg->port);
	if (inet_pton(AF_INET, cfg->addr, &e->dest.sin_addr) != 1) {
		fprintf(stderr, "loadgen: --addr '%s' is not an IPv4 address\n", cfg->addr);
		return -EINVAL;
	}
	e->conns_per_source = conns_per_source();
	e->spread_sources = n > e->conns_per_source &&
			    (ntohl(e->dest.sin_addr.s_addr) >> 24) == 127;
	e->tick_ns = cfg->rate > 0 ? 1000000 : 10000000;

	e->conns = calloc(n, sizeof(*e->conns));
	e->busy_since = calloc(n, sizeof(*e->busy_since));
	e->to_connect = calloc(n, sizeof(*e->to_connect));
	e->ready = calloc(n, sizeof(*e->ready));
	e->backlog = cfg->rate > 0 ? calloc(BACKLOG_MAX, sizeof(*e->backlog)) : NULL;
	if (!e->conns || !e->busy_since || !e->to_connect || !e->ready ||
	    (cfg->rate > 0 && !e->backlog)) {
		fprintf(stderr, "loadgen: out of memory for %u connections\n", n);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		e->conns[i].fd = -1;
		e->conns[i].rng = conn_seed(cfg->seed ? cfg->seed : 0x5eed, i);
		e->to_connect[i] = i;
	}
	/* --idle-batches: none until the first SIGUSR1 (step_batches). */
	e->connect_count = cfg->hold_batches ? 0 : n;

	/*
	 * A send and a recv per connection may complete at once; the kernel
	 * wants the CQ at least as large as the SQ, and CLAMP caps it.
	 */
	/*
	 * Completions run only when loadgen asks for them (one thread owns
	 * the ring): no task work nor wake-up per completion, so the client
	 * costs less a request and the server, not loadgen, is the ceiling
	 * more often.  Kernels before 6.1 take the plain ring.
	 */
	for (unsigned int i = 0; i < 2; i++) {
		memset(&params, 0, sizeof(params));
		params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
			       (i ? 0 : IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
		params.cq_entries = 2 * n + 64 > 2 * SQ_ENTRIES ? 2 * n + 64 : 2 * SQ_ENTRIES;
		ret = io_uring_queue_init_params(SQ_ENTRIES, &e->ring, &params);
		if (ret != -EINVAL)
			break;
	}
	if (ret < 0) {
		fprintf(stderr, "loadgen: io_uring_queue_init: %s%s\n", strerror(-ret),
			ret == -ENOMEM ? " (RLIMIT_MEMLOCK too low on this kernel?)" :
			ret == -EPERM ? " (io_uring disabled: sysctl kernel.io_uring_disabled)" : "");
		return ret;
	}
	hist_init(&st->latency);
	if (cfg->hold_batches)
		grow_fd_table(e);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Fairness: measured responses per connection, over the connections open
 * through the whole measured phase (one closed and reopened in it would
 * count two connections' work, or part of one).
 */
static void per_conn_figures(struct engine *e)
{
	struct loadgen_stats *st = e->st;
	uint32_t *counts = e->to_connect;	/* free now: reused */
	uint32_t n = 0;

	for (uint32_t i = 0; i < e->cfg->connections; i++)
		if (e->conns[i].whole)
			counts[n++] = e->conns[i].measured;
	st->per_conn_n = n;
	if (!n)
		return;
	qsort(counts, n, sizeof(*counts), cmp_u32);
	st->per_conn_min = counts[0];
	st->per_conn_median = counts[(n - 1) / 2];
	st->per_conn_max = counts[n - 1];
}

static void engine_exit(struct engine *e)
{
	/* Tearing the ring down first: no op can touch a buffer after this. */
	io_uring_queue_exit(&e->ring);
	for (uint32_t i = 0; i < e->cfg->connections; i++)
		if (e->conns[i].fd >= 0)
			close(e->conns[i].fd);
	free(e->conns);
	free(e->busy_since);
	free(e->to_connect);
	free(e->ready);
	free(e->backlog);
}

/*
 * Submits, then waits for a completion.  --idle: its signals are blocked
 * but in the wait, which unblocks them atomically (as pselect does), so
 * one sent while loadgen is busy ends the next wait at once (-EINTR):
 * no SIGUSR1 waits for the tick.  The submit is a call of its own: an
 * enter that submits returns the count submitted, not -EINTR.  A load
 * keeps one enter a round, SIGINT unblocked: it only stops the run.
 */
static int wait_completion(struct engine *e)
{
	struct io_uring_cqe *cqe;
	int ret;

	if (!e->cfg->hold)
		return io_uring_submit_and_wait(&e->ring, 1);
	ret = io_uring_submit(&e->ring);
	if (ret < 0)
		return ret;
	return io_uring_wait_cqes(&e->ring, &cqe, 1, NULL, &e->wait_mask);
}

int loadgen_run(const struct loadgen_config *cfg, struct loadgen_stats *st)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct engine *e = malloc(sizeof(*e));
	sigset_t hold_signals, old_mask;
	uint64_t now;
	int ret;

	if (!e)
		return -ENOMEM;
	/* --idle: blocked from here; --idle-batches: SIGUSR1 before any batch. */
	sigemptyset(&hold_signals);
	if (cfg->hold) {
		sigaddset(&hold_signals, SIGINT);
		sigaddset(&hold_signals, SIGTERM);
		if (cfg->hold_batches)
			sigaddset(&hold_signals, SIGUSR1);
	}
	sigprocmask(SIG_BLOCK, &hold_signals, &old_mask);
	memset(st, 0, sizeof(*st));
	ret = engine_init(e, cfg, st);
	if (ret < 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		free(e);
		return ret;
	}
	e->wait_mask = old_mask;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&hold_signals, sig) == 1)
			sigdelset(&e->wait_mask, sig);
	/* No SA_RESTART: a signal interrupts the wait below. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cfg->hold_batches)
		sigaction(SIGUSR1, &sa, NULL);

	e->start_ns = now_ns();
	e->next_progress_ns = e->start_ns + 1000000000ULL;
	if (cfg->hold) {
		/* No phases: sends go out as connections open, all measured. */
		e->measure_start_ns = 0;
		e->stop_ns = e->start_ns + (uint64_t)(cfg->duration_s * 1e9);
		begin_measure(e);
	} else {
		e->measure_start_ns = e->stop_ns = UINT64_MAX;
	}
	arm_tick(e);
	start_connects(e);

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;

		now = now_ns();
		if (cfg->hold_batches) {
			step_batches(e);
			start_connects(e);
		}
		check_phase(e, now);
		if (finished(e, now))
			break;

		ret = wait_completion(e);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			fprintf(stderr, "loadgen: io_uring_enter: %s\n", strerror(-ret));
			break;
		}
		io_uring_for_each_cqe(&e->ring, head, cqe) {
			uint64_t data = io_uring_cqe_get_data64(cqe);
			uint32_t i = data >> 8;

			switch (data & 0xff) {
			case OP_CONNECT: on_connect(e, i, cqe->res); break;
			case OP_SEND: on_send(e, i, cqe->res); break;
			case OP_RECV: on_recv(e, i, cqe->res); break;
			case OP_TICK: on_tick(e); break;
			default: break;
			}
			seen++;
		}
		io_uring_cq_advance(&e->ring, seen);
		start_connects(e);
	}

	if (cfg->hold_batches)
		reap_closed(e);
	if (e->measuring && !e->measure_done)
		end_measure(e);
	if (e->last_done_ns > e->first_send_ns && e->first_send_ns)
		st->elapsed_s = (e->last_done_ns - e->first_send_ns) / 1e9;
	if (e->measuring)
		per_conn_figures(e);
	engine_exit(e);
	free(e);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return 0;
}
